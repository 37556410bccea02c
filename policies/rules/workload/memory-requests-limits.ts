import { rule } from "../util/rule";
import { containersOf, describeContainer, get, RUNNING_CONTAINER_LISTS } from "../util/podspec";

/**
 * Requires a memory request and a memory limit on every container, so the scheduler can
 * place pods and one leaking container cannot exhaust the node. Severity medium, advisory
 * (environments raise it to mandatory). Kubescape C-0004.
 */
export const memoryRequestsLimits = rule(
    {
        name: "memory-requests-limits",
        description: "Containers should set resources.requests.memory and resources.limits.memory.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0004"] },
        remediationSteps: "Set resources.requests.memory and resources.limits.memory (e.g. 256Mi / 512Mi).",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod, RUNNING_CONTAINER_LISTS).flatMap((c) => {
            const missing = [
                get(c.container, "resources", "requests", "memory") === undefined ? `${c.path}.resources.requests.memory` : undefined,
                get(c.container, "resources", "limits", "memory") === undefined ? `${c.path}.resources.limits.memory` : undefined,
            ].filter((m): m is string => m !== undefined);
            return missing.length ? [`${describeContainer(c)} does not set ${missing.join(" and ")}; set them`] : [];
        }),
);
