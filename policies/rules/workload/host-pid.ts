import { rule } from "../util/rule";

/**
 * Prevents pods sharing the node's process table (reading other processes' environment, signalling them).
 * Severity high, mandatory. PSS baseline "Host Namespaces", CIS Kubernetes 5.2.3, Kubescape C-0038.
 */
export const hostPid = rule(
    {
        name: "host-pid",
        description: "Pods must not set hostPID.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.3"], cisEks: ["4.2.2"], nsaCisa: "pod-security", kubescape: ["C-0038"] },
        remediationSteps: "Remove hostPID from the pod spec or set it to false.",
        scope: "pods",
    },
    (pod) => (pod.spec.hostPID === true ? [`${pod.specPath}.hostPID is true; remove it or set it to false`] : []),
);
