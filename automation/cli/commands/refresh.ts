/** `infra refresh`: Adopt the real state of the cloud into the stacks of an environment */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { CommonArgs, envOptions } from "../options";
import { runOperation } from "../../orchestrator/operations";

export const command = "refresh";
export const describe = "Adopt the real state of the cloud into the stacks of an environment";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 refresh --env dev", "refresh every layer of dev"],
    ["$0 refresh --env dev --layer cluster", "refresh only the cluster layer"],
];

export function builder(y: Argv) {
    return envOptions(y, "pulumi").example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<CommonArgs>): Promise<void> {
    await runOperation(argv, "refresh");
}
