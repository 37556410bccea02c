import { BASELINE_CAPABILITIES, normalizeCapability } from "../util/capabilities";
import { chartValuesRule } from "./util";

/** The added capabilities outside the baseline set, normalised ("cap_sys_admin" -> "SYS_ADMIN"). */
export function dangerousCapabilities(value: unknown): string[] {
    const caps = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
    return caps.map(normalizeCapability).filter((c) => !BASELINE_CAPABILITIES.includes(c));
}

/**
 * Prevents Helm releases whose values add Linux capabilities beyond the baseline set (any
 * capabilities.add list containing e.g. SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE or ALL).
 * Each one hands the container a piece of root: mounting, network reconfiguration, tracing.
 * Severity high; Pod Security Standards baseline/capabilities, CIS Kubernetes 5.2.9, Kubescape C-0046.
 */
export const chartNoDangerousCapabilities = chartValuesRule(
    {
        name: "chart-no-dangerous-capabilities",
        description: "Helm values must not add capabilities beyond the Pod Security Standards baseline set.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "capabilities" }, cisKubernetes: ["5.2.9"], cisEks: ["4.2.8"], nsaCisa: "pod-security", kubescape: ["C-0046"] },
        remediationSteps: "Remove the added capabilities from the values (keep drop: [ALL]), or add a reviewed { chart, path } entry to chartExemptions.",
    },
    {
        matches: (h) => h.key === "add" && h.parentKey === "capabilities" && dangerousCapabilities(h.value).length > 0,
        what: "which adds capabilities outside the baseline set",
        fix: "drop ALL and add back only NET_BIND_SERVICE (or another baseline capability) if needed.",
    },
);
