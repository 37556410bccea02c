/** `outputs`: stack outputs per selected layer, secrets masked unless asked for. */
import type { Layer } from "../../stacks/graph";
import { maskOutputs } from "../reports/model";
import type { CommonArgs } from "../cli/options";
import { interruptOnSigint, makeEngine, print, resolveEnvironment, resolveLayers } from "./run";

export interface OutputsArgs extends CommonArgs {
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

/** Reads outputs of the selected layers with the chosen engine and prints them. */
export async function runOutputs(args: OutputsArgs): Promise<void> {
    resolveEnvironment(args.env);
    const layers = resolveLayers(args);
    const engine = await makeEngine(args.engine ?? "pulumi", args.providers);
    const interrupt = interruptOnSigint();
    try {
        const byLayer: Partial<Record<Layer, Record<string, unknown>>> = {};
        for (const layer of layers) {
            byLayer[layer] = maskOutputs(await engine.outputs(args.env, layer, interrupt.signal), args.showSecrets);
        }
        print(args, args.json ? JSON.stringify({ env: args.env, engine: engine.name, outputs: byLayer }, null, 2) : formatOutputs(byLayer));
    } finally {
        interrupt.dispose();
        await engine.close?.();
    }
}
