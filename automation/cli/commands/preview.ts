/** `infra preview`: Show what up would change, with the policy pack, without changing anything */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { CommonArgs, envOptions, passThroughOf, passThroughOptions, type PassThroughArgs } from "../options";
import { runOperation } from "../../orchestrator/operations";
import type { ReportArgs } from "../../orchestrator/check";

export const command = "preview";
export const describe = "Show what up would change, with the policy pack, without changing anything";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 preview --env staging", "plan staging with policies (needs cloud credentials)"],
    ["$0 preview --env dev --engine offline --json", "plan dev offline as JSON"],
    ["$0 preview --env staging --markdown preview.md", "also write the per-layer changes as a pull-request comment section"],
    ["$0 preview --env dev --target 'urn:pulumi:dev-apps::platform::platform:apps:Workload$kubernetes:apps/v1:Deployment::app' --diff", "one resource, with property diffs"],
];

export function builder(y: Argv) {
    return passThroughOptions(envOptions(y, "pulumi"))
        .option("markdown", { type: "string", describe: "Also write the per-layer changes and findings as a Markdown PR comment section to this file" })
        .option("sarif", { type: "string", describe: "Also write a SARIF 2.1.0 report of the policy findings to this file" })
        .option("output", { alias: "o", type: "string", array: true, describe: "Also write a report file; the format follows the extension (.sarif, .md, .json, .txt); repeatable" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CommonArgs & PassThroughArgs & ReportArgs>): Promise<void> {
    await runOperation(argv, "preview", passThroughOf(argv.env, argv));
}
