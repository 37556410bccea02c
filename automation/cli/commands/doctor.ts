/** `infra doctor`: the Pulumi CLI, language host, state backend, provider plugins and locks a run would use. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import type { ProviderMode } from "../../engines/pulumi-cli";
import { doctorCommand } from "../../orchestrator/doctor";
import { providersOptionSpec } from "../options";

export const command = "doctor";
export const describe = "Show the Pulumi CLI, language host, state backend, provider plugins and environment locks a run would use";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 doctor", "check the set-up before a first run"],
    ["$0 doctor --providers standin --json", "the same as JSON, for the provider stand-in"],
];

export function builder(y: Argv) {
    return y.option("providers", providersOptionSpec()).example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<{ providers: ProviderMode; json: boolean; events: boolean }>): Promise<void> {
    await doctorCommand(argv);
}
