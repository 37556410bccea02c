/** `infra drift`: a preview-only refresh that expects no changes; exit 7 naming what drifted. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { CommonArgs, envOptions } from "../options";
import { runDrift } from "../../orchestrator/operations";

export const command = "drift";
export const describe = "Detect drift: compare the cloud with the stacks without changing either (exit 7 on drift)";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 drift --env prod", "check every layer of prod for drift"],
    ["$0 drift --env prod --layer cluster --json", "check the cluster layer, JSON output"],
];

export function builder(y: Argv) {
    return envOptions(y, "pulumi").example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CommonArgs>): Promise<void> {
    await runDrift(argv);
}
