/**
 * The parent watch that layer workers and the policy pack preload (automation/processes/exit-with-parent.js),
 * in-process; and exitWhenOrphaned(), which the Pulumi CLI's plugins of ours call, with real processes.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { EventEmitter } from "events";
import * as path from "path";
import { exitWithParent, PARENT_PID_VARIABLE, watchParent } from "../../automation/processes/exit-with-parent";
import { alive } from "./support";

const MODULE = path.resolve(__dirname, "..", "..", "automation", "processes", "exit-with-parent.js");

/** A process double whose parent pid and IPC channel the test controls. */
class FakeProcess extends EventEmitter {
    constructor(public ppid: number, public channel?: object) { super(); }
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("exit-with-parent: the parent watch", () => {
    it("calls onGone once when the parent pid changes (the parent died and the child was re-parented)", async () => {
        const proc = new FakeProcess(4242);
        const calls: string[] = [];
        const stop = watchParent({ parentPid: 4242, intervalMs: 10, process: proc, onGone: (why) => calls.push(why) });
        await tick(40);
        assert.deepEqual(calls, [], "parent alive: nothing happens");
        proc.ppid = 1;
        await tick(40);
        await tick(40);
        assert.equal(calls.length, 1);
        assert.match(calls[0], /parent 4242 is gone \(parent now 1\)/);
        stop();
    });

    it("a parent already gone when the watch starts is seen at once", () => {
        const calls: string[] = [];
        watchParent({ parentPid: 4242, intervalMs: 10_000, process: new FakeProcess(1), onGone: (why) => calls.push(why) });
        assert.equal(calls.length, 1);
    });

    it("an IPC child learns at once when its channel closes, and only once", () => {
        const proc = new FakeProcess(4242, {});
        const calls: string[] = [];
        watchParent({ parentPid: 4242, intervalMs: 10_000, process: proc, onGone: (why) => calls.push(why) });
        proc.emit("disconnect");
        proc.emit("disconnect");
        assert.deepEqual(calls, ["the IPC channel to the parent closed"]);
        assert.equal(proc.listenerCount("disconnect"), 0, "the listener is removed");
    });

    it("stop() ends the watch", async () => {
        const proc = new FakeProcess(4242, {});
        const calls: string[] = [];
        const stop = watchParent({ parentPid: 4242, intervalMs: 10, process: proc, onGone: (why) => calls.push(why) });
        stop();
        proc.ppid = 1;
        proc.emit("disconnect");
        await tick(40);
        assert.deepEqual(calls, []);
    });

    it("a child is told this process's pid and preloads the watch", () => {
        const { execArgv, env } = exitWithParent();
        assert.deepEqual(execArgv.slice(0, 1), ["--require"]);
        assert.match(execArgv[1], /automation[/\\]processes[/\\]exit-with-parent\.js$/);
        assert.equal(env[PARENT_PID_VARIABLE], String(process.pid));
    });

    it("exitWhenOrphaned(): a process started by a program that cannot name itself ends once that program is killed", async () => {
        // The starter plays the Pulumi CLI: it starts a plugin that calls exitWhenOrphaned() and prints its pid.
        const plugin = `require(process.argv[1]).exitWhenOrphaned(); setInterval(() => undefined, 1000);`;
        const starter = spawn(process.execPath, ["-e", `
            const c = require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(plugin)}, process.argv[1]], { stdio: "ignore" });
            console.log(c.pid);
            setInterval(() => undefined, 1000);`, MODULE], { stdio: ["ignore", "pipe", "inherit"] });
        const pid = await new Promise<number>((resolve) => starter.stdout!.once("data", (b) => resolve(Number(String(b).trim()))));
        try {
            await tick(1000);
            assert.ok(alive(pid), "the plugin keeps running while its starter lives");
            starter.kill("SIGKILL");
            const deadline = Date.now() + 5_000;
            while (alive(pid) && Date.now() < deadline) await tick(100);
            assert.ok(!alive(pid), "the plugin was still running 5 s after its starter was killed");
        } finally {
            starter.kill("SIGKILL");
            try { process.kill(pid, "SIGKILL"); } catch { /* gone, as it should be */ }
        }
    });
});
