/** `infra rollback`: re-apply an environment's previous release pins. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { rollbackCommand, RollbackArgs } from "../../orchestrator/release";
import { ENGINES, envOption, providersOptionSpec } from "../options";

export const command = "rollback";
export const describe = "Roll an environment back to its previous release pins, touching only the layers they change";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 rollback --env prod", "back to the release before the current one"],
    ["$0 rollback --env prod --to <release-id>", "back to a named release (see `infra releases`)"],
];

export function builder(y: Argv) {
    return envOption(y)
        .option("to", { type: "string", describe: "Release id to return to; default the previous one" })
        .option("write-only", { type: "boolean", default: false, describe: "Write the pins without applying them" })
        .option("force-all", { type: "boolean", default: false, describe: "Apply every layer, not only those whose inputs changed" })
        .option("engine", { choices: ENGINES, default: "pulumi" as const, describe: "Engine that applies" })
        .option("providers", providersOptionSpec())
        .option("parallel", { type: "number", default: 2, describe: "Most layers to run at the same time" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<RollbackArgs>): Promise<void> {
    await rollbackCommand(argv);
}
