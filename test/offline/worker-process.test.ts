/**
 * The first layer worker, started by bin/infra.js before the CLI loads (automation/offline/worker-process.js):
 * which command lines get one, and that the engine's pool takes it only where it belongs.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { plansOffline, prestartWorker, takePrestarted } from "../../automation/offline/worker-process";

const ROOT = path.resolve(__dirname, "..", "..");

describe("prestarted layer worker", () => {
    it("starts one for a check that plans offline, and for nothing else", () => {
        const yes = [["check", "--env", "dev"], ["--json", "check", "--env", "dev"], ["check", "--all"], ["check", "--env", "dev", "--engine", "offline"], ["check", "--env=dev", "--engine=offline"]];
        const no = [["up", "--env", "dev"], ["preview", "--env", "dev"], ["check", "--env", "dev", "--engine", "pulumi"], ["check", "--engine=pulumi", "--env", "dev"], ["check", "--help"], ["check", "-h"], ["--version"], [], ["dr", "drill", "--env", "dev"], ["check", "--engine"]];
        for (const args of yes) assert.equal(plansOffline(args), true, args.join(" "));
        for (const args of no) assert.equal(plansOffline(args), false, args.join(" "));
    });

    it("is taken once, by a pool in the same project folder; a pool elsewhere gets none and the worker is stopped", async () => {
        assert.equal(prestartWorker(["check", "--env", "dev"], ROOT), true);
        assert.equal(prestartWorker(["check", "--env", "dev"], ROOT), false, "one at a time");
        const elsewhere = takePrestarted("/nonexistent/project");
        assert.equal(elsewhere, undefined);
        assert.equal(takePrestarted(ROOT), undefined, "the mismatched take stopped it");

        assert.equal(prestartWorker(["check", "--env", "dev"], ROOT), true);
        const child = takePrestarted(ROOT);
        assert.ok(child && child.pid, "the pool gets the running worker");
        assert.equal(takePrestarted(ROOT), undefined, "only once");
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
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
