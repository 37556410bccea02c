import { rule } from "../util/rule";
import { containersOf, describeContainer, effectiveField } from "../util/podspec";

/**
 * Requires every container to run under a seccomp profile (RuntimeDefault or Localhost),
 * set on the pod or the container (the container's wins). Severity medium, mandatory.
 * PSS restricted "Seccomp", CIS Kubernetes 5.7.2, Kubescape C-0210. An explicit Unconfined
 * is reported by seccomp-unconfined, so one mistake gives one finding.
 */
export const seccompProfile = rule(
    {
        name: "seccomp-profile",
        description: "Pods or containers must set seccompProfile.type to RuntimeDefault or Localhost.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "seccomp" }, cisKubernetes: ["5.7.2"], nsaCisa: "pod-security", kubescape: ["C-0210"] },
        remediationSteps: "Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (or on each container).",
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        for (const c of containersOf(pod)) {
            const { value } = effectiveField(pod, c, "seccompProfile");
            const type = (value as { type?: unknown } | undefined)?.type;
            if (type === "RuntimeDefault" || type === "Localhost" || type === "Unconfined") continue;
            out.push(
                `${describeContainer(c)} has no seccomp profile; set ${pod.specPath}.securityContext.seccompProfile.type ` +
                    `(or ${c.path}.securityContext.seccompProfile.type) to RuntimeDefault`,
            );
        }
        return out;
    },
);
