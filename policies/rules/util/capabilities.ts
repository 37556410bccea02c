/** Linux capabilities as Pod Security Standards sees them; shared by the workload and Helm values rules. */

/** Capabilities PSS baseline lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES: readonly string[] = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];

/** Accepts "NET_ADMIN" and "CAP_NET_ADMIN" alike. */
export function normalizeCapability(cap: unknown): string {
    return String(cap).toUpperCase().replace(/^CAP_/, "");
}
