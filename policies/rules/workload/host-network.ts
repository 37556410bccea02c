import { rule } from "../util/rule";

/**
 * Prevents pods sharing the node's network stack (sniffing, binding node ports, reaching node-local services).
 * Severity high, mandatory. PSS baseline "Host Namespaces", CIS Kubernetes 5.2.5, Kubescape C-0041.
 */
export const hostNetwork = rule(
    {
        name: "host-network",
        description: "Pods must not set hostNetwork.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.5"], cisEks: ["4.2.4"], nsaCisa: "pod-security", kubescape: ["C-0041"] },
        remediationSteps: "Remove hostNetwork from the pod spec or set it to false.",
        scope: "pods",
    },
    (pod) => (pod.spec.hostNetwork === true ? [`${pod.specPath}.hostNetwork is true; remove it or set it to false`] : []),
);
