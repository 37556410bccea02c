/**
 * Runs the `infra` CLI as a user would (node bin/infra.js …) with a bounded timeout. Its run state
 * (locks, logs, run records, offline state) goes to a temporary folder of this test process
 * (INFRA_STATE_DIR), never to the project's own `.infra/`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const BIN = path.join(PROJECT_DIR, "bin", "infra.js");

/** The run-state folder the spawned CLI uses, removed when the test process exits. */
export const STATE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cli-state-"));
process.on("exit", () => fs.rmSync(STATE_DIR, { recursive: true, force: true }));

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Spawns the CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        execFile(process.execPath, [BIN, ...args], {
            cwd: PROJECT_DIR,
            env: { ...process.env, FORCE_COLOR: "0", INFRA_STATE_DIR: STATE_DIR, ...opts.env },
            timeout: opts.timeoutMs ?? 60_000,
            maxBuffer: 64 * 1024 * 1024,
        }, (err, stdout, stderr) => {
            if (err && typeof (err as any).code !== "number") return reject(err);
            resolve({ code: err ? Number((err as any).code) : 0, stdout, stderr });
        });
    });
}

/** The non-empty lines of a text. */
export function lines(text: string): string[] {
    return text.split("\n").filter((l) => l.trim().length > 0);
}
