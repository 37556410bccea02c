import { rule } from "../util/rule";
import { get, podTemplatePath, REPLICATED_POD_CONTROLLERS } from "../util/podspec";

/** One failure domain each: a node, and a zone. Both must be spread over. */
const SPREAD_KEYS = ["kubernetes.io/hostname", "topology.kubernetes.io/zone"];

/**
 * Requires replicated controllers (REPLICATED_POD_CONTROLLERS: Deployments, StatefulSets and Argo
 * Rollouts) with more than one replica to declare topologySpreadConstraints over both
 * the node (kubernetes.io/hostname) and the zone (topology.kubernetes.io/zone) keys, so
 * their replicas land on different nodes and zones and one node or zone failure cannot take
 * them all; replicas alone do not guarantee that. Single-replica workloads are skipped.
 * Severity low, advisory. Polaris topologySpreadConstraint; no benchmark control covers it.
 */
export const topologySpread = rule(
    {
        name: "topology-spread",
        description: "Deployments, StatefulSets and Argo Rollouts with more than one replica should set topologySpreadConstraints.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Add spec.template.spec.topologySpreadConstraints over kubernetes.io/hostname and topology.kubernetes.io/zone, selecting the workload's pod labels.",
        scope: { kinds: REPLICATED_POD_CONTROLLERS },
    },
    (workload) => {
        const replicas: unknown = get(workload.props, "spec", "replicas") ?? 1;
        if (typeof replicas !== "number" || replicas <= 1) return [];
        // Every kind of the scope is a WORKLOAD_KINDS entry (the scope is read from it).
        const at = [...podTemplatePath(workload.kind)!, "spec", "topologySpreadConstraints"];
        const spread = get(workload.props, ...at);
        // Stryker disable next-line ArrayDeclaration: the fallback's contents never matter: a string entry has no topologyKey
        const keys = new Set((Array.isArray(spread) ? spread : []).map((c: { topologyKey?: unknown }) => c?.topologyKey));
        const missing = SPREAD_KEYS.filter((k) => !keys.has(k));
        if (missing.length === 0) return [];
        return [
            `spec.replicas is ${replicas} but ${at.join(".")} does not spread over ${missing.join(" and ")}; ` +
                "add a constraint per key so one node or one zone failure cannot take every replica",
        ];
    },
);
