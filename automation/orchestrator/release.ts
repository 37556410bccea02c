/**
 * What the release commands do once their arguments are parsed: create the engine, hold the
 * lock, relay Ctrl-C, call the library and print. Failures throw the errors that
 * cli/main.ts maps to exit codes.
 */
import type { ProviderMode } from "../engines/pulumi-cli";
import * as path from "path";
import { type EngineName, validateParallel } from "../cli/options";
import { interruptOnSigint, LOCK_DIR, LOG_DIR, makeEngine, PROJECT_DIR } from "./run";
import { InputError, InterruptedError } from "../../common/errors";
import { acquireLock } from "../state/lock";
import { type ReleaseResult, promote, rollback } from "../release/apply";
import { backup, offlineStateStore, restore, type StateStore, verifyBackup } from "../release/backup";
import { forgetFingerprints } from "../state/fingerprint";
import { listReleases } from "../release/history";
import { validatePromotionRequest } from "../release/promote";
import { releaseResultJson, renderReleaseResult, renderReleases } from "../release/report";
import { loadEnvironment } from "../../environments/load";

interface Output { json: boolean }

function out(text: string): void {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function applyWith(args: { engine: EngineName; providers?: ProviderMode; writeOnly: boolean; forceAll: boolean; parallel: number; json: boolean }, body: (opts: Parameters<typeof promote>[1]) => Promise<ReleaseResult>): Promise<void> {
    // Checked before the engine starts and the pins are written, as `up` checks it.
    const parallel = validateParallel(args.parallel);
    const engine = await makeEngine(args.engine, args.providers);
    const interrupt = interruptOnSigint();
    try {
        const result = await body({
            projectDir: PROJECT_DIR, engine, writeOnly: args.writeOnly, forceAll: args.forceAll, parallel,
            signal: interrupt.signal, logDir: LOG_DIR, lockDir: LOCK_DIR,
            onEvent: args.json ? undefined : (e) => {
                if (e.kind === "layer-state" && e.status !== "queued") process.stderr.write(`  ${e.layer}: ${e.status}\n`);
            },
        });
        out(args.json ? JSON.stringify(releaseResultJson(result), null, 2) : renderReleaseResult(result));
        if (result.status === "interrupted") throw new InterruptedError(`release ${result.id} of ${result.plan.env} was interrupted; its pins are written, re-run \`infra up --env ${result.plan.env}\``);
        if (result.status === "failed") throw new Error(`release ${result.id} of ${result.plan.env} was written but failed to apply; fix and run \`infra up --env ${result.plan.env} --resume\`, or \`infra rollback --env ${result.plan.env}\``);
    } finally {
        interrupt.dispose();
        await engine.close?.();
    }
}

export interface PromoteArgs { from: string; to: string; writeOnly: boolean; force: boolean; reason?: string; engine: EngineName; providers?: ProviderMode; forceAll: boolean; parallel: number; json: boolean }

/** `infra promote`. */
export function promoteCommand(args: PromoteArgs): Promise<void> {
    // Bad arguments are refused before the engine starts (the Pulumi engine needs a CLI to start).
    validatePromotionRequest(args);
    loadEnvironment(args.from);
    loadEnvironment(args.to);
    return applyWith(args, (opts) => promote({ from: args.from, to: args.to, force: args.force, reason: args.reason }, opts));
}

export interface RollbackArgs { env: string; to?: string; writeOnly: boolean; engine: EngineName; providers?: ProviderMode; forceAll: boolean; parallel: number; json: boolean }

/** `infra rollback`. */
export function rollbackCommand(args: RollbackArgs): Promise<void> {
    loadEnvironment(args.env);
    return applyWith(args, (opts) => rollback({ env: args.env, to: args.to }, opts));
}

/** `infra releases`. */
export function releasesCommand(args: { env: string } & Output): void {
    loadEnvironment(args.env);
    const releases = listReleases(args.env);
    out(args.json ? JSON.stringify(releases, null, 2) : renderReleases(args.env, releases));
}

function stateStore(engine: EngineName, providers?: ProviderMode): StateStore {
    if (engine === "offline") return offlineStateStore(path.join(PROJECT_DIR, ".infra", "offline"));
    const { pulumiStateStore } = require("../release/pulumi-state") as typeof import("../release/pulumi-state");
    return pulumiStateStore(PROJECT_DIR, providers);
}

/** `infra backup`: prints the files and checksums, never their contents. */
export async function backupCommand(args: { env: string; out: string; force?: boolean; allowUnsafeOut?: boolean; engine: EngineName; providers?: ProviderMode } & Output): Promise<void> {
    loadEnvironment(args.env);
    // Held so a running up, destroy or restore cannot leave the backup with layers from two different moments.
    const lock = acquireLock(LOCK_DIR, args.env, { command: `infra backup --env ${args.env}` });
    let manifest: Awaited<ReturnType<typeof backup>>;
    try {
        manifest = await backup({ env: args.env, outDir: args.out, projectDir: PROJECT_DIR, force: args.force, allowUnsafeOut: args.allowUnsafeOut, stacks: stateStore(args.engine, args.providers) });
    } finally {
        lock.release();
    }
    if (args.json) return out(JSON.stringify(manifest, null, 2));
    out([`backup of ${args.env} in ${path.resolve(args.out)}:`, ...manifest.files.map((f) => `  ${f.file.padEnd(Math.max(...manifest.files.map((g) => g.file.length)))}  sha256:${f.sha256.slice(0, 12)}  ${f.bytes} bytes`),
        ...(manifest.empty.length ? [`  no state: ${manifest.empty.join(", ")}`] : [])].join("\n"));
}

/** `infra restore`: verifies the whole backup, asks for --yes, then imports under the environment lock. */
export async function restoreCommand(args: { env: string; from: string; yes: boolean; engine: EngineName; providers?: ProviderMode } & Output): Promise<void> {
    loadEnvironment(args.env);
    const dir = path.resolve(args.from);
    const { manifest } = verifyBackup(args.env, dir);
    if (!args.yes) {
        throw new InputError(`restore replaces the state of ${args.env}: ${manifest.files.map((f) => f.layer).join(", ")} (backup of ${manifest.createdAt}); pass --yes to confirm`);
    }
    const lock = acquireLock(LOCK_DIR, args.env, { command: `infra restore --env ${args.env}` });
    try {
        const layers = await restore({ env: args.env, fromDir: dir, stacks: stateStore(args.engine, args.providers) });
        // The restored state may predate the last up: change detection must not call those layers unchanged.
        forgetFingerprints(PROJECT_DIR, args.env, layers);
        out(args.json ? JSON.stringify({ env: args.env, restored: layers }) : `restored ${args.env}: ${layers.join(", ")}; run \`infra drift --env ${args.env}\` to compare with what is deployed`);
    } finally {
        lock.release();
    }
}
