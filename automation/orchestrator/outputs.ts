/** `outputs`: stack outputs per selected layer, secrets masked unless asked for. */
import type { Layer } from "../../stacks/graph";
import { maskOutputs } from "../reports/model";
import type { LayerArgs } from "./operations";
import { emit, print } from "./output";
import { resolveEnvironment, resolveLayers, withSession } from "./run";

export interface OutputsArgs extends LayerArgs {
    showSecrets: boolean;
}

/** Renders outputs as aligned `layer.key  value` lines; objects are shown as compact JSON. */
export function formatOutputs(byLayer: Partial<Record<Layer, Record<string, unknown>>>): string {
    const rows: Array<[string, string]> = [];
    for (const [layer, outputs] of Object.entries(byLayer)) {
        for (const [key, value] of Object.entries(outputs ?? {})) {
            rows.push([`${layer}.${key}`, typeof value === "string" ? value : JSON.stringify(value)]);
        }
    }
    if (rows.length === 0) return "(no outputs)\n";
    const width = Math.max(...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n";
}

/** Reads outputs of the selected layers with the chosen engine and prints them (one NDJSON event per layer with --events). */
export async function runOutputs(args: OutputsArgs): Promise<void> {
    const environment = resolveEnvironment(args.env);
    const layers = resolveLayers(args);
    await withSession(args, environment, {}, async (s) => {
        const byLayer: Partial<Record<Layer, Record<string, unknown>>> = {};
        for (const layer of layers) {
            byLayer[layer] = maskOutputs(await s.engine.outputs(args.env, layer, s.signal), args.showSecrets);
            emit(args, { kind: "outputs", env: args.env, layer, outputs: byLayer[layer] });
        }
        print(args, args.json ? JSON.stringify({ env: args.env, engine: s.engine.name, outputs: byLayer }, null, 2) : formatOutputs(byLayer));
    });
}
