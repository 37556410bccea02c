import { rule } from "../util/rule";
import { containersOf, describeContainer, podSecurityContext, type Obj } from "../util/podspec";

/** SELinux types PSS baseline allows (container_engine_t since Kubernetes 1.31). */
export const ALLOWED_SELINUX_TYPES: readonly string[] = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

function problems(options: unknown, path: string, who: string): string[] {
    if (typeof options !== "object" || options === null) return [];
    const o = options as Obj;
    const out: string[] = [];
    if (o.type !== undefined && o.type !== "" && !ALLOWED_SELINUX_TYPES.includes(o.type)) {
        out.push(`${who}${path}.type is "${String(o.type)}"; use one of ${ALLOWED_SELINUX_TYPES.join(", ")} or leave it unset`);
    }
    for (const field of ["user", "role"]) {
        if (o[field] !== undefined && o[field] !== "") {
            out.push(`${who}${path}.${field} is "${String(o[field])}"; remove it`);
        }
    }
    return out;
}

/**
 * Prevents custom SELinux users, roles and types that would lift the container out of
 * the confined container domain. Severity medium, mandatory. PSS baseline "SELinux",
 * Kubescape C-0055 (Linux hardening).
 */
export const selinux = rule(
    {
        name: "selinux",
        description: "SELinux options must keep the container domain: no custom user/role, type container_t or similar.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "selinux" }, nsaCisa: "pod-security", kubescape: ["C-0055"] },
        remediationSteps: "Remove seLinuxOptions.user/role and use a container_* type (or leave seLinuxOptions unset).",
        scope: "pods",
    },
    (pod) => [
        ...problems(podSecurityContext(pod).seLinuxOptions, `${pod.specPath}.securityContext.seLinuxOptions`, ""),
        ...containersOf(pod).flatMap((c) =>
            problems(c.securityContext.seLinuxOptions, `${c.path}.securityContext.seLinuxOptions`, `${describeContainer(c)}: `),
        ),
    ],
);
