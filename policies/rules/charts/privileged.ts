import { chartValuesRule, truthy } from "./util";

/**
 * Prevents Helm releases whose values turn on privileged containers (any `privileged: true` in
 * the values tree). A privileged container has every capability and all host devices: it is
 * root on the node.
 * Severity critical; Pod Security Standards baseline/privileged, CIS Kubernetes 5.2.2, Kubescape C-0057.
 */
export const chartNoPrivileged = chartValuesRule(
    {
        name: "chart-no-privileged",
        description: "Helm values must not enable privileged containers.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "privileged" }, cisKubernetes: ["5.2.2"], cisEks: ["4.2.1"], nsaCisa: "pod-security", kubescape: ["C-0057"] },
        remediationSteps: "Set privileged: false in the values, or add a reviewed { chart, path } entry to chartExemptions.",
    },
    {
        matches: (h) => h.key === "privileged" && truthy(h.value),
        what: "which runs a privileged container",
        fix: "set it to false, or add a reviewed { chart, path } entry to chartExemptions.",
    },
);
