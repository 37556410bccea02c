/** `infra graph`: the layer graph in run-order waves, as text, Mermaid or dot. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { GRAPH_FORMATS, GraphFormat, renderGraph } from "../../reports/graph";
import { LAYER_NEEDS, waves } from "../../../stacks/graph";

import { emit, print } from "../../orchestrator/output";
import { resolveEnvironment } from "../../orchestrator/run";

export const command = "graph";
export const describe = "Show the layer graph and run order (layers in one wave run in parallel)";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 graph", "run order as text"],
    ["$0 graph --env dev --format mermaid", "a Mermaid flowchart for docs or a PR"],
    ["$0 graph --format dot | dot -Tsvg > layers.svg", "render with Graphviz"],
];

interface GraphArgs {
    env?: string;
    format: GraphFormat;
    events: boolean;
    json: boolean;
}

export function builder(y: Argv) {
    return y
        .option("env", { alias: "e", type: "string", describe: "Environment (validated; every environment has the same graph)" })
        .option("format", { alias: "f", choices: GRAPH_FORMATS, default: "text" as const, describe: "Output format" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<GraphArgs>): Promise<void> {
    if (argv.env !== undefined) resolveEnvironment(argv.env);
    emit(argv, { kind: "graph", waves: waves(), needs: LAYER_NEEDS });
    print(argv, argv.json ? JSON.stringify({ waves: waves(), needs: LAYER_NEEDS }, null, 2) : renderGraph(argv.format));
}
