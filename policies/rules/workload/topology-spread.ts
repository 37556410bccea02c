import { kindRule } from "../util/rule";
import { get } from "../util/podspec";

/**
 * Requires replicated Deployments and StatefulSets to declare topologySpreadConstraints, so
 * their replicas land on different nodes and zones and one node or zone failure cannot take
 * them all; replicas alone do not guarantee that. Single-replica workloads are skipped.
 * Severity low, advisory. Polaris topologySpreadConstraint; no benchmark control covers it.
 */
export const topologySpread = kindRule(
    {
        name: "topology-spread",
        description: "Deployments and StatefulSets with more than one replica should set topologySpreadConstraints.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Add spec.template.spec.topologySpreadConstraints over kubernetes.io/hostname and topology.kubernetes.io/zone, selecting the workload's pod labels.",
    },
    ["Deployment", "StatefulSet"],
    (workload) => {
        const replicas: unknown = get(workload.props, "spec", "replicas") ?? 1;
        if (typeof replicas !== "number" || replicas <= 1) return [];
        const spread = get(workload.props, "spec", "template", "spec", "topologySpreadConstraints");
        if (Array.isArray(spread) && spread.length > 0) return [];
        return [`spec.replicas is ${replicas} but spec.template.spec.topologySpreadConstraints is not set; spread the replicas over nodes and zones`];
    },
);
