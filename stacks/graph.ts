/**
 * The layer graph as data: which layer needs which. Everything that orders,
 * parallelises or reverses layers reads it from here.
 */
import { Graph, alg } from "@dagrejs/graphlib";

export const LAYERS = ["cluster", "images", "monitoring", "mesh", "apps"] as const;
export type Layer = (typeof LAYERS)[number];

/** Direct prerequisites of each layer (docs/architecture.md draws them). */
export const LAYER_NEEDS: Readonly<Record<Layer, readonly Layer[]>> = {
    cluster: [],
    images: [],
    monitoring: ["cluster"],
    mesh: ["cluster", "monitoring"],
    apps: ["images", "mesh"],
};

export function isLayer(value: string): value is Layer {
    return (LAYERS as readonly string[]).includes(value);
}

/**
 * A layer graph: each node's direct prerequisites. The functions below default to the project's
 * (`LAYER_NEEDS`, typed by `Layer`); tests pass graphs of their own with other node names.
 */
export type Needs<N extends string = Layer> = Readonly<Record<N, readonly N[]>>;

/** Builds a graphlib graph with an edge need -> layer, rejecting unknown layers and cycles. */
export function buildGraph(needs: Readonly<Record<string, readonly string[]>> = LAYER_NEEDS): Graph {
    const g = new Graph({ directed: true });
    for (const name of Object.keys(needs)) g.setNode(name);
    for (const [name, deps] of Object.entries(needs)) {
        for (const dep of deps) {
            if (!(dep in needs)) throw new Error(`layer "${name}" needs unknown layer "${dep}"`);
            g.setEdge(dep, name);
        }
    }
    const cycles = alg.findCycles(g);
    if (cycles.length > 0) throw new Error(`layer graph has a cycle: ${cycles[0].join(" -> ")}`);
    return g;
}

/** Dependency order: every layer after all the layers it needs; ties keep LAYERS order. */
export function topoOrder<N extends string = Layer>(needs: Needs<N> = LAYER_NEEDS as Needs<string> as Needs<N>): N[] {
    const g = buildGraph(needs);
    const declared = Object.keys(needs) as N[];
    const order: N[] = [];
    const done = new Set<string>();
    // Kahn's algorithm over graphlib's edges so the order is stable for people reading plans.
    while (order.length < declared.length) {
        const next = declared.find((n) => !done.has(n) && (g.predecessors(n) ?? []).every((p) => done.has(String(p))));
        if (next === undefined) throw new Error("layer graph has a cycle");
        done.add(next);
        order.push(next);
    }
    return order;
}

/** Waves of layers that can run at the same time (each wave needs only earlier waves). */
export function waves<N extends string = Layer>(needs: Needs<N> = LAYER_NEEDS as Needs<string> as Needs<N>): N[][] {
    const g = buildGraph(needs);
    const level = new Map<N, number>();
    for (const n of topoOrder(needs)) {
        const preds = (g.predecessors(n) ?? []).map((p) => String(p) as N);
        level.set(n, preds.length === 0 ? 0 : Math.max(...preds.map((p) => level.get(p)! + 1)));
    }
    const out: N[][] = [];
    for (const [n, l] of level) (out[l] ??= []).push(n);
    return out;
}

/** All layers that `layer` needs, directly or not. */
export function ancestors<N extends string = Layer>(layer: N, needs: Needs<N> = LAYER_NEEDS as Needs<string> as Needs<N>): N[] {
    const seen = new Set<N>();
    const visit = (n: N) => {
        for (const d of needs[n] ?? []) if (!seen.has(d)) { seen.add(d); visit(d); }
    };
    visit(layer);
    return topoOrder(needs).filter((n) => seen.has(n));
}

/** All layers that need `layer`, directly or not. */
export function descendants<N extends string = Layer>(layer: N, needs: Needs<N> = LAYER_NEEDS as Needs<string> as Needs<N>): N[] {
    return topoOrder(needs).filter((n) => n !== layer && ancestors(n, needs).includes(layer));
}
