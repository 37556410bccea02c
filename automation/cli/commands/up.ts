/** `infra up`: Create or update every selected layer of an environment, in dependency order */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { CommonArgs, envOptions } from "../options";
import { runUp } from "../run";

export const command = "up";
export const describe = "Create or update every selected layer of an environment, in dependency order";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 up --env dev", "deploy all layers of dev"],
    ["$0 up --env dev --layer apps --with-deps", "deploy apps and everything it needs"],
    ["$0 up --env prod --yes", "deploy prod without a prompt (CI)"],
    ["$0 up --env dev --resume", "finish what the last up left undone"],
    ["$0 up --env dev --force-all", "apply every layer, also the unchanged ones"],
];

export function builder(y: Argv) {
    return envOptions(y, "pulumi")
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation (required for protected environments without a terminal)" })
        .option("force-all", { type: "boolean", default: false, describe: "Apply every selected layer, also those unchanged since their last up" })
        .option("resume", { type: "boolean", default: false, describe: "Run only the layers the last up did not finish (failed, skipped or cancelled)" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CommonArgs & { yes: boolean; resume: boolean; forceAll: boolean }>): Promise<void> {
    await runUp(argv);
}
