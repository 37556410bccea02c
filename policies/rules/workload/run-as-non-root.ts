import { rule } from "../util/rule";
import { containersOf, describeContainer, effectiveField } from "../util/podspec";

/**
 * Requires runAsNonRoot: true for every container (on the pod, or on the container, whose
 * value wins), so the kubelet refuses to start an image that would run as UID 0.
 * Severity high, mandatory. PSS restricted "Running as Non-root", CIS Kubernetes 5.2.7,
 * Kubescape C-0013.
 */
export const runAsNonRoot = rule(
    {
        name: "run-as-non-root",
        description: "Containers must run with runAsNonRoot: true.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "running-as-non-root" }, cisKubernetes: ["5.2.7"], cisEks: ["4.2.6"], nsaCisa: "pod-security", kubescape: ["C-0013"] },
        remediationSteps: "Set spec.securityContext.runAsNonRoot: true on the pod and do not override it with false on containers.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod).flatMap((c) => {
            const { value, path } = effectiveField(pod, c, "runAsNonRoot");
            if (value === true) return [];
            if (value === false) return [`${describeContainer(c)} runs with ${path} false; set it to true`];
            return [`${describeContainer(c)} does not set runAsNonRoot; set ${pod.specPath}.securityContext.runAsNonRoot to true`];
        }),
);
