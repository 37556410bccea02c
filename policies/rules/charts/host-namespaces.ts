import { chartValuesRule, truthy } from "./util";

const KEYS = ["hostNetwork", "hostPID", "hostIPC"];

/**
 * Prevents Helm releases whose values share the node's network, PID or IPC namespace (any
 * hostNetwork/hostPID/hostIPC: true). Pods then see host traffic and processes and bypass
 * NetworkPolicy. Node exporter's host namespaces are exempt by default.
 * Severity high; Pod Security Standards baseline/host-namespaces, CIS Kubernetes 5.2.3-5.2.5, Kubescape C-0041.
 */
export const chartNoHostNamespaces = chartValuesRule(
    {
        name: "chart-no-host-namespaces",
        description: "Helm values must not enable hostNetwork, hostPID or hostIPC.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.5"], cisEks: ["4.2.4"], nsaCisa: "pod-security", kubescape: ["C-0041"] },
        remediationSteps: "Set hostNetwork, hostPID and hostIPC to false in the values, or add a reviewed { chart, path } entry to chartExemptions.",
    },
    {
        matches: (h) => KEYS.includes(h.key) && truthy(h.value),
        what: "which shares a host namespace with the pod",
        fix: "set it to false, or add a reviewed { chart, path } entry to chartExemptions (as for node exporter).",
    },
);
