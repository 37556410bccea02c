/**
 * Pod Security Admission labels for the namespaces the components create, shared by every
 * component folder so each namespace states its level the same way.
 */

/** Pod Security Admission labels: enforce one level, and warn/audit against a stricter one. */
export function podSecurityLabels(enforce: "privileged" | "baseline" | "restricted", report: "baseline" | "restricted"): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/warn": report,
        "pod-security.kubernetes.io/audit": report,
    };
}
