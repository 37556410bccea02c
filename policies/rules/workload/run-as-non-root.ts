import { podRule } from "../util/rule";
import { containersOf, describeContainer, effectiveField } from "../util/podspec";

/**
 * Requires runAsNonRoot: true for every container (on the pod, or on the container, whose
 * value wins), so the kubelet refuses to start an image that would run as UID 0.
 * Severity high, mandatory. PSS restricted "Running as Non-root", CIS Kubernetes 5.2.7,
 * Kubescape C-0013.
 */
export const runAsNonRoot = podRule(
    {
        name: "run-as-non-root",
        description: "Containers must run with runAsNonRoot: true.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: "restricted/running-as-non-root", cis: "CIS-K8s-5.2.7", kubescape: "C-0013" },
        remediationSteps: "Set spec.securityContext.runAsNonRoot: true on the pod and do not override it with false on containers.",
    },
    (pod) =>
        containersOf(pod).flatMap((c) => {
            const { value, path } = effectiveField(pod, c, "runAsNonRoot");
            if (value === true) return [];
            if (value === false) return [`${describeContainer(c)} runs with ${path} false; set it to true`];
            return [`${describeContainer(c)} does not set runAsNonRoot; set ${pod.specPath}.securityContext.runAsNonRoot to true`];
        }),
);
