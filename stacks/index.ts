/** The layer programs by layer (the stack-name convention is stacks/names.ts). */
import type { Environment } from "../environments/schema";
import { appsLayer } from "./apps";
import { clusterLayer } from "./cluster";
import type { Layer } from "./graph";
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
