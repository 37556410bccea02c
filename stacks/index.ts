/**
 * The layer programs by layer (the stack-name convention is stacks/names.ts).
 *
 * Each program is loaded on first use, and only that one: a module that throws while it loads
 * (at its top level, or in something it imports) then breaks only its own layer, in the offline
 * engine's workers and under `pulumi up -s <env>-<layer>` alike, instead of every layer that
 * happens to share a process with it.
 */
import * as path from "path";
import type { Environment } from "../environments/schema";
import { LAYERS, type Layer } from "./graph";
import type { LayerProgramOutputs } from "./types";

/** A layer's program: the environment in, that layer's declared outputs (stacks/contracts.ts) out. */
export type LayerProgram<L extends Layer = Layer> = (env: Environment) => LayerProgramOutputs<L>;

/** Every layer's program, each typed by its own outputs. */
export type LayerPrograms = { readonly [L in Layer]: LayerProgram<L> };

/**
 * Checked by the compiler, never run: each module's exported program returns its layer's
 * contract outputs (the modules themselves are loaded lazily below, so only their types are named).
 */
type ProgramModules = {
    cluster: typeof import("./cluster")["clusterLayer"];
    images: typeof import("./images")["imagesLayer"];
    monitoring: typeof import("./monitoring")["monitoringLayer"];
    mesh: typeof import("./mesh")["meshLayer"];
    apps: typeof import("./apps")["appsLayer"];
};
type ProgramsMatchContracts = ProgramModules extends LayerPrograms ? true : never;
/** Fails to compile when a program's return type drifts from its layer's contract. */
export const PROGRAMS_MATCH_CONTRACTS: ProgramsMatchContracts = true;

/** Where a layer's program lives: `stacks/<layer>.ts`, exporting `<layer>Layer` (the release fingerprint reads the same file). */
export function layerProgramFile(layer: Layer): string {
    return path.join(__dirname, `${layer}.ts`);
}

/** A layer program's module failed to load; the message says where it was thrown, the error's first line and the layer. */
export class LayerLoadError extends Error {
    constructor(readonly layer: Layer, cause: unknown) {
        const e = cause instanceof Error ? cause : new Error(String(cause));
        const where = throwSite(e);
        // Where first, as a compiler puts it: the summary's note column keeps only the start of a message.
        super(`${where ? `${where}: ` : ""}${e.message.split("\n")[0]} (while loading the ${layer} program)`, { cause });
        this.name = "LayerLoadError";
    }
}

/** file:line of the first stack frame in the project's own code, relative to the project. */
function throwSite(err: Error): string | undefined {
    const root = path.resolve(__dirname, "..");
    for (const line of (err.stack ?? "").split("\n").slice(1)) {
        const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(line.trim());
        if (!m) continue;
        const file = m[1].replace(/^file:\/\//, "");
        if (file.includes(`${path.sep}node_modules${path.sep}`) || !file.startsWith(root + path.sep)) continue;
        return `${path.relative(root, file)}:${m[2]}`;
    }
    return undefined;
}

/** Loads one layer's program module (and nothing of the others); LayerLoadError when it throws. */
export function loadLayerProgram<L extends Layer>(layer: L): LayerProgram<L> {
    let mod: Record<string, unknown>;
    try {
        mod = require(layerProgramFile(layer).replace(/\.ts$/, ""));
    } catch (err) {
        throw new LayerLoadError(layer, err);
    }
    const program = mod[`${layer}Layer`];
    if (typeof program !== "function") throw new LayerLoadError(layer, new Error(`${path.relative(path.resolve(__dirname, ".."), layerProgramFile(layer))} does not export a function ${layer}Layer`));
    return program as LayerProgram<L>;
}

/** Every layer's program, each loaded when first read (see loadLayerProgram). */
export const LAYER_PROGRAMS: LayerPrograms = Object.freeze(
    Object.defineProperties({} as LayerPrograms, Object.fromEntries(
        LAYERS.map((layer) => [layer, { enumerable: true, get: () => loadLayerProgram(layer) }]),
    )),
);
