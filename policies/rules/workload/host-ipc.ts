import { rule } from "../util/rule";

/**
 * Prevents pods sharing the node's shared memory and IPC objects.
 * Severity high, mandatory. PSS baseline "Host Namespaces", CIS Kubernetes 5.2.4, Kubescape C-0038.
 */
export const hostIpc = rule(
    {
        name: "host-ipc",
        description: "Pods must not set hostIPC.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.4"], cisEks: ["4.2.3"], nsaCisa: "pod-security", kubescape: ["C-0038"] },
        remediationSteps: "Remove hostIPC from the pod spec or set it to false.",
        scope: "pods",
    },
    (pod) => (pod.spec.hostIPC === true ? [`${pod.specPath}.hostIPC is true; remove it or set it to false`] : []),
);
