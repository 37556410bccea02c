/** `infra restore`: replace an environment's stack state from a verified backup. */
import type { ProviderMode } from "../../engines/pulumi-cli";
import type { ArgumentsCamelCase, Argv } from "yargs";
import { restoreCommand } from "../../orchestrator/backup";
import { EngineName, ENGINES, envOption, providersOptionSpec } from "../options";

export const command = "restore";
export const describe = "Restore an environment's stack state from a backup (verifies it first; needs --yes)";
export const examples: ReadonlyArray<[string, string]> = [["$0 restore --env prod --from ~/backups/infra-prod-0601 --yes", "restore prod's state"]];

export function builder(y: Argv) {
    return envOption(y)
        .option("from", { type: "string", demandOption: true, describe: "Backup directory" })
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Confirm replacing the state" })
        .option("engine", { choices: ENGINES, default: "pulumi" as const, describe: "Whose state to restore" })
        .option("providers", providersOptionSpec())
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<{ env: string; from: string; yes: boolean; engine: EngineName; providers?: ProviderMode; json: boolean; events: boolean }>): Promise<void> {
    await restoreCommand(argv);
}
