import { podRule } from "../util/rule";

/**
 * Prevents pods sharing the node's shared memory and IPC objects.
 * Severity high, mandatory. PSS baseline "Host Namespaces", CIS Kubernetes 5.2.4, Kubescape C-0038.
 */
export const hostIpc = podRule(
    {
        name: "host-ipc",
        description: "Pods must not set hostIPC.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: "baseline/host-namespaces", cis: "CIS-K8s-5.2.4", kubescape: "C-0038" },
        remediationSteps: "Remove hostIPC from the pod spec or set it to false.",
    },
    (pod) => (pod.spec.hostIPC === true ? [`${pod.specPath}.hostIPC is true; remove it or set it to false`] : []),
);
