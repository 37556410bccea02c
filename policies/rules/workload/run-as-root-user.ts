import { rule } from "../util/rule";
import { containersOf, describeContainer, podSecurityContext } from "../util/podspec";

/**
 * Prevents runAsUser: 0 at pod or container level: an explicit root UID defeats image
 * USER directives. PSS checks both levels independently, and so does this rule.
 * Severity high, mandatory. PSS restricted "Running as Non-root user", CIS Kubernetes
 * 5.2.7, Kubescape C-0013.
 */
export const runAsRootUser = rule(
    {
        name: "run-as-root-user",
        description: "Pods and containers must not set runAsUser to 0.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "running-as-non-root-user" }, cisKubernetes: ["5.2.7"], cisEks: ["4.2.6"], nsaCisa: "pod-security", kubescape: ["C-0013"] },
        remediationSteps: "Set runAsUser to a non-zero UID (e.g. 10001) or remove it and rely on the image's USER.",
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        if (podSecurityContext(pod).runAsUser === 0) {
            out.push(`${pod.specPath}.securityContext.runAsUser is 0; set a non-zero UID`);
        }
        for (const c of containersOf(pod)) {
            if (c.securityContext.runAsUser === 0) {
                out.push(`${describeContainer(c)} sets ${c.path}.securityContext.runAsUser to 0; set a non-zero UID`);
            }
        }
        return out;
    },
);
