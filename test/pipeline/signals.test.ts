import { strict as assert } from "assert";
import { spawn } from "child_process";
import { EventEmitter } from "events";
import * as path from "path";
import { FORCED_EXIT_MESSAGE, INTERRUPTING_MESSAGE, installSignalHandlers, SAME_REQUEST_MS, STOP_AFTER_RUN_MESSAGE } from "../../automation/pipeline/signals";

interface Ended {
    code: number | null;
    stdout: string;
    stderr: string;
    msAfterLastSignal: number;
}

/** Runs the fixture, sends `signals` signals once it is ready (further apart than one request), and collects how it ended. */
function runAndInterrupt(mode: string, signals: number, signal: NodeJS.Signals = "SIGINT"): Promise<Ended> {
    const script = path.join(__dirname, "fixtures", "sigint-run.ts");
    const child = spawn(process.execPath, ["--require", "tsx/cjs", script, mode], { cwd: path.join(__dirname, "..", ".."), stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    let lastSignal = 0;
    return new Promise((resolve, reject) => {
        const killer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`child did not exit in time; stdout: ${stdout} stderr: ${stderr}`));
        }, 20_000);
        child.stdout.on("data", (d) => {
            const before = stdout;
            stdout += d;
            if (!before.includes("ready") && stdout.includes("ready")) {
                for (let k = 0; k < signals; k++) {
                    setTimeout(() => {
                        lastSignal = Date.now();
                        child.kill(signal);
                    }, (SAME_REQUEST_MS + 150) * k);
                }
            }
        });
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => {
            clearTimeout(killer);
            resolve({ code, stdout, stderr, msAfterLastSignal: Date.now() - lastSignal });
        });
    });
}

describe("Ctrl-C handling", function () {
    this.timeout(30_000);

    it("first Ctrl-C stops in-flight layers and the run exits 8 (cancelled) with its summary", async () => {
        const ended = await runAndInterrupt("honour", 1);
        assert.equal(ended.code, 8, ended.stderr);
        assert.ok(ended.stderr.includes(INTERRUPTING_MESSAGE));
        assert.match(ended.stdout, /cluster\s+cancelled\s+1 .*interrupted/);
        assert.match(ended.stdout, /apps\s+cancelled\s+0/);
        assert.match(ended.stdout, /Interrupted:/);
        assert.ok(ended.msAfterLastSignal < 10_000, "did not wait for the 20 s layers");
    });

    it("second Ctrl-C exits 8 at once even when an engine ignores the abort", async () => {
        const ended = await runAndInterrupt("ignore", 2);
        assert.equal(ended.code, 8, ended.stderr);
        assert.ok(ended.stderr.includes(INTERRUPTING_MESSAGE));
        assert.ok(ended.stderr.includes(FORCED_EXIT_MESSAGE));
        assert.doesNotMatch(ended.stdout, /LAYER/, "no summary: the run was not allowed to finish");
        assert.ok(ended.msAfterLastSignal < 10_000);
    });

    it("SIGTERM stops the run like Ctrl-C: summary, exit 8", async () => {
        const ended = await runAndInterrupt("honour", 1, "SIGTERM");
        assert.equal(ended.code, 8, ended.stderr);
        assert.ok(ended.stderr.includes(INTERRUPTING_MESSAGE));
        assert.match(ended.stdout, /cluster\s+cancelled\s+1 .*interrupted/);
        assert.match(ended.stdout, /Interrupted:/);
    });

    it("the disposer removes the handlers", () => {
        const target = new EventEmitter();
        const controller = new AbortController();
        const dispose = installSignalHandlers(controller, { target, stream: { write: () => true } as unknown as NodeJS.WritableStream, exit: () => assert.fail("exit") });
        assert.equal(target.listenerCount("SIGINT"), 1);
        assert.equal(target.listenerCount("SIGTERM"), 1);
        target.emit("SIGINT", "SIGINT");
        assert.equal(controller.signal.aborted, true);
        dispose();
        const next = new AbortController();
        installSignalHandlers(next, { target, stream: { write: () => true } as unknown as NodeJS.WritableStream, exit: () => assert.fail("exit") })();
        assert.equal(next.signal.aborted, false, "the first run's handler is gone with it");
    });

    it("a stop signal after a run finished does not kill the process; it stops the next run before it starts; a second one exits", () => {
        const target = new EventEmitter();
        const exits: number[] = [];
        const lines: string[] = [];
        const opts = { target, now: (() => { let t = 0; return () => (t += 1_000); })(), stream: { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream, exit: (code: number) => exits.push(code) };
        installSignalHandlers(new AbortController(), opts)();
        target.emit("SIGTERM", "SIGTERM");
        assert.deepEqual(exits, [], "the finished run is not turned into a killed one");
        assert.ok(lines.join("").includes(STOP_AFTER_RUN_MESSAGE));
        const next = new AbortController();
        const dispose = installSignalHandlers(next, opts);
        assert.equal(next.signal.aborted, true, "the request carries over to the next run");
        assert.match(String(next.signal.reason?.message), /SIGTERM/);
        target.emit("SIGINT", "SIGINT");
        assert.deepEqual(exits, [8], "a second request forces the exit");
        dispose();
    });

    it("one Ctrl-C that arrives twice (terminal and npm's forwarding) is one request; a later one forces the exit", () => {
        const target = new EventEmitter();
        const controller = new AbortController();
        let clock = 1_000;
        const exits: number[] = [];
        installSignalHandlers(controller, { target, now: () => clock, stream: { write: () => true } as unknown as NodeJS.WritableStream, exit: (code) => exits.push(code) });
        target.emit("SIGINT", "SIGINT");
        clock += 5;
        target.emit("SIGINT", "SIGINT");
        assert.equal(controller.signal.aborted, true);
        assert.deepEqual(exits, [], "the repeat did not force an exit");
        clock += SAME_REQUEST_MS;
        target.emit("SIGTERM", "SIGTERM");
        assert.deepEqual(exits, [8]);
        assert.match(String(controller.signal.reason?.message), /Ctrl-C/);
    });
});
