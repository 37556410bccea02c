import { rule } from "../util/rule";

/**
 * Flags Pods the stack creates directly, with no controller (ownerReferences): nothing
 * recreates a naked Pod when its node fails or is drained, and it escapes rollouts, PDBs and
 * autoscaling. Run it from a Deployment, StatefulSet, DaemonSet or Job instead.
 * Severity low, advisory; Kubescape C-0073 "Naked pods".
 */
export const nakedPod = rule(
    {
        name: "naked-pod",
        description: "Pods must be created by a controller (Deployment, StatefulSet, DaemonSet, Job), not on their own.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { kubescape: ["C-0073"] },
        remediationSteps: "Wrap the pod spec in a Deployment (or a Job for run-to-completion work) instead of creating the Pod directly.",
        scope: "stack",
    },
    (stack) =>
        stack.workloads
            .filter((w) => w.kind === "Pod" && !(Array.isArray(w.props.metadata?.ownerReferences) && w.props.metadata.ownerReferences.length > 0))
            .map((w) => ({ object: w, message: "is a naked Pod: no controller recreates it when its node fails; run it from a Deployment or Job" })),
);
