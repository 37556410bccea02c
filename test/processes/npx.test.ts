/**
 * `npx infra` as users run it: a SIGINT sent to npx alone (not to the process group, as a CI
 * runner or `kill` does) reaches infra, and npx exits with infra's own code. npm forwards SIGINT
 * to its child; with Debian's sh in between (npm runs bins through `<script-shell> -c`), sh held
 * the signal until infra finished, then died of it, so a run that succeeded was reported as
 * interrupted. The project's .npmrc makes npm use bash, which hands its place to infra.
 */
import { strict as assert } from "assert";
import { leftovers, npxWorkspace, processesUnder, reap, removeWorkspace, startNpxUp, type Started, type Workspace } from "./support";

async function when(run: Started, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(run.stdout())) {
        if (Date.now() > deadline) throw new Error(`never saw ${pattern}; stderr:\n${run.stderr().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

/** The exit of `run`, or a failure naming what it was doing when it did not end within `ms`. */
async function endedWithin(run: Started, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`npx did not exit within ${ms} ms of the SIGINT; stderr:\n${run.stderr().slice(-2000)}`)), ms); });
    try {
        return await Promise.race([run.ended, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

describe("SIGINT to npx alone", function () {
    this.timeout(240_000);
    let ws: Workspace | undefined;
    afterEach(() => {
        if (ws) reap(processesUnder(ws.dir));
        removeWorkspace(ws);
        ws = undefined;
    });

    it("after the last layer succeeded: npx exits 0, the run's own result", async () => {
        ws = npxWorkspace("npx-ok");
        const run = startNpxUp(ws);
        await when(run, /"layer":"apps","status":"succeeded"/);
        run.child.kill("SIGINT");
        const ended = await endedWithin(run, 60_000);
        assert.deepEqual(ended, { code: 0, signal: null }, run.stderr());
        assert.match(run.stderr(), /^apps\s+succeeded/m);
    });

    it("during the run: infra stops gracefully, prints its summary, and npx exits 8 with nothing left", async () => {
        ws = npxWorkspace("npx-int", "images");
        const run = startNpxUp(ws);
        await when(run, /"layer":"cluster","status":"succeeded"/);
        run.child.kill("SIGINT");
        const ended = await endedWithin(run, 60_000);
        assert.deepEqual(ended, { code: 8, signal: null }, run.stderr());
        assert.match(run.stderr(), /^images\s+cancelled/m, "infra got the signal and stopped the held layer");
        const left = await leftovers(ws.dir, [], 15_000);
        assert.deepEqual(left, []);
    });
});
