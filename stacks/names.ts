/**
 * The stack-name convention, owned here: each layer of each environment is the stack
 * `<env>-<layer>` of this one Pulumi project, `<org>/<project>/<env>-<layer>` fully qualified.
 * Renaming a stack orphans its state, so nothing else spells these names.
 */
import { listEnvironments } from "../environments/load";
import { isLayer, LAYERS, type Layer } from "./graph";

/** The stack of a layer in an environment: `<env>-<layer>`. */
export function stackName(env: string, layer: Layer): string {
    return `${env}-${layer}`;
}

/** The fully qualified name a StackReference needs: `<org>/<project>/<env>-<layer>`. */
export function qualifiedStackName(org: string, project: string, env: string, layer: Layer): string {
    return `${org}/${project}/${stackName(env, layer)}`;
}

/** The layer of `env` a stack name names, if any. */
export function layerOfStack(env: string, stack: string): Layer | undefined {
    return LAYERS.find((l) => stack === stackName(env, l));
}

/** Splits `<env>-<layer>`; throws with every valid stack name when it is not one. */
export function parseStackName(stack: string): { env: string; layer: Layer } {
    const cut = stack.lastIndexOf("-");
    const env = cut > 0 ? stack.slice(0, cut) : "";
    const layer = cut > 0 ? stack.slice(cut + 1) : "";
    const envs = listEnvironments();
    if (!envs.includes(env) || !isLayer(layer)) {
        const valid = envs.flatMap((e) => LAYERS.map((l) => stackName(e, l)));
        throw new Error(`stack "${stack}" is not <env>-<layer>; valid stack names: ${valid.join(", ")}`);
    }
    return { env, layer };
}
