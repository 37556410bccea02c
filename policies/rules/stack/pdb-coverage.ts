import { rule, type StackFinding } from "../util/rule";
import { REPLICATED_POD_CONTROLLERS } from "../util/podspec";
import { pushTo, type StackObject, type Workload } from "../util/stack";

/** True when a PDB spec lets at least one of `replicas` pods be evicted, as the disruption controller computes it. */
export function allowsDisruption(spec: { minAvailable?: unknown; maxUnavailable?: unknown }, replicas: number): boolean {
    // Stryker disable next-line Regex: only called on strings ending in "%"; removing the first instead of the last "%" gives NaN for the same inputs
    const percent = (v: string) => Number(v.replace(/%$/, ""));
    const { minAvailable: min, maxUnavailable: max } = spec;
    if (typeof max === "number") return max >= 1;
    // Stryker disable next-line Regex: a "%" that is not last makes both branches NaN, hence false
    if (typeof max === "string") return /%$/.test(max) ? percent(max) > 0 : Number(max) >= 1;
    // minAvailable percentages round up, so "90%" of 3 replicas is 3: no disruption allowed.
    if (typeof min === "number") return min < replicas;
    // Stryker disable next-line Regex: a "%" that is not last makes both branches NaN, hence false
    if (typeof min === "string") return /%$/.test(min) ? Math.ceil((percent(min) * replicas) / 100) < replicas : Number(min) < replicas;
    return false;
}

/**
 * Requires every replicated controller (REPLICATED_POD_CONTROLLERS: Deployment, StatefulSet,
 * Argo Rollout) with more than one replica to have a
 * PodDisruptionBudget that selects its pods and allows at least one disruption. Without one a
 * node drain can evict every replica at once; with one that allows none (minAvailable equal to
 * the replicas, maxUnavailable 0) drains and cluster upgrades block forever. Only a stack-level
 * check can tell, since the budget is a separate object matched by labels.
 * Severity medium, advisory; no benchmark control (availability, Kubernetes "Specifying a Disruption Budget").
 */
export const pdbCoverage = rule(
    {
        name: "pdb-coverage",
        description: "Replicated Deployments, StatefulSets and Argo Rollouts must have a PodDisruptionBudget that selects their pods and allows a disruption.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Add a policy/v1 PodDisruptionBudget in the workload's namespace whose spec.selector matches the pod template labels, with maxUnavailable: 1 (or minAvailable below spec.replicas).",
        scope: "stack",
    },
    (stack) => {
        const covering = new Map<Workload, StackObject[]>();
        for (const pdb of stack.ofKind("PodDisruptionBudget", "policy")) {
            for (const w of stack.selected(pdb.namespace, pdb.props.spec?.selector)) pushTo(covering, w, pdb);
        }
        const out: StackFinding[] = [];
        for (const w of stack.workloads) {
            if (!REPLICATED_POD_CONTROLLERS.includes(w.kind)) continue;
            const replicas = w.props.spec?.replicas ?? 1;
            if (typeof replicas !== "number" || replicas <= 1) continue;
            const pdbs = covering.get(w) ?? [];
            if (pdbs.length === 0) {
                out.push({ object: w, message: `spec.replicas is ${replicas} but no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1` });
            } else if (!pdbs.some((p) => allowsDisruption(p.props.spec ?? {}, replicas))) {
                out.push({
                    object: w,
                    message: `PodDisruptionBudget ${pdbs.map((p) => `"${p.name}"`).join(", ")} allows no disruption of its ${replicas} replicas, so drains block; set maxUnavailable: 1`,
                });
            }
        }
        return out;
    },
);
