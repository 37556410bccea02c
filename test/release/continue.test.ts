/**
 * A rerun continues the release it finds unfinished: a promotion or rollback whose pins landed
 * but whose apply died (its applying record names a process that is gone) is applied as that
 * same release, and a rollback rerun never rolls back its own unfinished rollback.
 */
import { strict as assert } from "assert";
import { promote, rollback } from "../../automation/orchestrator/release";
import { appendRecord, listReleases } from "../../automation/release/history";
import { readPins } from "../../automation/release/pins";
import { planPromotion } from "../../automation/release/promote";
import { planRollback } from "../../automation/release/rollback";
import { writeRelease } from "../../automation/release/write";
import { recordRun, startRun } from "../../automation/state/runs";
import { runLayers } from "../../automation/orchestrator/run";
import { LAYERS } from "../../stacks/graph";
import { ref, sandbox, ScriptedEngine, sessionOf, summaryOf, type Sandbox } from "./support";

const CLEAN = { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "succeeded", apps: "succeeded" } as const;
/** A pid no process has: what an applying record of a killed run names. */
const DEAD_PID = 2 ** 22 + 12345;

describe("continuing an unfinished release", () => {
    let sb: Sandbox;
    let engine: ScriptedEngine;
    const session = (env: string) => sessionOf(engine, env, sb.projectDir);
    /** Writes a release's pins and an applying record of a dead process, as a kill mid-apply leaves them. */
    const diedApplying = (env: string, id: string) => appendRecord({ type: "status", id, env, at: new Date().toISOString(), status: "applying", pid: DEAD_PID, hostname: require("os").hostname() });

    beforeEach(async () => {
        sb = sandbox();
        engine = new ScriptedEngine();
        engine.builds.dev = ref("dev", "v1");
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
        assert.equal((await promote(session("staging"), { from: "dev", to: "staging" })).status, "applied");
        engine.builds.dev = ref("dev", "v2");
    });
    afterEach(() => sb.cleanup());

    it("reads a release whose applying process is gone as interrupted, and a rerun of the promotion applies that same release", async () => {
        const id = writeRelease(await planPromotion({ stateDir: sb.projectDir, from: "dev", to: "staging", engine }));
        diedApplying("staging", id);
        assert.deepEqual(listReleases("staging").map((r) => r.status), ["applied", "interrupted"]);
        engine.ran.length = 0;
        const rerun = await promote(session("staging"), { from: "dev", to: "staging" });
        assert.equal(rerun.id, id, "the same release, not a new one");
        assert.equal(rerun.resumed, true);
        assert.equal(rerun.status, "applied");
        assert.deepEqual(listReleases("staging").map((r) => r.status), ["applied", "applied"]);
        assert.ok(engine.ran.includes("staging-apps"), "the layers were applied");
    });

    it("a rerun of a write-only promotion takes up the written release instead of writing it twice", async () => {
        const again = await promote(session("staging"), { from: "dev", to: "staging" }, { writeOnly: true });
        assert.equal(again.status, "written");
        const third = await promote(session("staging"), { from: "dev", to: "staging" }, { writeOnly: true });
        assert.equal(third.status, "written");
        assert.equal(third.resumed, true, "a written release is taken up, not written twice");
        assert.equal(listReleases("staging").length, 2);
    });

    it("rollback after an interrupted promotion undoes it; a rerun of an interrupted rollback continues the rollback", async () => {
        const id = writeRelease(await planPromotion({ stateDir: sb.projectDir, from: "dev", to: "staging", engine }));
        diedApplying("staging", id);
        const back = writeRelease(planRollback({ env: "staging" }));
        diedApplying("staging", back);
        assert.deepEqual(readPins("staging").images, { app: ref("dev", "v1") }, "the rollback's pins landed");
        const rerun = await rollback(session("staging"), { env: "staging" });
        assert.equal(rerun.id, back, "continues the rollback instead of rolling it back");
        assert.equal(rerun.status, "applied");
        assert.deepEqual(readPins("staging").images, { app: ref("dev", "v1") });
        assert.deepEqual(listReleases("staging").map((r) => `${r.kind}:${r.status}`), ["promote:applied", "promote:interrupted", "rollback:applied"]);
    });

    it("an up killed part-way leaves its unfinished layers to run again, even where their fingerprints still match", async () => {
        // The journal of an up whose process died after cluster finished: no final record.
        const killed = startRun(sb.projectDir, { env: "staging", operation: "up", engine: engine.name, layers: [...LAYERS] });
        killed.layerEnded("cluster", "succeeded");
        engine.ran.length = 0;
        await runLayers(session("staging"), { operation: "up", selected: [...LAYERS], skipUnchanged: true });
        assert.deepEqual(engine.ran.filter((r) => r.startsWith("staging-")).sort(), ["staging-apps", "staging-images", "staging-mesh", "staging-monitoring"], "cluster finished; the rest may be half applied");
        engine.ran.length = 0;
        await runLayers(session("staging"), { operation: "up", selected: [...LAYERS], skipUnchanged: true });
        assert.deepEqual(engine.ran, [], "once a run has finished, change detection is trusted again");
    });
});
