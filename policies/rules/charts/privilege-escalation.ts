import type { ResourceRule } from "../types";
import { exemptionsSchema, reportValues, truthy } from "./util";

/**
 * Prevents Helm releases whose values set allowPrivilegeEscalation: true, which lets a process
 * gain more privileges than its parent (setuid binaries, file capabilities).
 * Severity high; Pod Security Standards restricted/privilege-escalation, CIS Kubernetes 5.2.6, Kubescape C-0016.
 */
export const chartNoPrivilegeEscalation: ResourceRule = {
    name: "chart-no-privilege-escalation",
    description: "Helm values must not set allowPrivilegeEscalation: true.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { pss: "restricted/privilege-escalation", cis: "CIS-K8s-5.2.6", kubescape: "C-0016" },
    configSchema: { properties: { ...exemptionsSchema } },
    validateResource: (args, reportViolation) =>
        reportValues(
            args,
            reportViolation,
            (h) => h.key === "allowPrivilegeEscalation" && truthy(h.value),
            "which allows privilege escalation",
            "set allowPrivilegeEscalation: false.",
        ),
};
