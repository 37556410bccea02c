/**
 * No process outlives its run: however `infra` ends (SIGKILL, SIGTERM, a double Ctrl-C, an
 * uncaught exception), its offline layer workers and its policy pack end too. Each test runs the
 * CLI in a workspace copy where the images layer never finishes, ends it once the cluster layer has
 * been planned and checked (workers and policy pack running), and polls `ps` by the workspace path
 * and by pid until nothing of the run is left.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FORCED_EXIT_MESSAGE, INTERRUPTING_MESSAGE } from "../../automation/pipeline/signals";
import { statePaths } from "../../automation/state/workspace";
import { holdingWorkspace, leftovers, reap, removeWorkspace, startUp, whenBusy, type Proc, type Workspace } from "./support";

/** How long children may take to notice: the parent watch polls every 250 ms; the SDK's exit can take a moment on a loaded machine. */
const GONE_WITHIN_MS = 15_000;

function describeLeft(left: Proc[]): string {
    return left.map((p) => `${p.pid} (ppid ${p.ppid}) ${p.args.slice(0, 160)}`).join("\n");
}

async function assertNothingLeft(ws: Workspace, pids: number[]): Promise<void> {
    const left = await leftovers(ws.dir, pids, GONE_WITHIN_MS);
    reap(left);
    assert.deepEqual(left, [], `still running ${GONE_WITHIN_MS} ms after the run ended:\n${describeLeft(left)}`);
}

const lockFile = (ws: Workspace) => path.join(statePaths(ws.env.INFRA_STATE_DIR).locks, "dev.lock");

describe("no process outlives its run (offline engine, CLI)", function () {
    this.timeout(180_000);
    let ws: Workspace | undefined;
    afterEach(() => {
        if (ws) reap(leftoversNow(ws));
        removeWorkspace(ws);
        ws = undefined;
    });
    const leftoversNow = (w: Workspace) => require("./support").processesUnder(w.dir) as Proc[];

    it("SIGKILL of infra: the layer workers and the policy pack exit", async () => {
        ws = holdingWorkspace("kill");
        const run = startUp(ws);
        const kids = await whenBusy(run, run.child.pid!);
        run.child.kill("SIGKILL");
        const { signal } = await run.ended;
        assert.equal(signal, "SIGKILL");
        await assertNothingLeft(ws, kids.map((k) => k.pid));
    });

    it("SIGTERM: like Ctrl-C, the summary is printed, the lock released, exit 8, nothing left", async () => {
        ws = holdingWorkspace("term");
        const run = startUp(ws);
        const kids = await whenBusy(run, run.child.pid!);
        assert.ok(fs.existsSync(lockFile(ws)), "the run holds the environment lock");
        run.child.kill("SIGTERM");
        const { code } = await run.ended;
        assert.equal(code, 8, run.stderr());
        assert.ok(run.stderr().includes(INTERRUPTING_MESSAGE), run.stderr());
        assert.match(run.stderr(), /^cluster\s+succeeded/m, "the summary table");
        assert.match(run.stderr(), /^images\s+cancelled/m);
        assert.equal(fs.existsSync(lockFile(ws)), false, "the environment lock is released");
        await assertNothingLeft(ws, kids.map((k) => k.pid));
    });

    it("double Ctrl-C: forced exit 8, nothing left", async () => {
        ws = holdingWorkspace("int2");
        const run = startUp(ws);
        const kids = await whenBusy(run, run.child.pid!);
        run.child.kill("SIGINT");
        // Apart by more than signals.ts's SAME_REQUEST_MS, so this is a second request, not a repeat of the first.
        await new Promise((r) => setTimeout(r, 450));
        run.child.kill("SIGINT");
        const { code } = await run.ended;
        assert.equal(code, 8, run.stderr());
        assert.ok(run.stderr().includes(INTERRUPTING_MESSAGE), run.stderr());
        await assertNothingLeft(ws, kids.map((k) => k.pid));
        // The forced exit is what the second Ctrl-C is for; when the graceful stop was quicker, it is not reached.
        if (!run.stderr().includes(FORCED_EXIT_MESSAGE)) assert.match(run.stderr(), /^images\s+cancelled/m);
    });

    it("an uncaught exception in infra: nothing left", async () => {
        ws = holdingWorkspace("throw");
        const inject = path.join(__dirname, "fixtures", "throw-on-sigusr2.js");
        const run = startUp(ws, { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${inject}`.trim() });
        const kids = await whenBusy(run, run.child.pid!);
        run.child.kill("SIGUSR2");
        const { code } = await run.ended;
        assert.equal(code, 1, run.stderr());
        assert.match(run.stderr(), /injected uncaught exception/);
        await assertNothingLeft(ws, kids.map((k) => k.pid));
    });
});
