/** `infra dr backup|restore|drill`: cluster backups with Velero (the monitoring layer installs it). */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { runDr, type DrAction, type DrArgs } from "../../orchestrator/dr";
import { ENGINES, envOption, providersOptionSpec } from "../options";

export const command = "dr <action>";
export const describe = "Cluster disaster recovery with Velero: back up now, restore in place (needs --yes), or drill a restore into scratch namespaces";
export const examples: ReadonlyArray<[string, string]> = [
    ["$0 dr backup --env prod", "a backup of prod's cluster now, with the Schedule's settings"],
    ["$0 dr drill --env staging", "restore staging's latest backup into scratch namespaces, compare, remove them"],
    ["$0 dr restore --env prod --yes", "bring prod's latest backup back in place (existing objects are kept)"],
    ["$0 dr drill --env dev --clean", "remove scratch namespaces that earlier drills left"],
];

export function builder(y: Argv) {
    return envOption(y)
        .positional("action", { choices: ["backup", "restore", "drill"] as const, describe: "backup: make one now; restore: the latest completed backup in place; drill: restore into scratch namespaces and report what came back" })
        .option("kubeconfig", { type: "string", describe: "Kubeconfig of the environment's cluster (default: the cluster layer's kubeconfig output, read with --engine)" })
        .option("backup", { type: "string", describe: "restore, drill: this backup instead of the latest completed one" })
        .option("namespace", { type: "string", array: true, describe: "drill: only these backed-up namespaces (repeatable)" })
        .option("keep", { type: "boolean", default: false, describe: "drill: keep the scratch namespaces for a look (remove them later with --clean)" })
        .option("clean", { type: "boolean", default: false, describe: "drill: only remove the scratch namespaces earlier drills left" })
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "restore: confirm bringing the backup's objects back into the cluster" })
        .option("timeout", { type: "number", default: 30, describe: "Minutes to wait for Velero (the backup or restore goes on in the cluster after that)" })
        .option("engine", { choices: ENGINES, default: "pulumi" as const, describe: "Whose cluster layer outputs give the kubeconfig (without --kubeconfig)" })
        .option("providers", providersOptionSpec())
        .example(examples as [string, string][]);
}

export async function handler(argv: ArgumentsCamelCase<DrArgs & { action: DrAction }>): Promise<void> {
    await runDr(argv.action, argv);
}
