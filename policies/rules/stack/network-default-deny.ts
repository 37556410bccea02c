import { rule } from "../util/rule";
import type { StackObject, Workload } from "../util/stack";

/** True for a NetworkPolicy that denies all ingress to the pods it selects: type Ingress and no ingress rules. */
export function isDefaultDeny(policy: StackObject): boolean {
    const spec = policy.props.spec ?? {};
    const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : ["Ingress"];
    const rules: unknown[] = Array.isArray(spec.ingress) ? spec.ingress : [];
    return types.includes("Ingress") && rules.length === 0;
}

/**
 * Requires every workload's pods to be covered by a default-deny ingress NetworkPolicy in their
 * namespace (podSelector {} for the whole namespace, or one that selects the workload's pods),
 * so that only what an allow policy names can reach them. Kubernetes allows all traffic to a
 * pod no policy selects. A per-object scanner cannot see this: the policy is another object.
 * Severity medium, advisory; CIS Kubernetes 5.3.2, CIS EKS 4.3.2, NSA-CISA "Network separation and hardening".
 */
export const networkDefaultDeny = rule(
    {
        name: "network-default-deny",
        description: "Every workload's pods must be covered by a default-deny ingress NetworkPolicy.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { cisKubernetes: ["5.3.2"], cisEks: ["4.3.2"], nsaCisa: "network-separation" },
        remediationSteps: "Add a NetworkPolicy in the namespace with podSelector: {} (or the workload's labels), policyTypes: [Ingress, Egress] and no rules; then allow what is needed with separate policies.",
        scope: "stack",
    },
    (stack) => {
        const denied = new Set<Workload>();
        for (const policy of stack.ofKind("NetworkPolicy", "networking.k8s.io")) {
            if (!isDefaultDeny(policy)) continue;
            for (const w of stack.selected(policy.namespace, policy.props.spec?.podSelector ?? {})) denied.add(w);
        }
        return stack.workloads
            .filter((w) => !denied.has(w))
            .map((w) => ({ object: w, message: `no default-deny NetworkPolicy in namespace ${w.namespace} selects its pods, so any pod in the cluster can reach them; add one` }));
    },
);
