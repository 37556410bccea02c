import { chartValuesRule } from "./util";

/**
 * Prevents Helm releases whose values run containers as root: runAsUser 0 anywhere in the values
 * tree, or runAsNonRoot false (which removes the kubelet's refusal to start a root container).
 * Severity high; Pod Security Standards restricted/running-as-non-root, CIS Kubernetes 5.2.7, Kubescape C-0013.
 */
export const chartNoRootUser = chartValuesRule(
    {
        name: "chart-no-root-user",
        description: "Helm values must not set runAsUser: 0 or runAsNonRoot: false.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "running-as-non-root" }, cisKubernetes: ["5.2.7"], cisEks: ["4.2.6"], nsaCisa: "pod-security", kubescape: ["C-0013"] },
        remediationSteps: "Set runAsNonRoot: true and a non-zero runAsUser in the values.",
    },
    {
        matches: (h) => (h.key === "runAsUser" && (h.value === 0 || h.value === "0")) || (h.key === "runAsNonRoot" && (h.value === false || h.value === "false")),
        what: "which lets the container run as root",
        fix: "use a non-zero runAsUser and runAsNonRoot: true.",
    },
);
