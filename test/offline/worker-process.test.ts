/**
 * The first layer worker, started by bin/infra.js before the CLI loads (automation/offline/worker-process.js):
 * which command lines get one, and that the engine's pool takes it only where it belongs.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { plansOffline, prestartWorker, takePrestarted } from "../../automation/offline/worker-process";
import { LayerWorkers } from "../../automation/offline/workers";

const ROOT = path.resolve(__dirname, "..", "..");

describe("prestarted layer worker", () => {
    it("starts one for a check that plans offline, and for nothing else", () => {
        const yes = [["check", "--env", "dev"], ["--json", "check", "--env", "dev"], ["check", "--all"], ["check", "--env", "dev", "--engine", "offline"], ["check", "--env=dev", "--engine=offline"]];
        const no = [["up", "--env", "dev"], ["preview", "--env", "dev"], ["check", "--env", "dev", "--engine", "pulumi"], ["check", "--engine=pulumi", "--env", "dev"], ["check", "--help"], ["check", "-h"], ["--version"], [], ["dr", "drill", "--env", "dev"], ["check", "--engine"]];
        for (const args of yes) assert.equal(plansOffline(args), true, args.join(" "));
        for (const args of no) assert.equal(plansOffline(args), false, args.join(" "));
    });

    it("is taken once, by a pool in the same project folder; a pool elsewhere gets none and the worker is killed", async () => {
        const first = prestartWorker(["check", "--env", "dev"], ROOT);
        assert.ok(first?.pid);
        assert.equal(prestartWorker(["check", "--env", "dev"], ROOT), undefined, "one at a time");
        const killed = new Promise<NodeJS.Signals | null>((resolve) => first.once("exit", (_code, signal) => resolve(signal)));
        assert.equal(takePrestarted("/nonexistent/project"), undefined);
        assert.equal(await killed, "SIGKILL", "the mismatched take killed it");
        assert.equal(takePrestarted(ROOT), undefined, "and it is gone");

        const second = prestartWorker(["check", "--env", "dev"], ROOT)!;
        assert.equal(takePrestarted(ROOT), second, "the pool gets the running worker");
        assert.equal(takePrestarted(ROOT), undefined, "only once");
        const exited = new Promise((resolve) => second.once("exit", resolve));
        second.kill("SIGKILL");
        await exited;
    });

    it("the engine's worker pool runs its first layer on the prestarted worker and stops it when closed", async () => {
        const child = prestartWorker(["check", "--env", "dev"], ROOT)!;
        const pool = new LayerWorkers(1, ROOT);
        assert.equal(takePrestarted(ROOT), undefined, "the pool took it");
        await pool.close();
        // Had the pool forked its own, the prestarted worker would still be running here.
        assert.ok(child.exitCode !== null || child.signalCode !== null, "the prestarted worker was the pool's and ended with it");
    });
});

describe("prestarted layer worker, through the CLI", () => {
    /** Live layer workers whose parent was `cliPid` (their starting environment names it). */
    function workersOf(cliPid: number): number[] {
        const out: number[] = [];
        for (const entry of fs.readdirSync("/proc")) {
            if (!/^\d+$/.test(entry)) continue;
            try {
                const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
                if (!cmd.includes("runner.ts")) continue;
                if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`INFRA_EXIT_WITH_PARENT=${cliPid}`)) out.push(Number(entry));
            } catch {
                // Gone while we looked.
            }
        }
        return out;
    }

    it("a check refused for bad input leaves no worker behind, even one still loading the SDK", function () {
        if (process.platform !== "linux") this.skip();
        const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "infra.js"), "check", "--env", "no-such-env"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 2, run.stderr);
        assert.match(run.stderr, /unknown environment "no-such-env"/);
        assert.deepEqual(workersOf(run.pid!), [], "a prestarted worker outlived the CLI");
    });
});
