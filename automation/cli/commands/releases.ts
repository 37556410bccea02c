/** `infra releases`: the audit trail of promotions and rollbacks of an environment. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { releasesCommand, type ReleasesArgs } from "../../orchestrator/release";
import { ENGINES, envOption } from "../options";

export const command = "releases";
export const describe = "List the promotions and rollbacks of an environment (who, when, from, digests, how each apply ended)";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 releases --env prod", "the release history of prod, with applies from other machines read from the state"],
    ["$0 releases --env prod --engine offline", "the history file alone"],
];

export function builder(y: Argv) {
    return envOption(y)
        .option("engine", { choices: ENGINES, default: "pulumi" as const, describe: "pulumi: also read how each apply ended from the stacks' state (tag infra:release); offline: the history file alone" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<ReleasesArgs>): Promise<void> {
    await releasesCommand(argv);
}
