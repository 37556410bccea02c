import { rule, type StackFinding } from "../util/rule";
import type { StackObject } from "../util/stack";

/** Helm releases and charts whose pods the pack cannot see: their namespaces are not checked. */
function helmNamespaces(objects: readonly StackObject[]): Set<string> {
    const out = new Set<string>();
    for (const { resource } of objects) {
        if (/^kubernetes:helm\.sh\/v\d+:(Release|Chart)$/.test(resource.type)) out.add(typeof resource.props.namespace === "string" ? resource.props.namespace : "default");
    }
    return out;
}

/**
 * Requires the selector of every Service and PodDisruptionBudget to select at least one
 * workload of the stack in its namespace: a selector that matches nothing (a label typo, a
 * renamed app) leaves a Service without endpoints and a budget protecting nothing, and
 * neither reports an error. Namespaces a Helm release installs into are skipped, since the
 * chart's pods are invisible to the pack.
 * Severity medium, advisory; no benchmark control.
 */
export const selectorMatchesPods = rule(
    {
        name: "selector-matches-pods",
        description: "Service and PodDisruptionBudget selectors must select at least one workload of the stack.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Make the selector's labels equal the pod template labels (spec.template.metadata.labels) of the workload it is meant for.",
        scope: "stack",
    },
    (stack) => {
        const skip = helmNamespaces(stack.objects);
        const out: StackFinding[] = [];
        for (const svc of stack.ofKind("Service", "")) {
            const selector = svc.props.spec?.selector;
            if (!selector || Object.keys(selector).length === 0 || skip.has(svc.namespace)) continue;
            if (stack.selected(svc.namespace, { matchLabels: selector }).length === 0) {
                out.push({ object: svc, message: `spec.selector ${JSON.stringify(selector)} selects no workload in namespace ${svc.namespace}; match the pod template labels` });
            }
        }
        for (const pdb of stack.ofKind("PodDisruptionBudget", "policy")) {
            const selector = pdb.props.spec?.selector;
            if (!selector || skip.has(pdb.namespace)) continue;
            if (stack.selected(pdb.namespace, selector).length === 0) {
                out.push({ object: pdb, message: `spec.selector ${JSON.stringify(selector)} selects no workload in namespace ${pdb.namespace}; match the pod template labels` });
            }
        }
        return out;
    },
);
