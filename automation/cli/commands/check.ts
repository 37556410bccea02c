/** `infra check`: offline plan + policy pack + schema validation, with reports for CI. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { REPORT_FORMATS } from "../../reports";
import { envOptions } from "../options";
import { CheckArgs, runCheck } from "../../orchestrator/check";

export const command = "check";
export const describe = "Plan environments offline (no credentials) and run the policy pack and schema checks (exit 5 on a mandatory violation)";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 check --env dev", "plan dev: resources by type, policy results, schema issues"],
    ["$0 check --all --sarif infra.sarif --markdown infra.md", "check every environment and write CI reports"],
    ["$0 check --env prod --format json --output prod.json", "JSON report on stdout and in a file"],
];

export function builder(y: Argv) {
    return envOptions(y, "offline", false)
        .option("all", { alias: "a", type: "boolean", default: false, describe: "Check every environment in environments/" })
        .option("format", { alias: "f", choices: REPORT_FORMATS, default: "table" as const, describe: "Report format on stdout" })
        .option("output", { alias: "o", type: "string", array: true, describe: "Also write a report file; the format follows the extension (.sarif, .md, .json, .txt); repeatable" })
        .option("sarif", { type: "string", describe: "Write a SARIF 2.1.0 report to this file" })
        .option("markdown", { type: "string", describe: "Write a Markdown PR comment to this file" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CheckArgs>): Promise<void> {
    await runCheck(argv);
}
