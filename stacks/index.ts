/** The layer programs by layer, and the stack-name convention `<env>-<layer>`. */
import { listEnvironments } from "../environments/load";
import type { Environment } from "../environments/schema";
import { appsLayer } from "./apps";
import { clusterLayer } from "./cluster";
import { isLayer, Layer, LAYERS } from "./graph";
import { imagesLayer } from "./images";
import { meshLayer } from "./mesh";
import { monitoringLayer } from "./monitoring";

export type LayerProgram = (env: Environment) => Record<string, unknown>;

export const LAYER_PROGRAMS: Readonly<Record<Layer, LayerProgram>> = {
    cluster: clusterLayer,
    images: imagesLayer,
    monitoring: monitoringLayer,
    mesh: meshLayer,
    apps: appsLayer,
};

/** Splits `<env>-<layer>`; throws with every valid stack name when it is not one. */
export function parseStackName(stack: string): { env: string; layer: Layer } {
    const cut = stack.lastIndexOf("-");
    const env = cut > 0 ? stack.slice(0, cut) : "";
    const layer = cut > 0 ? stack.slice(cut + 1) : "";
    const envs = listEnvironments();
    if (!envs.includes(env) || !isLayer(layer)) {
        const valid = envs.flatMap((e) => LAYERS.map((l) => `${e}-${l}`));
        throw new Error(`stack "${stack}" is not <env>-<layer>; valid stack names: ${valid.join(", ")}`);
    }
    return { env, layer };
}
