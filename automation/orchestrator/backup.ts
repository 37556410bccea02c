/**
 * `infra backup` and `infra restore`: every layer's state exported with checksums, and imported
 * back under the environment lock after the whole backup is verified. Files and checksums are
 * printed, never their contents (state holds secrets).
 */
import * as path from "path";
import { loadEnvironment } from "../../environments/load";
import { InputError } from "../../common/errors";
import type { EngineName } from "../engines";
import type { ProviderMode } from "../engines/pulumi-cli";
import { backup, offlineStateStore, restore, type StateStore, verifyBackup } from "../release/backup";
import { forgetFingerprints } from "../state/fingerprint";
import { acquireLock } from "../state/lock";
import { statePaths } from "../state/workspace";
import { PROJECT_DIR } from "../../stacks/settings";
import { emit, print, type OutputArgs } from "./output";

export interface StateArgs extends OutputArgs {
    env: string;
    engine: EngineName;
    providers?: ProviderMode;
}

function stateStore(engine: EngineName, providers?: ProviderMode): StateStore {
    if (engine === "offline") return offlineStateStore(statePaths().offline);
    const { pulumiStateStore } = require("../release/pulumi-state") as typeof import("../release/pulumi-state");
    return pulumiStateStore(PROJECT_DIR, providers);
}

/** `infra backup`: held under the lock so a running up, destroy or restore cannot mix two moments into one backup. */
export async function backupCommand(args: StateArgs & { out: string; force?: boolean; allowUnsafeOut?: boolean }): Promise<void> {
    loadEnvironment(args.env);
    const lock = acquireLock(statePaths().locks, args.env, { command: `infra backup --env ${args.env}` });
    let manifest: Awaited<ReturnType<typeof backup>>;
    try {
        manifest = await backup({ env: args.env, outDir: args.out, projectDir: PROJECT_DIR, force: args.force, allowUnsafeOut: args.allowUnsafeOut, stacks: stateStore(args.engine, args.providers) });
    } finally {
        lock.release();
    }
    emit(args, { kind: "backup", env: args.env, dir: path.resolve(args.out), manifest });
    if (args.json) return print(args, JSON.stringify(manifest, null, 2));
    const width = Math.max(...manifest.files.map((g) => g.file.length));
    print(args, [`backup of ${args.env} in ${path.resolve(args.out)}:`, ...manifest.files.map((f) => `  ${f.file.padEnd(width)}  sha256:${f.sha256.slice(0, 12)}  ${f.bytes} bytes`),
        ...(manifest.empty.length ? [`  no state: ${manifest.empty.join(", ")}`] : [])].join("\n"));
}

/** `infra restore`: verifies the whole backup, asks for --yes, then imports under the environment lock. */
export async function restoreCommand(args: StateArgs & { from: string; yes: boolean }): Promise<void> {
    loadEnvironment(args.env);
    const dir = path.resolve(args.from);
    const { manifest } = verifyBackup(args.env, dir);
    if (!args.yes) {
        throw new InputError(`restore replaces the state of ${args.env}: ${manifest.files.map((f) => f.layer).join(", ")} (backup of ${manifest.createdAt}); pass --yes to confirm`);
    }
    const state = statePaths();
    const lock = acquireLock(state.locks, args.env, { command: `infra restore --env ${args.env}` });
    try {
        const layers = await restore({ env: args.env, fromDir: dir, stacks: stateStore(args.engine, args.providers) });
        // The restored state may predate the last up: change detection must not call those layers unchanged.
        forgetFingerprints(state.root, args.env, layers);
        emit(args, { kind: "restore", env: args.env, restored: layers });
        print(args, args.json ? JSON.stringify({ env: args.env, restored: layers }) : `restored ${args.env}: ${layers.join(", ")}; run \`infra drift --env ${args.env}\` to compare with what is deployed`);
    } finally {
        lock.release();
    }
}
