/**
 * The compile cache that the CLI, the layer workers and the policy pack load first
 * (automation/processes/compile-cache.js), with real processes and a cache folder of the test's
 * own; and the other parts of a fast start: the CLI loads no Pulumi SDK before a command needs
 * it, and the offline engine keeps no more layer workers than the cores can run.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileCacheArgs } from "../../automation/processes/compile-cache";
import { defaultWorkers } from "../../automation/offline/engine";

const ROOT = path.resolve(__dirname, "..", "..");

/** A child that loads a module (yaml) with the cache, says it has loaded (its event loop runs), then waits for a signal. */
const CHILD = `require("yaml"); setTimeout(() => process.stdout.write(require(${JSON.stringify(path.join(ROOT, "automation/processes/compile-cache.js"))}).mode() + "\\n"), 20); setInterval(() => undefined, 1000);`;

function cacheFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".BLOB") || f.endsWith(".MAP"));
}

/** Starts CHILD with the cache preloaded, waits for its first line, SIGTERMs it; its mode and exit. */
async function runAndTerminate(env: NodeJS.ProcessEnv): Promise<{ mode: string; code: number | null; signal: NodeJS.Signals | null }> {
    const child = spawn(process.execPath, [...compileCacheArgs(), "-e", CHILD], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    const mode = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            if (out.includes("\n")) resolve(out.trim());
        });
        child.once("exit", (code) => reject(new Error(`child exited (${code}) before it was ready`)));
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.kill("SIGTERM");
    return { mode, ...(await exit) };
}

describe("compile cache", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "compile-cache-test-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a child stopped with SIGTERM still writes what it compiled, and still ends as SIGTERM says (exit 143)", async () => {
        const env: NodeJS.ProcessEnv = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir };
        delete env.DISABLE_V8_COMPILE_CACHE;
        const first = await runAndTerminate(env);
        assert.equal(first.mode, typeof (require("module") as { enableCompileCache?: unknown }).enableCompileCache === "function" ? "node" : "v8-compile-cache");
        assert.equal(first.code, 143, `exit ${first.code} / ${first.signal}`);
        if (first.mode !== "v8-compile-cache") return; // Node's own cache keeps its files elsewhere.
        const written = cacheFiles(dir);
        assert.ok(written.some((f) => f.endsWith(".BLOB")) && written.some((f) => f.endsWith(".MAP")), `cache files: ${written.join(", ")}`);
        const map = JSON.parse(fs.readFileSync(path.join(dir, written.find((f) => f.endsWith(".MAP"))!), "utf8")) as Record<string, unknown>;
        assert.ok(Object.keys(map).some((f) => f.includes(`${path.sep}yaml${path.sep}`)), "the cache holds the modules the child loaded");
    });

    it("DISABLE_V8_COMPILE_CACHE=1 turns it off: nothing is written, and SIGTERM ends the child as usual", async () => {
        const result = await runAndTerminate({ ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir, DISABLE_V8_COMPILE_CACHE: "1" });
        assert.equal(result.mode, "off");
        assert.equal(result.signal, "SIGTERM");
        assert.deepEqual(cacheFiles(dir), []);
    });

    it("refuses a cache folder that another user could write to, and runs without a cache then", async () => {
        fs.chmodSync(dir, 0o777);
        const result = await runAndTerminate({ ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir });
        assert.equal(result.mode, "off");
        assert.deepEqual(cacheFiles(dir), []);
    });

    it("defaults to a private folder in the user's cache folder, not the shared temp folder", async () => {
        const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: dir };
        delete env.V8_COMPILE_CACHE_CACHE_DIR;
        delete env.DISABLE_V8_COMPILE_CACHE;
        await runAndTerminate(env);
        const folder = path.join(dir, "infra", "compile-cache", `${process.arch}-v8-${process.versions.v8}`);
        assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    });

    it("loads an installed ES module package as plain Node does (the cache compiles CommonJS only)", () => {
        const script = `require("entities"); console.log(require(${JSON.stringify(path.join(ROOT, "automation/processes/compile-cache.js"))}).mode());`;
        const run = spawnSync(process.execPath, [...compileCacheArgs(), "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir } });
        assert.equal(run.status, 0, run.stderr);
        assert.notEqual(run.stdout.trim(), "off", "the cache was on");
    });

    it("SIGTERM while the process still loads ends it at once, not after its modules have loaded", async () => {
        // The main module spins for 3 s before the event loop runs: what loading the SDK looks like.
        const script = `const end = Date.now() + 3000; while (Date.now() < end);`;
        const child = spawn(process.execPath, [...compileCacheArgs(), "-e", script], { cwd: ROOT, env: { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir }, stdio: "ignore" });
        await new Promise((r) => setTimeout(r, 300));
        const sent = Date.now();
        const exit = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
        child.kill("SIGTERM");
        assert.equal(await exit, "SIGTERM");
        assert.ok(Date.now() - sent < 1500, `took ${Date.now() - sent} ms to end`);
    });

    it("clears a lock file a killed save left behind, so the cache is written again", async () => {
        const env: NodeJS.ProcessEnv = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir };
        delete env.DISABLE_V8_COMPILE_CACHE;
        const first = await runAndTerminate(env);
        if (first.mode !== "v8-compile-cache") return;
        const blob = cacheFiles(dir).find((f) => f.endsWith(".BLOB"))!;
        const lock = path.join(dir, blob.replace(/\.BLOB$/, ".LOCK"));
        fs.writeFileSync(lock, "LOCK");
        const old = new Date(Date.now() - 120_000);
        fs.utimesSync(lock, old, old);
        fs.rmSync(path.join(dir, blob));
        await runAndTerminate(env);
        assert.ok(fs.existsSync(path.join(dir, blob)), "the cache was written again");
        assert.ok(!fs.existsSync(lock), "the stale lock is gone");
    });

    it("a process that handles SIGTERM itself keeps its own way (the cache does not exit it)", async () => {
        const script = `require(${JSON.stringify(path.join(ROOT, "automation/processes/compile-cache.js"))}); process.on("SIGTERM", () => { console.log("handled"); setTimeout(() => process.exit(7), 50); }); console.log("ready"); setInterval(() => undefined, 1000);`;
        // Preloaded as a child is, so the cache's own SIGTERM handler is installed first.
        const child = spawn(process.execPath, [...compileCacheArgs(), "-e", script], { cwd: ROOT, env: { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir }, stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        await new Promise<void>((resolve) => child.stdout!.on("data", (d: Buffer) => { out += d.toString(); if (out.includes("ready")) resolve(); }));
        const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        child.kill("SIGTERM");
        assert.equal(await exit, 7);
        assert.match(out, /handled/);
    });
});

describe("fast start", () => {
    it("the CLI loads no Pulumi SDK module before a command needs it", () => {
        const script = `require("tsx/cjs"); require("./automation/cli/main.ts"); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules[\\\\/]@pulumi[\\\\/](pulumi|kubernetes|aws|eks)[\\\\/]/.test(f) && !/[\\\\/]proto[\\\\/]/.test(f))));`;
        const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        const loaded = JSON.parse(run.stdout.trim().split("\n").pop()!) as string[];
        assert.deepEqual(loaded, [], `the CLI loaded ${loaded.length} SDK files at start, e.g. ${loaded[0]}`);
    });

    it("keeps one core for the orchestrator and the policy pack: one layer worker on two cores, two from three on", () => {
        assert.deepEqual([1, 2, 3, 4, 16].map((cores) => defaultWorkers(cores)), [1, 1, 2, 2, 2]);
    });
});
