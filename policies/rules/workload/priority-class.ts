import { rule } from "../util/rule";

/**
 * Requires pods to name a PriorityClass, so that under node pressure the scheduler evicts
 * and preempts batch and best-effort pods before the services users depend on; without one
 * every pod has priority 0 and the choice is arbitrary. Severity low, advisory. Polaris
 * priorityClassNotSet; no benchmark control covers it.
 */
export const priorityClass = rule(
    {
        name: "priority-class",
        description: "Pods should set spec.priorityClassName.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Set priorityClassName in the pod spec to a PriorityClass that matches the workload's importance.",
        scope: "pods",
    },
    (pod) => {
        const name: unknown = pod.spec.priorityClassName;
        if (typeof name === "string" && name !== "") return [];
        return [`${pod.specPath}.priorityClassName is not set; set it to a PriorityClass`];
    },
);
