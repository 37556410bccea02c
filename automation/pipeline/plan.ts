/**
 * The schedule of one run as data: the order layers are considered in, which selected layers
 * each one waits for, and where each layer's upstream outputs come from.
 */
import type { Operation } from "../engine";
import { InputError } from "../../common/errors";
import { ancestors, descendants, topoOrder } from "../../stacks/graph";

export interface UpstreamSource {
    layer: string;
    /** "run": the outputs of this run's result for that layer; "outputs": read with engine.outputs. */
    from: "run" | "outputs";
}

export interface RunPlan {
    /** Every layer of the graph, in the order the run considers them (reversed for destroy). */
    order: string[];
    selected: ReadonlySet<string>;
    /** Selected layers that must succeed before this one starts. */
    waitsFor: Record<string, string[]>;
    /** Where the outputs handed to this layer as `upstream` come from. */
    upstream: Record<string, UpstreamSource[]>;
}

/**
 * Plans a run. Forward operations wait for every selected ancestor (transitively, so an
 * unselected layer in between never lets a layer overtake what it builds on); destroy waits
 * for every selected descendant, so nothing is destroyed while something that needs it remains.
 * Upstream is every ancestor, not only the direct needs: a layer reads any stack it builds on
 * (apps reads the cluster's kubeconfig through mesh's need of it). Destroy gets no upstream:
 * a destroy removes what the stack's state records and does not evaluate the program's reads
 * of other stacks.
 */
export function planRun(
    selected: readonly string[],
    operation: Operation,
    needs: Readonly<Record<string, readonly string[]>>,
): RunPlan {
    const forward = topoOrder(needs);
    for (const name of selected) {
        if (!(name in needs)) throw new InputError(`unknown layer "${name}"; valid layers: ${forward.join(", ")}`);
    }
    const chosen = new Set(selected);
    const destroy = operation === "destroy";
    const order = destroy ? [...forward].reverse() : forward;
    const waitsFor: Record<string, string[]> = {};
    const upstream: Record<string, UpstreamSource[]> = {};
    for (const layer of order) {
        const related = destroy ? descendants(layer, needs).reverse() : ancestors(layer, needs);
        waitsFor[layer] = related.filter((l) => chosen.has(l));
        upstream[layer] = destroy
            ? []
            : ancestors(layer, needs).map((l) => ({ layer: l, from: chosen.has(l) ? "run" : "outputs" }));
    }
    return { order, selected: chosen, waitsFor, upstream };
}
