/** `infra preview`: Show what up would change, with the policy pack, without changing anything */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { CommonArgs, envOptions, passThroughOf, passThroughOptions, type PassThroughArgs } from "../options";
import { runOperation } from "../../orchestrator/operations";

export const command = "preview";
export const describe = "Show what up would change, with the policy pack, without changing anything";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 preview --env staging", "plan staging with policies (needs cloud credentials)"],
    ["$0 preview --env dev --engine offline --json", "plan dev offline as JSON"],
    ["$0 preview --env dev --target 'urn:pulumi:dev-apps::platform::platform:apps:Workload$kubernetes:apps/v1:Deployment::app' --diff", "one resource, with property diffs"],
];

export function builder(y: Argv) {
    return passThroughOptions(envOptions(y, "pulumi")).example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CommonArgs & PassThroughArgs>): Promise<void> {
    await runOperation(argv, "preview", passThroughOf(argv.env, argv));
}
