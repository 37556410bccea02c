/**
 * `infra policy-config`: the policy pack configuration of one environment, exactly as both engines
 * pass it to the pack, for plain `pulumi preview|up --policy-pack policies --policy-pack-config <file>`.
 */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { policyConfig } from "../../policy/config";
import { envOption } from "../options";
import { emit, print } from "../../orchestrator/output";
import { resolveEnvironment } from "../../orchestrator/run";

export const command = "policy-config";
export const describe = "Print an environment's policy pack configuration (JSON for --policy-pack-config)";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 policy-config --env prod > prod-policy.json", "write prod's pack configuration to a file"],
    ["pulumi preview -s prod-apps --policy-pack policies --policy-pack-config prod-policy.json", "then use it with the plain Pulumi CLI"],
];

export function builder(y: Argv) {
    return envOption(y).example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<{ env: string; events: boolean }>): Promise<void> {
    const config = policyConfig(resolveEnvironment(argv.env));
    emit(argv, { kind: "policy-config", env: argv.env, config });
    print(argv, JSON.stringify(config, null, 2));
}
