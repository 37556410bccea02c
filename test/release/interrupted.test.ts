import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { listEnvironments, loadEnvironment } from "../../environments/load";
import { listReleases } from "../../automation/release/history";
import { readPins } from "../../automation/release/pins";
import { planPromotion } from "../../automation/release/promote";
import { writeRelease } from "../../automation/release/write";
import { planRollback } from "../../automation/release/rollback";
import { recordRun } from "../../automation/state/runs";
import { renderReleases } from "../../automation/release/report";
import { ref, REPO, sandbox, ScriptedEngine, summaryOf, type Sandbox } from "./support";

/** Starts a promotion to `digest` in a child that pauses at `point`; SIGKILLs it there. */
function killPromotionAt(sb: Sandbox, point: string, digest: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "fixtures", "promote-child.ts")], {
            cwd: REPO,
            env: { ...process.env, INFRA_ENVIRONMENTS_DIR: sb.envDir, INFRA_PAUSE_AT: point, PROMOTE_DIGEST: digest, PROMOTE_PROJECT_DIR: sb.projectDir },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        child.stderr.on("data", (d) => {
            err += d;
            if (err.includes(`paused at ${point}`)) child.kill("SIGKILL");
        });
        child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(err) : reject(new Error(`child ended ${code ?? signal} without pausing: ${err}`))));
    });
}

describe("an interrupted promotion", function () {
    this.timeout(60_000);
    let sb: Sandbox;
    const v1 = ref("dev", "v1");
    const v2 = ref("dev", "v2");

    beforeEach(async () => {
        sb = sandbox();
        recordRun(sb.projectDir, summaryOf("dev", { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "succeeded", apps: "succeeded" }));
        const engine = new ScriptedEngine();
        engine.builds.dev = v1;
        writeRelease(await planPromotion({ stateDir: sb.projectDir, from: "dev", to: "staging", engine }));
    });
    afterEach(() => sb.cleanup());

    for (const point of ["after-pending-record", "after-temp-file"]) {
        it(`killed ${point} leaves the old pins exactly and shows as interrupted`, async () => {
            const before = fs.readFileSync(path.join(sb.envDir, "staging.yaml"), "utf8");
            await killPromotionAt(sb, point, v2);
            assert.equal(fs.readFileSync(path.join(sb.envDir, "staging.yaml"), "utf8"), before, "the environment file is untouched");
            assert.deepEqual(loadEnvironment("staging", sb.envDir).release?.images, { app: v1 }, "schema-valid, old pins");
            assert.deepEqual(listEnvironments(sb.envDir), ["dev", "local", "prod", "staging"], "a leftover temp file is not an environment");
            const releases = listReleases("staging");
            assert.deepEqual(releases.map((r) => r.status), ["written", "interrupted"]);
            assert.deepEqual(releases[1].pins.images, { app: v2 });
            assert.match(renderReleases("staging", releases).split("\n")[1], /promote\s+dev\s+interrupted\s+app sha256:[0-9a-f]{12} -> sha256:[0-9a-f]{12}$/);
        });
    }

    it("killed after the pins landed leaves the new pins exactly; the attempt shows as interrupted and can be rolled back", async () => {
        await killPromotionAt(sb, "after-pins-written", v2);
        assert.deepEqual(readPins("staging", sb.envDir).images, { app: v2 });
        const releases = listReleases("staging");
        assert.deepEqual(releases.map((r) => r.status), ["written", "interrupted"]);
        assert.equal(readPins("staging", sb.envDir).id, releases[1].id);
        assert.deepEqual(planRollback({ env: "staging" }).pins.images, { app: v1 });
    });
});
