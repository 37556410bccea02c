import { chartValuesRule, truthy } from "./util";

/**
 * Prevents Helm releases whose values set allowPrivilegeEscalation: true, which lets a process
 * gain more privileges than its parent (setuid binaries, file capabilities).
 * Severity high; Pod Security Standards restricted/privilege-escalation, CIS Kubernetes 5.2.6, Kubescape C-0016.
 */
export const chartNoPrivilegeEscalation = chartValuesRule(
    {
        name: "chart-no-privilege-escalation",
        description: "Helm values must not set allowPrivilegeEscalation: true.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "privilege-escalation" }, cisKubernetes: ["5.2.6"], cisEks: ["4.2.5"], nsaCisa: "pod-security", kubescape: ["C-0016"] },
        remediationSteps: "Set allowPrivilegeEscalation: false in the values.",
    },
    {
        matches: (h) => h.key === "allowPrivilegeEscalation" && truthy(h.value),
        what: "which allows privilege escalation",
        fix: "set allowPrivilegeEscalation: false.",
    },
);
