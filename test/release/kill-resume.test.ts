/**
 * A promotion killed (SIGKILL) at every step of its life, then finished by a rerun: of the same
 * promotion, of `up --resume`, or undone by `rollback`. After the rerun, every layer of the target
 * runs exactly the promoted pins: the images layer exports the promoted digest and a plain `up`
 * finds every layer unchanged (each layer's last apply used the pins now in its file).
 * The CLI runs as a user runs it, with the offline engine, in a temporary workspace.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BIN, PROJECT_DIR, runCli, type CliResult } from "../cli/run-cli";
import type { FaultPoint } from "../../automation/state/fault-points";
import { copyEnvironments, ENVIRONMENTS } from "../support/environments";

interface Sandbox { envDir: string; stateDir: string; env: NodeJS.ProcessEnv }

function sandbox(): Sandbox {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-kill-"));
    const envDir = copyEnvironments(path.join(root, "environments"));
    const stateDir = path.join(root, "state");
    return { envDir, stateDir, env: { INFRA_ENVIRONMENTS_DIR: envDir, INFRA_STATE_DIR: stateDir } };
}

/** Staging as it was before any promotion: its file, history, state, fingerprints and run records. */
function resetStaging(sb: Sandbox): void {
    fs.copyFileSync(path.join(ENVIRONMENTS, "staging.yaml"), path.join(sb.envDir, "staging.yaml"));
    fs.rmSync(path.join(sb.envDir, "history", "staging.jsonl"), { force: true });
    for (const dir of ["offline", "fingerprints"]) {
        const full = path.join(sb.stateDir, dir);
        if (fs.existsSync(full)) for (const f of fs.readdirSync(full).filter((x) => x.startsWith("staging-"))) fs.rmSync(path.join(full, f));
    }
    fs.rmSync(path.join(sb.stateDir, "runs", "staging.jsonl"), { force: true });
}

/** Runs infra in the sandbox; commands that run layers or read outputs use the offline engine. */
const cli = (sb: Sandbox, args: string[]): Promise<CliResult> =>
    runCli([...args, ...(args[0] === "releases" ? [] : ["--engine", "offline"])], { env: sb.env, timeoutMs: 120_000 });

/** The layers of a one-environment `--json` run summary. */
const layersOf = (stdout: string): Array<{ layer: string; status: string }> => JSON.parse(stdout).layers;

/** Starts `infra promote --from dev --to staging`, waits until it pauses at `point`, and SIGKILLs it there. */
function killPromotionAt(sb: Sandbox, point: FaultPoint): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, "promote", "--from", "dev", "--to", "staging", "--engine", "offline"], {
            cwd: PROJECT_DIR, env: { ...process.env, ...sb.env, INFRA_PAUSE_AT: point, FORCE_COLOR: "0" }, stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
        child.stderr.on("data", (d) => {
            err += d;
            if (err.includes(`paused at ${point}`)) child.kill("SIGKILL");
        });
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            if (signal === "SIGKILL" && err.includes(`paused at ${point}`)) resolve(err);
            else reject(new Error(`promotion ended ${code ?? signal} without pausing at ${point}: ${err}`));
        });
    });
}

async function devDigest(sb: Sandbox): Promise<string> {
    const r = await cli(sb, ["outputs", "--env", "dev", "--layer", "images", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).outputs.images.images.app;
}

/** Every layer of staging runs the promoted pins: the digest is exported and nothing is left to apply. */
async function assertStagingRuns(sb: Sandbox, digest: string): Promise<void> {
    const images = await cli(sb, ["outputs", "--env", "staging", "--layer", "images", "--json"]);
    assert.equal(images.code, 0, images.stderr);
    assert.equal(JSON.parse(images.stdout).outputs.images.images.app, digest, "staging exports the promoted digest");
    const up = await cli(sb, ["up", "--env", "staging", "--json"]);
    assert.equal(up.code, 0, up.stderr);
    const statuses = layersOf(up.stdout).map((l: { layer: string; status: string }) => `${l.layer}:${l.status}`);
    assert.deepEqual(statuses, ["cluster:unchanged", "images:unchanged", "monitoring:unchanged", "mesh:unchanged", "apps:unchanged"], "every layer's last apply used the promoted pins");
}

async function releaseStatuses(sb: Sandbox): Promise<string[]> {
    const r = await cli(sb, ["releases", "--env", "staging", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).map((x: { status: string }) => x.status);
}

describe("a promotion killed at any step is finished by its rerun", function () {
    this.timeout(600_000);
    let sb: Sandbox;
    let digest: string;

    before(async () => {
        sb = sandbox();
        const up = await cli(sb, ["up", "--env", "dev"]);
        assert.equal(up.code, 0, up.stderr);
        digest = await devDigest(sb);
    });
    after(() => fs.rmSync(path.dirname(sb.envDir), { recursive: true, force: true }));
    beforeEach(() => resetStaging(sb));

    it("killed before its pins landed: the rerun writes and applies a new release", async () => {
        await killPromotionAt(sb, "after-pending-record");
        assert.deepEqual(await releaseStatuses(sb), ["interrupted"]);
        const rerun = await cli(sb, ["promote", "--from", "dev", "--to", "staging"]);
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.deepEqual(await releaseStatuses(sb), ["interrupted", "applied"]);
        await assertStagingRuns(sb, digest);
    });

    const afterPins: FaultPoint[] = ["after-pins-written", "after-applying-record", "layer-running:cluster", "layer-running:images", "layer-running:monitoring", "layer-running:mesh", "layer-running:apps"];
    for (const point of afterPins) {
        it(`killed at ${point}: releases shows it interrupted, and the rerun of the promotion continues it`, async () => {
            await killPromotionAt(sb, point);
            assert.deepEqual(await releaseStatuses(sb), ["interrupted"], "the true state, not 'written'");
            const rerun = await cli(sb, ["promote", "--from", "dev", "--to", "staging"]);
            assert.equal(rerun.code, 0, rerun.stderr);
            assert.match(rerun.stdout, /applied \(continued from an unfinished attempt\)/);
            assert.deepEqual(await releaseStatuses(sb), ["applied"], "the same release, now applied");
            await assertStagingRuns(sb, digest);
        });
    }

    it("killed while applying mesh: `up --resume` finishes the layers left and settles the release", async () => {
        await killPromotionAt(sb, "layer-running:mesh");
        const resume = await cli(sb, ["up", "--env", "staging", "--resume", "--json"]);
        assert.equal(resume.code, 0, resume.stderr);
        const ran = layersOf(resume.stdout).filter((l) => l.status !== "not-selected").map((l) => l.layer);
        assert.ok(ran.includes("mesh") && ran.includes("apps") && !ran.includes("cluster"), `resume ran ${ran.join(", ")}`);
        assert.deepEqual(await releaseStatuses(sb), ["applied"]);
        await assertStagingRuns(sb, digest);
    });

    it("killed before applying: `up --resume` applies the written pins to every layer", async () => {
        await killPromotionAt(sb, "after-pins-written");
        const resume = await cli(sb, ["up", "--env", "staging", "--resume"]);
        assert.equal(resume.code, 0, resume.stderr);
        assert.deepEqual(await releaseStatuses(sb), ["applied"]);
        await assertStagingRuns(sb, digest);
    });
});
