/**
 * Which layers a run touches, from the user's `--layer` list and the dependency flags.
 */
import { InputError } from "../../common/errors";
import { LAYER_NEEDS, type Layer, ancestors, descendants, topoOrder } from "../../stacks/graph";

export interface SelectionOptions {
    /** Layer names; comma-separated entries are split. Empty or absent selects every layer. */
    layer?: string[];
    /** Also select every layer the named ones need, directly or not. */
    withDeps?: boolean;
    /** Also select every layer that needs the named ones, directly or not. */
    withDependents?: boolean;
}

/**
 * Resolves a selection to layers in dependency order. Throws InputError naming the first
 * unknown layer and the valid ones, so a typo never silently runs nothing.
 */
export function selectLayers(
    opts: SelectionOptions,
    needs: Readonly<Record<string, readonly string[]>> = LAYER_NEEDS,
): Layer[] {
    const order = topoOrder(needs);
    const named = (opts.layer ?? [])
        .flatMap((entry) => entry.split(","))
        .map((name) => name.trim())
        .filter((name) => name.length > 0);
    if (named.length === 0) return order as Layer[];

    for (const name of named) {
        if (!(name in needs)) {
            throw new InputError(`unknown layer "${name}"; valid layers: ${order.join(", ")}`);
        }
    }
    const chosen = new Set(named);
    for (const name of named) {
        if (opts.withDeps) for (const a of ancestors(name, needs)) chosen.add(a);
        if (opts.withDependents) for (const d of descendants(name, needs)) chosen.add(d);
    }
    return order.filter((name) => chosen.has(name)) as Layer[];
}
