/**
 * Backup and restore of an environment's stack state: one file per layer plus a manifest with
 * sha256 checksums. State is copied as its store keeps it, secrets encrypted (Pulumi's own
 * encryption, or the offline engine's, secrets/at-rest.ts), never in plain text; the folder is
 * 0700 and its files 0600 whatever the umask. Restore checks every file (checksum, JSON, that it
 * is the stack it claims to be) before importing any, so a damaged or edited backup imports nothing.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { writeAtomically } from "../files";
import { LAYERS, type Layer, topoOrder } from "../../stacks/graph";
import { readStoredState, storedStateProblem, withoutPlaintext, writeStoredState, type StoredState } from "../offline/state";
import { stackName } from "../../stacks/names";

/** How an engine exports and imports a stack's state (the pulumi engine: `pulumi stack export/import`). */
export interface StateStore {
    /** The layer's state with secrets encrypted, or undefined when the stack has none. */
    exportStack(env: string, layer: Layer): Promise<unknown>;
    importStack(env: string, layer: Layer, state: unknown): Promise<void>;
    /** Why `state` is not a state of `env`-`layer` this store can import (undefined when it is). */
    problem(env: string, layer: Layer, state: unknown): string | undefined;
}

export interface BackupManifest {
    env: string;
    createdAt: string;
    files: { layer: Layer; file: string; sha256: string; bytes: number }[];
    /** Layers with no state to back up. */
    empty: Layer[];
}

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** The offline engine's applied state (.infra/offline) as a StateStore, copied as stored (secrets sealed or withheld). */
export function offlineStateStore(stateDir: string): StateStore {
    return {
        exportStack: async (env, layer) => {
            const stored = readStoredState(stateDir, env, layer);
            return stored && withoutPlaintext(stored);
        },
        importStack: async (_env, _layer, state) => writeStoredState(stateDir, state as StoredState),
        problem: (env, layer, state) => storedStateProblem(state, env, layer),
    };
}

/** What `backup` needs to decide whether a folder is a safe place for a backup. */
export interface TargetGuard {
    /** The project whose root and tracked folders are refused. */
    projectDir: string;
    /** Write into a folder that already holds files (--force). */
    force?: boolean;
    /** Write to a refused place: /, the home folder, the project root, a folder git tracks (--allow-unsafe-out). */
    allowUnsafeOut?: boolean;
    /** The home folder; default os.homedir(). */
    home?: string;
}

/** Top-level folders the project's .gitignore ignores (`name/` lines): the only places inside the project a backup may go. */
function ignoredFolders(projectDir: string): Set<string> {
    let text = "";
    try { text = fs.readFileSync(path.join(projectDir, ".gitignore"), "utf8"); } catch { /* no .gitignore: nothing is ignored */ }
    return new Set(text.split("\n").map((l) => l.trim()).filter((l) => /^\/?[^/*?[!#\s][^/*?[]*\/$/.test(l)).map((l) => l.replace(/^\/|\/$/g, "")));
}

const realOr = (p: string): string => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };

/**
 * The real folder a backup given as `--out` goes to (symbolic links resolved), after checking it:
 * a dangling or looping link, or a file, is refused; so are /, the home folder itself, the project
 * root and any folder inside the project git would track (a backup holds stack state, secrets
 * encrypted, and must not be committed) unless `allowUnsafeOut`; and a folder with files unless `force`.
 */
export function backupTarget(out: string, guard: TargetGuard): string {
    const wanted = path.resolve(out);
    let existing = wanted;
    const missing: string[] = [];
    for (;;) {
        try {
            fs.lstatSync(existing);
            break;
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === "ENOTDIR") throw new InputError(`--out ${out}: a part of the path is a file, not a folder; choose a folder path`);
            if (code !== "ENOENT" || path.dirname(existing) === existing) throw new InputError(`--out ${out} cannot be checked (${code}); choose a folder you can write to`);
            missing.unshift(path.basename(existing));
            existing = path.dirname(existing);
        }
    }
    let real: string;
    try { real = fs.realpathSync(existing); } catch { throw new InputError(`--out ${out}: ${existing} is a symbolic link to nothing (or a loop); point --out at a real folder`); }
    if (!fs.statSync(real).isDirectory()) throw new InputError(`--out ${out}: ${existing} is not a folder; choose a folder path`);
    const target = path.join(real, ...missing);
    if (!guard.allowUnsafeOut) {
        const project = realOr(guard.projectDir);
        const refused = target === path.parse(target).root ? "the file system root"
            : target === realOr(guard.home ?? os.homedir()) ? "the home folder itself"
            : target === project ? "the project root"
            : target.startsWith(project + path.sep) && !ignoredFolders(project).has(path.relative(project, target).split(path.sep)[0]) ? "inside the project, in a folder git tracks"
            : undefined;
        if (refused) throw new InputError(`--out ${out} is ${refused} (${target}); write the backup to its own folder outside the project (or in a git-ignored one), or pass --allow-unsafe-out`);
    }
    if (missing.length === 0 && fs.readdirSync(target).length > 0 && !guard.force) {
        throw new InputError(`--out ${out} is not empty; choose a new folder, or pass --force to write into it`);
    }
    return target;
}

export interface BackupRequest extends TargetGuard {
    env: string;
    outDir: string;
    stacks: StateStore;
    layers?: readonly Layer[];
}

/**
 * Exports each layer's state to `<outDir>/<env>-<layer>.json` and writes manifest.json with
 * checksums. The folder is checked first (backup-target.ts); every state is exported and
 * checked before the first file is written.
 */
export async function backup(req: BackupRequest): Promise<BackupManifest> {
    const dir = backupTarget(req.outDir, req);
    const manifest: BackupManifest = { env: req.env, createdAt: new Date().toISOString(), files: [], empty: [] };
    const texts: [string, string][] = [];
    for (const layer of req.layers ?? LAYERS) {
        const state = await req.stacks.exportStack(req.env, layer);
        if (state === undefined) { manifest.empty.push(layer); continue; }
        const problem = req.stacks.problem(req.env, layer, state);
        if (problem) throw new Error(`the exported state of ${stackName(req.env, layer)} ${problem}; nothing was written to ${dir}`);
        const text = JSON.stringify(state, null, 2);
        const file = `${stackName(req.env, layer)}.json`;
        texts.push([file, text]);
        manifest.files.push({ layer, file, sha256: sha256(text), bytes: Buffer.byteLength(text) });
    }
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask and leaves an existing folder as it was.
    fs.chmodSync(dir, 0o700);
    for (const [file, text] of texts) writeAtomically(path.join(dir, file), text, 0o600);
    // The manifest last: a backup without one is visibly incomplete.
    writeAtomically(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2), 0o600);
    return manifest;
}

export interface RestoreRequest {
    env: string;
    fromDir: string;
    stacks: StateStore;
}

/**
 * Reads and checks a whole backup: manifest present and for this environment, every file present,
 * matching its checksum, valid JSON and (with `problem`, a store's check) the state of the stack
 * its entry names. The first failure is an InputError naming the file; nothing is imported.
 */
export function verifyBackup(env: string, fromDir: string, problem?: StateStore["problem"]): { manifest: BackupManifest; states: Map<Layer, unknown> } {
    const manifestFile = path.join(fromDir, "manifest.json");
    if (!fs.existsSync(manifestFile)) throw new InputError(`${manifestFile} is missing; point --from at a folder written by \`infra backup\``);
    let manifest: BackupManifest;
    try { manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")); } catch { throw new InputError(`${manifestFile} is not valid JSON; the backup is damaged`); }
    if (manifest?.env !== env) throw new InputError(`backup in ${fromDir} is of environment "${manifest?.env}", not "${env}"; pass --env ${manifest?.env} or another backup`);
    if (!Array.isArray(manifest.files)) throw new InputError(`${manifestFile}: "files" is not a list; the manifest was edited`);
    const states = new Map<Layer, unknown>();
    for (const entry of manifest.files) {
        if (!(LAYERS as readonly string[]).includes(entry?.layer) || typeof entry.file !== "string" || path.basename(entry.file) !== entry.file || states.has(entry.layer)) {
            throw new InputError(`${manifestFile}: entry ${JSON.stringify(entry?.file)} is not a layer state file, or a second one for its layer; the manifest was edited`);
        }
        const file = path.join(fromDir, entry.file);
        if (!fs.existsSync(file)) throw new InputError(`${file} is missing from the backup; nothing was restored`);
        const data = fs.readFileSync(file);
        if (sha256(data) !== entry.sha256) throw new InputError(`${file} does not match its checksum in manifest.json; the backup is damaged or edited, nothing was restored`);
        let state: unknown;
        try { state = JSON.parse(data.toString("utf8")); } catch { throw new InputError(`${file} is not valid JSON; the backup is damaged, nothing was restored`); }
        const why = problem?.(env, entry.layer, state);
        if (why) throw new InputError(`${file} ${why}; the backup is damaged or edited, nothing was restored`);
        states.set(entry.layer, state);
    }
    return { manifest, states };
}

/** Verifies the whole backup, then imports each layer in dependency order. Returns the layers restored. */
export async function restore(req: RestoreRequest): Promise<Layer[]> {
    const { states } = verifyBackup(req.env, req.fromDir, req.stacks.problem);
    const order = (topoOrder() as Layer[]).filter((l) => states.has(l));
    for (const layer of order) await req.stacks.importStack(req.env, layer, states.get(layer));
    return order;
}
