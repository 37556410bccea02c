import { chartValuesRule } from "./util";

/**
 * Prevents Helm releases whose values switch off the chart's pod or container security context
 * (securityContext / podSecurityContext / containerSecurityContext with enabled: false, the
 * convention of Bitnami and many other charts). That drops the chart's hardened defaults
 * (non-root user, no privilege escalation, dropped capabilities) in one line.
 * Severity medium; Kubescape C-0211 (apply security context), CIS Kubernetes 5.7.3.
 */
export const chartSecurityContextEnabled = chartValuesRule(
    {
        name: "chart-security-context-enabled",
        description: "Helm values must not disable the chart's securityContext (enabled: false).",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.7.3"], nsaCisa: "pod-security", kubescape: ["C-0211"] },
        remediationSteps: "Remove enabled: false from the chart's securityContext values (keep the chart's hardened defaults).",
    },
    {
        matches: (h) => h.key === "enabled" && /securitycontext$/i.test(h.parentKey) && (h.value === false || h.value === "false"),
        what: "which disables the chart's security context",
        fix: "remove it (keep the chart's defaults) or set enabled: true with your own hardened values.",
    },
);
