/**
 * Support for the process-lifetime tests: a workspace copy of the project in which one layer's
 * program never finishes (so a run can be ended at a chosen moment, with its layer workers and
 * the policy pack running), and a `ps`-based account of which processes of a run are still alive.
 */
import { spawn, execFileSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeWorkspace, removeWorkspace, type Workspace } from "../e2e/harness";
import type { Layer } from "../../stacks/graph";

export { removeWorkspace, type Workspace };

/** A workspace whose `hold` layer registers nothing and never returns its outputs. */
export function holdingWorkspace(label: string, hold: Layer = "images"): Workspace {
    const ws = makeWorkspace(label);
    fs.writeFileSync(path.join(ws.dir, "stacks", `${hold}.ts`), [
        "// Test fixture: this layer's outputs never resolve, so its worker stays busy until the run ends.",
        `export function ${hold}Layer(): Record<string, unknown> {`,
        "    return { held: new Promise(() => undefined) };",
        "}",
        "",
    ].join("\n"));
    return ws;
}

export interface Proc { pid: number; ppid: number; state: string; args: string }

/** The working directory of `pid` (Linux /proc), or "" where it cannot be read. */
function cwdOf(pid: number): string {
    try {
        return fs.readlinkSync(`/proc/${pid}/cwd`);
    } catch {
        return ""; // gone meanwhile, or not ours to read
    }
}

/**
 * Every live (not zombie) process whose command line names `dir` or whose working directory is in
 * it. The second finds the Pulumi CLI's plugins: their command lines name only the wrappers' sources
 * (the language host, the provider stand-in), but the CLI starts them in the project's folder.
 */
export function processesUnder(dir: string): Proc[] {
    const out = execFileSync("ps", ["-eo", "pid=,ppid=,stat=,args="], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    return out.split("\n").map((l) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), state: m[3], args: m[4] }))
        .filter((p) => !p.state.startsWith("Z") && p.pid !== process.pid && (p.args.includes(dir) || cwdOf(p.pid).startsWith(dir)));
}

/** Whether `pid` is a live (not zombie) process. */
export function alive(pid: number): boolean {
    try {
        return !execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim().startsWith("Z");
    } catch {
        return false; // ps exits 1 when there is no such process
    }
}

/** The descendants of `root` (children, their children, ...), from one `ps` snapshot. */
export function descendants(root: number): Proc[] {
    const all = processesUnder("");
    const found: Proc[] = [];
    const parents = new Set([root]);
    for (let grew = true; grew; ) {
        grew = false;
        for (const p of all) {
            if (parents.has(p.ppid) && !parents.has(p.pid)) {
                parents.add(p.pid);
                found.push(p);
                grew = true;
            }
        }
    }
    return found;
}

/** Polls until no process of `pids` is alive and none names `dir`, or `timeoutMs` passes; returns what is left. */
export async function leftovers(dir: string, pids: readonly number[], timeoutMs: number): Promise<Proc[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const byPath = processesUnder(dir);
        const byPid = pids.filter((pid) => alive(pid) && !byPath.some((p) => p.pid === pid)).map((pid) => ({ pid, ppid: -1, state: "?", args: "(by pid)" }));
        const left = [...byPath, ...byPid];
        if (left.length === 0 || Date.now() > deadline) return left;
        await new Promise((r) => setTimeout(r, 200));
    }
}

/** Ends whatever a failed test left running, so one failure does not leak into the next. */
export function reap(procs: readonly Proc[]): void {
    for (const p of procs) {
        try { process.kill(p.pid, "SIGKILL"); } catch { /* already gone */ }
    }
}

export interface Started {
    child: ChildProcess;
    stdout(): string;
    stderr(): string;
    ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `command args` in the workspace and collects its output. */
export function start(ws: Workspace, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
    const child = spawn(command, args, { cwd: ws.dir, env: { ...ws.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (b) => { out += b; });
    child.stderr!.on("data", (b) => { err += b; });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
    return { child, stdout: () => out, stderr: () => err, ended };
}

/** `infra up --env dev --engine offline` in the workspace, with NDJSON events on stdout. */
export function startUp(ws: Workspace, env: NodeJS.ProcessEnv = {}): Started {
    return start(ws, process.execPath, [path.join(ws.dir, "bin", "infra.js"), "up", "--env", "dev", "--engine", "offline", "--yes", "--events"], env);
}

/**
 * Resolves once the run's cluster layer has succeeded (so the policy pack has served it) and the
 * run has its layer workers and policy pack running; returns those processes.
 */
export async function whenBusy(run: Started, infraPid: number, timeoutMs = 120_000): Promise<Proc[]> {
    const deadline = Date.now() + timeoutMs;
    let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void run.ended.then((e) => { ended = e; });
    for (;;) {
        if (ended) throw new Error(`the run ended (${ended.signal ?? ended.code}) before it got busy; stdout:\n${run.stdout().slice(-2000)}\nstderr:\n${run.stderr().slice(-2000)}`);
        const kids = descendants(infraPid);
        const workers = kids.filter((p) => p.args.includes("automation/offline/runner.ts"));
        const pack = kids.filter((p) => p.args.includes("run-policy-pack"));
        if (/"layer":"cluster","status":"succeeded"/.test(run.stdout()) && workers.length > 0 && pack.length > 0) return kids;
        if (Date.now() > deadline) throw new Error(`the run never got busy; stdout:\n${run.stdout().slice(-2000)}\nstderr:\n${run.stderr().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

/**
 * A workspace where `npm exec infra` (what `npx infra` runs) starts the bin the way it does for a
 * user (npm, then `<script-shell> -c infra ...`) without installing anything: for a package's own
 * bin npm first installs the package into its npx cache and runs its postinstall, which here would
 * run `npm ci` through the links to the project's node_modules. So the workspace's package.json
 * loses `bin` and its scripts, and node_modules is a folder of links to the project's packages
 * plus `.bin/infra`, which npm finds instead.
 */
export function npxWorkspace(label: string, hold?: Layer): Workspace {
    const ws = hold ? holdingWorkspace(label, hold) : makeWorkspace(label);
    const manifest = path.join(ws.dir, "package.json");
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
    delete pkg.bin;
    delete pkg.scripts;
    fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2));
    const modules = path.join(ws.dir, "node_modules");
    const source = fs.realpathSync(modules);
    fs.unlinkSync(modules);
    fs.mkdirSync(path.join(modules, ".bin"), { recursive: true });
    for (const entry of fs.readdirSync(source)) {
        if (entry !== ".bin") fs.symlinkSync(path.join(source, entry), path.join(modules, entry));
    }
    for (const bin of fs.readdirSync(path.join(source, ".bin"))) fs.symlinkSync(fs.readlinkSync(path.join(source, ".bin", bin)), path.join(modules, ".bin", bin));
    fs.symlinkSync(path.join("..", "..", "bin", "infra.js"), path.join(modules, ".bin", "infra"));
    return ws;
}

/** `npx infra up --env dev --engine offline` in the workspace, installing nothing, with NDJSON events on stdout. */
export function startNpxUp(ws: Workspace): Started {
    return start(ws, "npm", ["exec", "--offline", "--no", "--", "infra", "up", "--env", "dev", "--engine", "offline", "--yes", "--events"]);
}
