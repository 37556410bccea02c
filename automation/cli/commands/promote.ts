/** `infra promote`: copy the digests and chart versions one environment runs into the next, then apply. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { promoteCommand, PromoteArgs } from "../../orchestrator/release";
import { ENGINES, providersOptionSpec } from "../options";

export const command = "promote";
export const describe = "Promote a release by digest (e.g. staging -> prod): write the target's pins, then apply the layers they change";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 promote --from staging --to prod", "pin prod to what staging runs and apply"],
    ["$0 promote --from dev --to staging --write-only", "only write the pins, for review in a PR"],
];

export function builder(y: Argv) {
    return y
        .option("from", { type: "string", demandOption: true, describe: "Environment to promote from" })
        .option("to", { type: "string", demandOption: true, describe: "Environment to promote into" })
        .option("write-only", { type: "boolean", default: false, describe: "Write the release pins without applying them" })
        .option("force", { type: "boolean", default: false, describe: "Override the promotion order and clean-run rule (needs --reason)" })
        .option("reason", { type: "string", describe: "Why --force is used; kept in the audit record" })
        .option("force-all", { type: "boolean", default: false, describe: "Apply every layer, not only those whose inputs changed" })
        .option("engine", { choices: ENGINES, default: "pulumi" as const, describe: "Engine that reads outputs and applies" })
        .option("providers", providersOptionSpec())
        .option("parallel", { type: "number", default: 2, describe: "Most layers to run at the same time" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<PromoteArgs>): Promise<void> {
    await promoteCommand(argv);
}
