/** `infra outputs`: the stack outputs of an environment's layers, secrets masked. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { envOptions } from "../options";
import { OutputsArgs, runOutputs } from "../../orchestrator/outputs";

export const command = "outputs";
export const describe = "Show stack outputs per layer; secrets print as [secret] unless --show-secrets";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 outputs --env dev", "all outputs of dev"],
    ["$0 outputs --env dev --layer cluster --show-secrets", "cluster outputs, kubeconfig included"],
];

export function builder(y: Argv) {
    return envOptions(y, "pulumi")
        .option("show-secrets", { type: "boolean", default: false, describe: "Print secret values instead of [secret]" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<OutputsArgs>): Promise<void> {
    await runOutputs(argv);
}
