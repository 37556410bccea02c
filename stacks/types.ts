import type * as pulumi from "@pulumi/pulumi";
import type { LayerOutputs } from "./contracts";
import type { Layer } from "./graph";

/** What a layer program returns: its declared outputs as Inputs (stack outputs). */
export type LayerProgramOutputs<L extends Layer> = { [K in keyof LayerOutputs<L>]: pulumi.Input<LayerOutputs<L>[K]> };
