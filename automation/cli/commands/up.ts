/** `infra up`: Create or update every selected layer of an environment, in dependency order */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { CommonArgs, envOptions, passThroughOf, passThroughOptions, type PassThroughArgs } from "../options";
import { runUp } from "../../orchestrator/operations";

export const command = "up";
export const describe = "Create or update every selected layer of an environment, in dependency order";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 up --env dev", "deploy all layers of dev"],
    ["$0 up --env dev --layer apps --with-deps", "deploy apps and everything it needs"],
    ["$0 up --env staging", "on a terminal: preview every layer, show the changes and findings, then ask"],
    ["$0 up --env prod --yes --skip-preview", "deploy prod without a preview or a prompt (CI)"],
    ["$0 up --env dev --resume", "finish what the last up left undone"],
    ["$0 up --env dev --force-all", "apply every layer, also the unchanged ones"],
];

export function builder(y: Argv) {
    return passThroughOptions(envOptions(y, "pulumi"))
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Apply without asking after the preview (required for protected environments without a terminal)" })
        .option("skip-preview", { type: "boolean", default: false, describe: "Do not preview the layers before applying (on a terminal, up previews first)" })
        .option("force-all", { type: "boolean", default: false, describe: "Apply every selected layer, also those unchanged since their last up" })
        .option("resume", { type: "boolean", default: false, describe: "Run only the layers the last up did not finish (failed, skipped or cancelled)" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CommonArgs & PassThroughArgs & { yes: boolean; resume: boolean; forceAll: boolean; skipPreview: boolean }>): Promise<void> {
    await runUp(argv, passThroughOf(argv.env, argv));
}
