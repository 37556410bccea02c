/** `infra releases`: the audit trail of promotions and rollbacks of an environment. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { releasesCommand } from "../../orchestrator/release";
import { envOption } from "../options";

export const command = "releases";
export const describe = "List the promotions and rollbacks of an environment (who, when, from, digests)";
export const examples: ReadonlyArray<[string, string]> = [["$0 releases --env prod", "the release history of prod"]];

export function builder(y: Argv) {
    return envOption(y)
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<{ env: string; json: boolean; events: boolean }>): Promise<void> {
    releasesCommand(argv);
}
