/**
 * Harness for the real-engine tests: the Pulumi CLI built by `npm run setup:engine`, the file
 * backend in a temporary folder, and the provider stand-in. Each workspace is a copy of the
 * project in a temporary folder (node_modules and .tools linked, not copied), so runs write their
 * `.infra/`, stack settings and release pins there and never into the project.
 *
 * Without the built tools the tests skip, naming the set-up command; under CI (CI=true) they fail.
 */
import { execFile, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Context } from "mocha";
import { standinEnv } from "../../automation/engines/pulumi-cli";

export const REPO = path.resolve(__dirname, "..", "..");
export const TOOLS_BIN = path.join(REPO, ".tools", "bin");
const SETUP_HINT = "the real-engine tools are not built; run `npm run setup:engine`";

/** True when the CLI, our language host and the stand-in wrappers are all there. */
export function engineReady(): boolean {
    return ["bin/pulumi", "bin/pulumi-language-nodejs", "standin-bin/pulumi-resource-aws"].every((f) => fs.existsSync(path.join(REPO, ".tools", f)));
}

/** Call from a `before`: skips with the set-up command locally, fails in CI. */
export function requireEngine(ctx: Context): void {
    if (engineReady()) return;
    if (process.env.CI === "true") throw new Error(`${SETUP_HINT} (required in CI)`);
    console.log(`      skipped: ${SETUP_HINT}`);
    ctx.skip();
}

/** Top-level entries not copied into a workspace (linked, or per machine). */
const NOT_COPIED = new Set([".git", "node_modules", ".tools", ".infra", ".pulumi-state", "dist", "scratch"]);

export interface Workspace {
    dir: string;
    backend: string;
    record: string;
    faults: string;
    env: NodeJS.ProcessEnv;
}

export interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** A fresh copy of the project with its own backend, Pulumi home, call record and faults file. */
export function makeWorkspace(label: string): Workspace {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `infra-e2e-${label}-`));
    const dir = path.join(root, "project");
    fs.mkdirSync(dir);
    for (const entry of fs.readdirSync(REPO)) {
        if (NOT_COPIED.has(entry) || /^Pulumi\..+\.yaml$/.test(entry)) continue;
        fs.cpSync(path.join(REPO, entry), path.join(dir, entry), {
            recursive: true,
            filter: (src) => !src.endsWith(`${path.sep}node_modules`) && !/[/\\]environments[/\\]history$/.test(src),
        });
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(REPO, "policies", "node_modules"), path.join(dir, "policies", "node_modules"));
    fs.symlinkSync(path.join(REPO, ".tools"), path.join(dir, ".tools"));
    const backend = path.join(root, "state");
    fs.mkdirSync(backend);
    const record = path.join(root, "calls.jsonl");
    const faults = path.join(root, "faults.json");
    // The `local` environment reaches an existing cluster through a kubeconfig context; the stand-in never dials it.
    const kubeconfig = path.join(root, "kubeconfig.yaml");
    fs.writeFileSync(kubeconfig, [
        "apiVersion: v1", "kind: Config", "current-context: kind-platform",
        "clusters: [{ name: kind-platform, cluster: { server: 'https://127.0.0.1:6443' } }]",
        "contexts: [{ name: kind-platform, context: { cluster: kind-platform, user: kind-platform } }]",
        "users: [{ name: kind-platform, user: { token: e2e-placeholder } }]", "",
    ].join("\n"), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        // The workspace is a project of its own: its runs keep their state in its own `.infra/`.
        INFRA_STATE_DIR: path.join(dir, ".infra"),
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        PULUMI_HOME: path.join(root, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        INFRA_PROVIDERS: "standin",
        INFRA_STANDIN_RECORD: record,
        INFRA_STANDIN_FAULTS: faults,
        INFRA_ENVIRONMENTS_DIR: "",
        KUBECONFIG: kubeconfig,
        FORCE_COLOR: "0",
        NO_COLOR: "1",
    };
    return { dir, backend, record, faults, env };
}

/** Removes a workspace with its state (kept when INFRA_E2E_KEEP is set, to look at after a failure). */
export function removeWorkspace(ws: Workspace | undefined): void {
    if (!ws || process.env.INFRA_E2E_KEEP) return;
    fs.rmSync(path.dirname(ws.dir), { recursive: true, force: true });
}

/** Starts `infra <args>` in the workspace. */
export function startInfra(ws: Workspace, args: string[]): ChildProcess {
    return spawn(process.execPath, [path.join(ws.dir, "bin", "infra.js"), ...args], { cwd: ws.dir, env: ws.env, stdio: ["ignore", "pipe", "pipe"] });
}

/** Collects a started process's output and exit. */
export function finished(child: ChildProcess): Promise<Result> {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (b) => { stdout += b; });
    child.stderr?.on("data", (b) => { stderr += b; });
    return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Runs `infra <args>` to its end. */
export function infra(ws: Workspace, ...args: string[]): Promise<Result> {
    return finished(startInfra(ws, args));
}

/** Runs the built `pulumi` CLI in the workspace, as a user of the plain CLI would. */
export function pulumi(ws: Workspace, ...args: string[]): Promise<Result> {
    const env = { ...ws.env, ...standinEnv(REPO, ws.env.PATH) };
    return new Promise((resolve) => {
        execFile(path.join(TOOLS_BIN, "pulumi"), [...args, "--non-interactive"], { cwd: ws.dir, env, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
            resolve({ code, signal: null, stdout, stderr });
        });
    });
}

/** A run's JSON document (`--json`). */
export function json(result: Result): any {  
    try {
        return JSON.parse(result.stdout);
    } catch {
        throw new Error(`not JSON (exit ${result.code}):\n${result.stdout.slice(0, 2000)}\n${result.stderr.slice(-4000)}`);
    }
}

export interface Call { time: string; pkg: string; op: string; urn?: string; id?: string; inputs?: unknown; token?: string }

/** The provider stand-in's call record. */
/**
 * The resource that runs an app's pods, in a URN: its Deployment, or the Argo Rollout that
 * replaces it where progressive delivery is on (components/workload/app.ts).
 */
export const POD_WORKLOAD_URN = /\$kubernetes:(apps\/v1:Deployment|argoproj\.io\/v1alpha1:Rollout)::/;

export function calls(ws: Workspace): Call[] {
    if (!fs.existsSync(ws.record)) return [];
    return fs.readFileSync(ws.record, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Call);
}

/** The stack (`<env>-<layer>`) a URN belongs to. */
export function stackOf(urn: string): string {
    return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** Every regular file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((d) => d.isFile())
        .map((d) => path.join(d.parentPath, d.name));
}

/** A readable failure message for a run that did not exit as expected. */
export function explain(r: Result): string {
    return `exit ${r.code}${r.signal ? ` (${r.signal})` : ""}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-5000)}`;
}
