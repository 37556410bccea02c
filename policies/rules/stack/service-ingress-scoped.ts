import { rule, type StackFinding } from "../util/rule";
import { pushTo, type StackObject, type Workload } from "../util/stack";
import { isEmptySelector } from "../util/labels";
import { ANYWHERE } from "../aws/util";

interface Peer {
    podSelector?: object;
    namespaceSelector?: object;
    ipBlock?: { cidr?: string };
}

/** Why an ingress rule lets in traffic from outside the namespaces it names, or undefined when it does not. */
export function openSource(rule: { from?: Peer[] }): string | undefined {
    const from = Array.isArray(rule.from) ? rule.from : [];
    if (from.length === 0) return "has no from, so it admits every source";
    for (const peer of from) {
        if (peer.namespaceSelector && isEmptySelector(peer.namespaceSelector)) return "has namespaceSelector {}, which names every namespace";
        if (peer.ipBlock && ANYWHERE.includes(peer.ipBlock.cidr ?? "")) return `has ipBlock ${peer.ipBlock.cidr}, which admits the internet`;
    }
    return undefined;
}

/**
 * Requires every Service's pods to be reachable only from the namespaces an allow rule names:
 * each ingress rule of a NetworkPolicy selecting them lists its sources (pods of the same
 * namespace, or namespaces by name), never "from anywhere" (no from, namespaceSelector {},
 * ipBlock 0.0.0.0/0). Follows Service -> pods -> policies, which only a stack check can.
 * Severity medium, advisory; CIS Kubernetes 5.3.2, CIS EKS 4.3.2, NSA-CISA "Network separation and hardening".
 */
export const serviceIngressScoped = rule(
    {
        name: "service-ingress-scoped",
        description: "NetworkPolicies must admit traffic to a Service's pods only from the namespaces they name.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { cisKubernetes: ["5.3.2"], cisEks: ["4.3.2"], nsaCisa: "network-separation" },
        remediationSteps: "In each ingress rule selecting the Service's pods, list from: entries with podSelector (same namespace) or namespaceSelector matching kubernetes.io/metadata.name of the calling namespaces.",
        scope: "stack",
    },
    (stack) => {
        const policiesOf = new Map<Workload, StackObject[]>();
        for (const policy of stack.ofKind("NetworkPolicy", "networking.k8s.io")) {
            for (const w of stack.selected(policy.namespace, policy.props.spec?.podSelector ?? {})) pushTo(policiesOf, w, policy);
        }
        const out: StackFinding[] = [];
        for (const svc of stack.ofKind("Service", "")) {
            const selector = svc.props.spec?.selector;
            if (!selector || Object.keys(selector).length === 0) continue;
            const policies = new Set(stack.selected(svc.namespace, { matchLabels: selector }).flatMap((w) => policiesOf.get(w) ?? []));
            for (const policy of policies) {
                const rules: { from?: Peer[] }[] = Array.isArray(policy.props.spec?.ingress) ? policy.props.spec.ingress : [];
                rules.forEach((rule, i) => {
                    const why = openSource(rule);
                    if (why) out.push({ object: svc, message: `NetworkPolicy "${policy.name}" spec.ingress[${i}] ${why}; name the calling namespaces` });
                });
            }
        }
        return out;
    },
);
