import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Prevents privileged containers, which get every capability and all host devices and can
 * take over the node. Severity critical, mandatory. PSS baseline "Privileged Containers",
 * CIS Kubernetes 5.2.2, Kubescape C-0057.
 */
export const privilegedContainer = rule(
    {
        name: "privileged-container",
        description: "Containers must not run privileged.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "privileged" }, cisKubernetes: ["5.2.2"], cisEks: ["4.2.1"], nsaCisa: "pod-security", kubescape: ["C-0057"] },
        remediationSteps: "Remove securityContext.privileged or set it to false on every container.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod)
            .filter((c) => c.securityContext.privileged === true)
            .map((c) => `${describeContainer(c)} sets ${c.path}.securityContext.privileged to true; set it to false`),
);
