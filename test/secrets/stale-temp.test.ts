/**
 * A pin writer killed between writing its temporary file and the rename leaves
 * `.<env>.yaml.<pid>.tmp` in environments/; the next run removes it (its writer is dead)
 * and leaves a live writer's temporary file alone.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readPins, writePins } from "../../automation/release/pins";
import { planPromotion } from "../../automation/release/promote";
import { writeRelease } from "../../automation/release/write";
import { recordRun } from "../../automation/state/runs";
import { ref, REPO, sandbox, ScriptedEngine, summaryOf, type Sandbox } from "../release/support";

/** Starts a promotion dev -> staging in a child that pauses with its temporary file written; SIGKILLs it there. */
function killPinWriter(sb: Sandbox, digest: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(REPO, "test", "release", "fixtures", "promote-child.ts")], {
            cwd: REPO,
            env: { ...process.env, INFRA_ENVIRONMENTS_DIR: sb.envDir, INFRA_PAUSE_AT: "after-temp-file", PROMOTE_DIGEST: digest, PROMOTE_PROJECT_DIR: sb.projectDir },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        child.stderr.on("data", (d) => {
            err += d;
            if (err.includes("paused at after-temp-file")) child.kill("SIGKILL");
        });
        child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(child.pid!) : reject(new Error(`child ended ${code ?? signal} without pausing: ${err}`))));
    });
}

const temps = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")).sort();

describe("temporary files of a killed pin writer", function () {
    this.timeout(60_000);
    let sb: Sandbox;
    beforeEach(async () => {
        sb = sandbox();
        recordRun(sb.projectDir, summaryOf("dev", { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "succeeded", apps: "succeeded" }));
    });
    afterEach(() => sb.cleanup());

    it("are removed by the next run that reads or writes pins; a live writer's are kept", async () => {
        const pid = await killPinWriter(sb, ref("dev", "v2"));
        assert.deepEqual(temps(sb.envDir), [`.staging.yaml.${pid}.tmp`], "the kill left the writer's temporary file");
        // A writer still running (this test's parent process stands in for it) keeps its file.
        const live = `.prod.yaml.${process.ppid}.tmp`;
        fs.writeFileSync(path.join(sb.envDir, live), "half");
        readPins("staging", sb.envDir);
        assert.deepEqual(temps(sb.envDir), [live], "the dead writer's file is gone, the live one's kept");

        const second = await killPinWriter(sb, ref("dev", "v3"));
        assert.deepEqual(temps(sb.envDir), [`.staging.yaml.${second}.tmp`, live].sort());
        writePins("dev", { images: {}, charts: {} }, undefined, sb.envDir);
        assert.deepEqual(temps(sb.envDir), [live], "a pin write clears them too");
    });

    it("a promotion after the kill leaves no temporary file at all", async () => {
        await killPinWriter(sb, ref("dev", "v2"));
        const engine = new ScriptedEngine();
        engine.builds.dev = ref("dev", "v4");
        writeRelease(await planPromotion({ stateDir: sb.projectDir, from: "dev", to: "staging", engine }));
        assert.deepEqual(temps(sb.envDir), []);
        assert.deepEqual(readPins("staging", sb.envDir).images, { app: ref("dev", "v4") });
    });
});
