/**
 * Mocha root hooks for the whole suite: every run a test starts keeps its state in a temporary
 * folder (INFRA_STATE_DIR, inherited by spawned CLIs), and the suite fails if the project's own
 * `.infra/` or `environments/` changed while it ran, or a new file or folder appeared at the
 * project's top level, so no test can touch a user's workspace.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..");
/** What the suite must leave exactly as it found it. */
export const GUARDED = [".infra", "environments"];

/** Every file and folder under `root` with its size and modification time; absent folders list nothing. */
export function snapshot(root: string, entries: readonly string[] = GUARDED): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (rel: string) => {
        const full = path.join(root, rel);
        let stat: fs.Stats;
        try { stat = fs.lstatSync(full); } catch { return; }
        out.set(rel, stat.isDirectory() ? "dir" : `${stat.size}:${stat.mtimeMs}`);
        if (stat.isDirectory()) for (const e of fs.readdirSync(full).sort()) walk(path.join(rel, e));
    };
    for (const e of entries) walk(e);
    for (const e of fs.readdirSync(root)) out.set(`top:${e}`, "present");
    return out;
}

/** The paths that differ between two snapshots (added, removed or changed). */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
    const keys = new Set([...before.keys(), ...after.keys()]);
    return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

let before: Map<string, string> | undefined;
let stateDir: string | undefined;
let compileCacheDir: string | undefined;

export const mochaHooks = {
    beforeAll(): void {
        if (before) return;
        before = snapshot(REPO);
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-test-state-"));
        process.env.INFRA_STATE_DIR = stateDir;
        // One compile cache (automation/processes/compile-cache.js) for the run's CLIs, workers and
        // packs, removed with the run: each workspace copy would otherwise leave its own files behind.
        compileCacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-test-compile-cache-"));
        process.env.V8_COMPILE_CACHE_CACHE_DIR = compileCacheDir;
    },
    afterAll(): void {
        if (!before) return;
        const changed = changedPaths(before, snapshot(REPO));
        if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        if (compileCacheDir) fs.rmSync(compileCacheDir, { recursive: true, force: true });
        if (changed.length > 0) throw new Error(`the suite changed the project's own files: ${changed.slice(0, 10).join(", ")}; a test must use a temporary workspace (INFRA_STATE_DIR, INFRA_ENVIRONMENTS_DIR)`);
    },
};
