import { rule } from "../util/rule";
import { podSecurityContext } from "../util/podspec";

/** Namespaced sysctls PSS baseline treats as safe (the kubelet's safe set, Kubernetes 1.29+). */
export const SAFE_SYSCTLS: readonly string[] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/**
 * Prevents unsafe sysctls, which can affect other pods on the node or the node itself.
 * Severity medium, mandatory. PSS baseline "Sysctls".
 */
export const sysctls = rule(
    {
        name: "sysctls",
        description: "Pods may set only the safe sysctl set.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "sysctls" }, nsaCisa: "pod-security" },
        remediationSteps: `Remove securityContext.sysctls entries outside ${SAFE_SYSCTLS.join(", ")}.`,
        scope: "pods",
    },
    (pod) => {
        const list: unknown[] = Array.isArray(podSecurityContext(pod).sysctls) ? podSecurityContext(pod).sysctls : [];
        const out: string[] = [];
        list.forEach((s, i) => {
            const name = (s as { name?: unknown })?.name;
            if (typeof name !== "string" || !SAFE_SYSCTLS.includes(name)) {
                out.push(`${pod.specPath}.securityContext.sysctls[${i}] sets ${typeof name === "string" ? `unsafe sysctl "${name}"` : "a sysctl without a name"}; remove it`);
            }
        });
        return out;
    },
);
