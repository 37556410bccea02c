/**
 * Reads an upstream layer's outputs through `pulumi.StackReference` (so plain `pulumi up`
 * works too) and checks each one against its schema in contracts.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { LAYER_OUTPUTS, LayerOutputs } from "./contracts";
import type { Layer } from "./graph";
import { qualifiedStackName, stackName } from "./names";

export type UpstreamOutputs<L extends Layer> = { [K in keyof LayerOutputs<L>]-?: pulumi.Output<LayerOutputs<L>[K]> };

/**
 * One Output per declared output of `layer` in `env`. Secret outputs stay secret; a missing
 * or malformed output fails the program with the stack and output named.
 */
export function readUpstream<L extends Layer>(env: string, layer: L): UpstreamOutputs<L> {
    const name = stackName(env, layer);
    const ref = new pulumi.StackReference(name, { name: qualifiedStackName(pulumi.getOrganization(), pulumi.getProject(), env, layer) });
    const schema = LAYER_OUTPUTS[layer];
    const out: Record<string, pulumi.Output<unknown>> = {};
    for (const [key, field] of Object.entries(schema.shape as Record<string, import("zod").ZodTypeAny>)) {
        out[key] = ref.getOutput(key).apply((value) => {
            const parsed = field.safeParse(value);
            if (!parsed.success) {
                const shown = value === undefined ? "missing" : "invalid";
                throw new Error(`stack ${name}: output "${key}" is ${shown} (${parsed.error.issues[0].message}); run \`infra up --env ${env} --layer ${layer}\` first`);
            }
            return parsed.data;
        });
    }
    return out as UpstreamOutputs<L>;
}
