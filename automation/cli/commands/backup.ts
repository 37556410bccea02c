/** `infra backup`: copy an environment's stack state to a directory, with checksums. */
import type { ProviderMode } from "../../engines/pulumi-cli";
import type { ArgumentsCamelCase, Argv } from "yargs";
import { backupCommand } from "../../orchestrator/backup";
import { EngineName, ENGINES, envOption, providersOptionSpec } from "../options";

export const command = "backup";
export const describe = "Back up the stack state of every layer of an environment (prints checksums, never contents)";
export const examples: ReadonlyArray<[string, string]> = [["$0 backup --env prod --out ~/backups/infra-prod-0601", "back up prod's state"]];

export function builder(y: Argv) {
    return envOption(y)
        .option("out", { type: "string", demandOption: true, describe: "Folder to write the backup to: new or empty (created 0700, files 0600)" })
        .option("force", { type: "boolean", default: false, describe: "Write into a folder that already holds files" })
        .option("allow-unsafe-out", { type: "boolean", default: false, describe: "Allow --out to be /, the home folder, the project root or a folder inside the project git tracks" })
        .option("engine", { choices: ENGINES, default: "pulumi" as const, describe: "Whose state to back up" })
        .option("providers", providersOptionSpec())
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<{ env: string; out: string; force: boolean; allowUnsafeOut: boolean; engine: EngineName; providers?: ProviderMode; json: boolean; events: boolean }>): Promise<void> {
    await backupCommand(argv);
}
