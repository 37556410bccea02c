/**
 * Renders the layer graph (stacks/graph.ts) as text, Mermaid or Graphviz dot, grouped in the
 * waves the pipeline runs: layers in the same wave run in parallel.
 */
import { LAYER_NEEDS, waves } from "../../stacks/graph";

export const GRAPH_FORMATS = ["text", "mermaid", "dot"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

type Needs = Readonly<Record<string, readonly string[]>>;

function edges(needs: Needs): Array<[string, string]> {
    return Object.entries(needs).flatMap(([layer, deps]) => deps.map((d) => [d, layer] as [string, string]));
}

/** Plain text: one line per wave, then who needs whom; destroy runs the waves in reverse. */
export function renderGraphText(needs: Needs = LAYER_NEEDS): string {
    const ws = waves(needs);
    const lines = ["Run order (layers in one wave run in parallel; destroy runs the waves in reverse):"];
    ws.forEach((w, i) => lines.push(`  wave ${i + 1}: ${w.join(", ")}${w.length > 1 ? "  (parallel)" : ""}`));
    lines.push("Needs:");
    for (const [layer, deps] of Object.entries(needs)) lines.push(`  ${layer} <- ${deps.length ? deps.join(", ") : "(nothing)"}`);
    return lines.join("\n") + "\n";
}

/** Mermaid flowchart with one subgraph per wave. */
export function renderGraphMermaid(needs: Needs = LAYER_NEEDS): string {
    const lines = ["flowchart LR"];
    waves(needs).forEach((w, i) => {
        lines.push(`  subgraph wave${i + 1}["wave ${i + 1}"]`);
        for (const layer of w) lines.push(`    ${layer}`);
        lines.push("  end");
    });
    for (const [from, to] of edges(needs)) lines.push(`  ${from} --> ${to}`);
    return lines.join("\n") + "\n";
}

/** Graphviz dot with `rank=same` per wave so parallel layers line up. */
export function renderGraphDot(needs: Needs = LAYER_NEEDS): string {
    const lines = ["digraph layers {", "  rankdir=LR;", "  node [shape=box];"];
    waves(needs).forEach((w, i) => {
        lines.push(`  subgraph cluster_wave${i + 1} { label="wave ${i + 1}"; rank=same; ${w.map((l) => `"${l}";`).join(" ")} }`);
    });
    for (const [from, to] of edges(needs)) lines.push(`  "${from}" -> "${to}";`);
    lines.push("}");
    return lines.join("\n") + "\n";
}

/** Renders the graph in the named format. */
export function renderGraph(format: GraphFormat, needs: Needs = LAYER_NEEDS): string {
    if (format === "mermaid") return renderGraphMermaid(needs);
    if (format === "dot") return renderGraphDot(needs);
    return renderGraphText(needs);
}
