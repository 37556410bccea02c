/**
 * Backup and restore of an environment's stack state: one file per layer plus a manifest with
 * sha256 checksums. Restore verifies every checksum before importing anything, so a damaged
 * or edited backup imports nothing. State holds secrets: it is written 0600 and never printed.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";
import { LAYERS, type Layer, topoOrder } from "../../stacks/graph";
import { readState, writeState, type OfflineState } from "../offline/state";

/** How an engine exports and imports a stack's state (the pulumi engine: Stack.exportStack/importStack). */
export interface StateStore {
    /** The layer's state, or undefined when the stack has none. */
    exportStack(env: string, layer: Layer): Promise<unknown>;
    importStack(env: string, layer: Layer, state: unknown): Promise<void>;
}

export interface BackupManifest {
    env: string;
    createdAt: string;
    files: { layer: Layer; file: string; sha256: string; bytes: number }[];
    /** Layers with no state to back up. */
    empty: Layer[];
}

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** The offline engine's applied state (.infra/offline) as a StateStore. */
export function offlineStateStore(stateDir: string): StateStore {
    return {
        exportStack: async (env, layer) => readState(stateDir, env, layer),
        importStack: async (env, layer, state) => {
            const s = state as OfflineState;
            if (!s || s.env !== env || s.layer !== layer) throw new InputError(`backup file for ${env}-${layer} holds state of ${s?.env}-${s?.layer}; use the backup taken from ${env}`);
            writeState(stateDir, s);
        },
    };
}

export interface BackupRequest {
    env: string;
    outDir: string;
    stacks: StateStore;
    layers?: readonly Layer[];
}

/** Exports each layer's state to `<outDir>/<env>-<layer>.json` and writes manifest.json with checksums. */
export async function backup(req: BackupRequest): Promise<BackupManifest> {
    fs.mkdirSync(req.outDir, { recursive: true, mode: 0o700 });
    const manifest: BackupManifest = { env: req.env, createdAt: new Date().toISOString(), files: [], empty: [] };
    for (const layer of req.layers ?? LAYERS) {
        const state = await req.stacks.exportStack(req.env, layer);
        if (state === undefined) { manifest.empty.push(layer); continue; }
        const text = JSON.stringify(state, null, 2);
        const file = `${req.env}-${layer}.json`;
        fs.writeFileSync(path.join(req.outDir, file), text, { mode: 0o600 });
        manifest.files.push({ layer, file, sha256: sha256(text), bytes: Buffer.byteLength(text) });
    }
    // The manifest last: a backup without one is visibly incomplete.
    fs.writeFileSync(path.join(req.outDir, "manifest.json"), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    return manifest;
}

export interface RestoreRequest {
    env: string;
    fromDir: string;
    stacks: StateStore;
}

/** Reads and checks a backup: manifest present, for this environment, every file's checksum matching. */
export function verifyBackup(env: string, fromDir: string): { manifest: BackupManifest; states: Map<Layer, unknown> } {
    const manifestFile = path.join(fromDir, "manifest.json");
    if (!fs.existsSync(manifestFile)) throw new InputError(`${manifestFile} is missing; point --from at a folder written by \`infra backup\``);
    let manifest: BackupManifest;
    try { manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")); } catch { throw new InputError(`${manifestFile} is not valid JSON; the backup is damaged`); }
    if (manifest.env !== env) throw new InputError(`backup in ${fromDir} is of environment "${manifest.env}", not "${env}"; pass --env ${manifest.env} or another backup`);
    const states = new Map<Layer, unknown>();
    for (const entry of manifest.files ?? []) {
        if (!(LAYERS as readonly string[]).includes(entry.layer) || path.basename(entry.file) !== entry.file) {
            throw new InputError(`${manifestFile}: entry ${JSON.stringify(entry.file)} is not a layer state file; the manifest was edited`);
        }
        const file = path.join(fromDir, entry.file);
        if (!fs.existsSync(file)) throw new InputError(`${file} is missing from the backup; nothing was restored`);
        const data = fs.readFileSync(file);
        if (sha256(data) !== entry.sha256) throw new InputError(`${file} does not match its checksum in manifest.json; the backup is damaged or edited, nothing was restored`);
        states.set(entry.layer, JSON.parse(data.toString("utf8")));
    }
    return { manifest, states };
}

/** Verifies the whole backup, then imports each layer in dependency order. Returns the layers restored. */
export async function restore(req: RestoreRequest): Promise<Layer[]> {
    const { states } = verifyBackup(req.env, req.fromDir);
    const order = (topoOrder() as Layer[]).filter((l) => states.has(l));
    for (const layer of order) await req.stacks.importStack(req.env, layer, states.get(layer));
    return order;
}

