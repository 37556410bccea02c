/**
 * The Pulumi stacks' state as a StateStore for backup and restore, on the same backend and CLI
 * the pulumi engine uses. Exported with `pulumi stack export` WITHOUT `--show-secrets`, so the
 * secrets stay ciphertext under the stack's secrets provider (the Automation API's
 * `Stack.exportStack` passes `--show-secrets` and would put them in the backup in plain text).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, StackNotFoundError } from "@pulumi/pulumi/automation";
import { mapPulumiError, pulumiSetup } from "../engines/pulumi";
import { assertPulumiInstalled, type ProviderMode } from "../engines/pulumi-cli";
import type { StateStore } from "./backup";
import type { Layer } from "../../stacks/graph";
import { stackName as layerStack } from "../../stacks/names";

/** The key Pulumi marks a secret value with in state (`sig.Secret`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** True when some secret in a state export is in plain text (an export made with --show-secrets). */
export function hasPlaintextSecret(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasPlaintextSecret);
    if (!value || typeof value !== "object") return false;
    const o = value as Record<string, unknown>;
    if (SECRET_SIG in o && "plaintext" in o) return true;
    return Object.values(o).some(hasPlaintextSecret);
}

/** Why `state` is not an export of stack `<env>-<layer>` safe to keep (undefined when it is). */
export function deploymentProblem(env: string, layer: Layer, state: unknown): string | undefined {
    const d = state as { version?: unknown; deployment?: { resources?: { urn?: unknown }[] } } | null;
    if (!d || typeof d !== "object" || typeof d.version !== "number" || !d.deployment || typeof d.deployment !== "object") {
        return "is not a Pulumi stack export (no version and deployment)";
    }
    const name = layerStack(env, layer);
    for (const r of d.deployment.resources ?? []) {
        // urn:pulumi:<stack>::<project>::<type>::<name>
        const stack = typeof r?.urn === "string" ? r.urn.split("::")[0].replace(/^urn:pulumi:/, "") : undefined;
        if (stack !== name) return `holds resources of stack ${stack ?? "(none)"}, not ${name}`;
    }
    if (hasPlaintextSecret(d)) return "holds secrets in plain text (exported with --show-secrets)";
    return undefined;
}

/** Runs the workspace's CLI (its env vars, its PULUMI_HOME) and resolves with stdout. */
function runCli(ws: LocalWorkspace, args: string[]): Promise<string> {
    const env = { ...process.env, ...(ws.pulumiHome ? { PULUMI_HOME: ws.pulumiHome } : {}), ...ws.envVars };
    return new Promise((resolve, reject) => {
        execFile(ws.pulumiCommand.command, [...args, "--non-interactive"], { cwd: ws.workDir, env, maxBuffer: 1024 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${stderr.trim() || err.message}`));
            else resolve(stdout);
        });
    });
}

/** Exports and imports `<env>-<layer>` stacks of the project in `projectDir`. */
export function pulumiStateStore(projectDir: string, providers: ProviderMode = "real"): StateStore {
    assertPulumiInstalled(process.env.PATH, projectDir);
    const workspace = pulumiSetup(projectDir, process.env, providers).then((s) => s.workspace);
    workspace.catch(() => undefined);
    return {
        async exportStack(env, layer) {
            const stackName = layerStack(env, layer);
            try {
                const stack = await LocalWorkspace.selectStack({ stackName, workDir: projectDir }, await workspace);
                return JSON.parse(await runCli(stack.workspace as LocalWorkspace, ["stack", "export", "--stack", stackName]));
            } catch (err) {
                if (err instanceof StackNotFoundError) return undefined;
                throw mapPulumiError(err, stackName);
            }
        },
        async importStack(env, layer, state) {
            const stackName = layerStack(env, layer);
            // A private folder for the file the CLI imports from (the SDK's importStack writes it world-readable in /tmp).
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-import-"));
            try {
                const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: projectDir }, await workspace);
                const file = path.join(dir, "state.json");
                fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
                await runCli(stack.workspace as LocalWorkspace, ["stack", "import", "--file", file, "--stack", stackName]);
            } catch (err) {
                throw mapPulumiError(err, stackName);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
        problem: deploymentProblem,
    };
}
