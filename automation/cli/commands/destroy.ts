/** `infra destroy`: remove the selected layers in reverse dependency order, after confirmation. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { envOptions } from "../options";
import { DestroyArgs, runDestroy } from "../../orchestrator/operations";

export const command = "destroy";
export const describe = "Destroy the selected layers of an environment in reverse order (asks first; prod needs --yes --confirm prod)";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 destroy --env dev", "destroy dev after typing its name at the prompt"],
    ["$0 destroy --env dev --layer apps --yes", "destroy only the apps layer, no prompt"],
    ["$0 destroy --env prod --yes --confirm prod", "destroy prod (both flags are required)"],
];

export function builder(y: Argv) {
    return envOptions(y, "pulumi")
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation" })
        .option("confirm", { type: "string", describe: "The environment name again; required with --yes for protected environments" })
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<DestroyArgs>): Promise<void> {
    await runDestroy(argv);
}
