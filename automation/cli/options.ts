/**
 * Options shared by the commands, declared once so every command spells and validates
 * them the same way.
 */
import type { Argv } from "yargs";
import { InputError } from "../../common/errors";
import { PROVIDER_MODES, type ProviderMode } from "../engines/pulumi-cli";
import type { PassThrough } from "../engine";
import { ENGINES, type EngineName } from "../engines";
import { layerOfStack } from "../../stacks/names";

export { ENGINES, type EngineName } from "../engines";

/** Arguments every environment command receives after parsing. */
export interface CommonArgs {
    env: string;
    json: boolean;
    events: boolean;
    engine?: EngineName;
    providers?: ProviderMode;
    verbose: boolean;
    color?: boolean;
    parallel: number;
    layer?: string[];
    withDeps: boolean;
    withDependents: boolean;
}

/** Output and diagnostics flags, valid on every command. */
export function globalOptions<T>(y: Argv<T>) {
    return y
        .option("json", { type: "boolean", default: false, describe: "Print one JSON document on stdout instead of text" })
        .option("events", { type: "boolean", default: false, describe: "Stream engine events as NDJSON on stdout (the summary goes to stderr)" })
        .option("verbose", { alias: "v", type: "boolean", default: false, describe: "Show stack traces and engine log lines" })
        .option("color", { type: "boolean", default: true, describe: "Colour the live view on a terminal (--no-color or NO_COLOR turns it off)" });
}

/** --env alone, for the commands that take no layer selection (releases, backup, restore, rollback). */
export function envOption<T>(y: Argv<T>, required = true) {
    return y.option("env", { alias: "e", type: "string", demandOption: required, describe: "Environment name (a file in environments/)" });
}

/**
 * --providers: which provider plugins the pulumi engine runs. The stand-in is used only when this
 * flag or INFRA_PROVIDERS names it, never picked up from PATH by accident.
 */
export function providersOptionSpec() {
    return {
        choices: PROVIDER_MODES,
        default: (process.env.INFRA_PROVIDERS || "real") as ProviderMode,
        defaultDescription: "INFRA_PROVIDERS or real",
        describe: "Provider plugins for --engine pulumi: real, or standin (the project's provider stand-in: real engine and state, nothing created in any cloud; needs `npm run setup:engine`)",
    };
}

export function providersOption<T>(y: Argv<T>) {
    return y.option("providers", providersOptionSpec());
}

/** --env, --engine, --providers, --parallel and the layer selection flags. */
export function envOptions<T>(y: Argv<T>, defaultEngine: EngineName, envRequired = true) {
    return providersOption(envOption(y, envRequired))
        .option("engine", { choices: ENGINES, default: defaultEngine, describe: "pulumi: real stacks over the Automation API; offline: mock runtime, no cloud" })
        .option("parallel", { type: "number", default: 2, describe: "Most layers to run at the same time (resource operations inside a layer: --resource-parallel)" })
        .option("layer", { alias: "l", type: "string", array: true, describe: "Only these layers (repeatable or comma-separated)" })
        .option("with-deps", { type: "boolean", default: false, describe: "Also run the layers the selected ones need" })
        .option("with-dependents", { type: "boolean", default: false, describe: "Also run the layers that need the selected ones" });
}


/** Pulumi's own flags, passed to the layers they name (up and preview). */
export function passThroughOptions<T>(y: Argv<T>) {
    return y
        .option("target", { type: "string", array: true, describe: "Only these resources (URNs); only the layers whose stacks they name run" })
        .option("replace", { type: "string", array: true, describe: "Replace these resources (URNs) instead of updating them" })
        .option("exclude", { type: "string", array: true, describe: "Leave these resources (URNs) alone" })
        .option("refresh", { type: "boolean", describe: "Refresh each layer's state before the operation" })
        .option("diff", { type: "boolean", describe: "Show detailed property diffs in the layer logs" })
        .option("message", { alias: "m", type: "string", describe: "Message recorded with each layer's update" })
        .option("resource-parallel", { type: "number", describe: "Resource operations at once inside one layer (Pulumi's --parallel; ours means layers at once)" });
}

/** The pass-through flags as parsed: the same shape the engines receive. */
export type PassThroughArgs = PassThrough;

const URN = /^urn:pulumi:([^:]+)::[^:]+::.+::.+$/;

/**
 * Checks the pass-through flags (each resource must be a URN of one of the environment's stacks)
 * and returns them with the layers --target names, if any.
 */
export function passThroughOf(env: string, args: PassThroughArgs, layerOf: (stack: string) => string | undefined = (stack) => layerOfStack(env, stack)): { passThrough: PassThrough; targetLayers?: string[] } {
    for (const flag of ["target", "replace", "exclude"] as const) {
        for (const urn of args[flag] ?? []) {
            const stack = URN.exec(urn)?.[1];
            if (!stack || !stack.startsWith(`${env}-`) || !layerOf(stack)) {
                throw new InputError(`--${flag} ${urn} is not a resource URN of ${env}'s stacks; copy it from \`pulumi stack --show-urns -s ${env}-<layer>\``);
            }
        }
    }
    if (args.resourceParallel !== undefined && (!Number.isInteger(args.resourceParallel) || args.resourceParallel < 1)) {
        throw new InputError(`--resource-parallel ${args.resourceParallel} is not valid; pass a whole number of 1 or more`);
    }
    const targetLayers = args.target?.length ? [...new Set(args.target.map((u) => layerOf(URN.exec(u)![1])!))] : undefined;
    const { target, replace, exclude, refresh, diff, message, resourceParallel } = args;
    return { passThrough: { target, replace, exclude, refresh, diff, message, resourceParallel }, targetLayers };
}
