/**
 * Run records kept with the state: an `up` marks each layer it ran in the engine's store (the
 * Pulumi engine's stack tag `infra:last-run`), and the promotion gate of a machine whose own
 * run-state folder knows nothing reads those marks, taking the newer of the two records.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RunMark, RunMarkStore } from "../../automation/engine";
import { formatRunMark, parseRunMark } from "../../automation/engines/stack-tags";
import { runLayers } from "../../automation/orchestrator/run";
import { planPromotion } from "../../automation/release/promote";
import { markedRun, markRun, newerRun, recordRun, type RunRecord } from "../../automation/state/runs";
import { LAYERS, type Layer } from "../../stacks/graph";
import { sandbox, ScriptedEngine, sessionOf, summaryOf, type Sandbox } from "./support";

/** A store in memory, as the Pulumi engine's tags are to the gate: shared by every "machine". */
class MemoryMarks implements RunMarkStore {
    readonly marks = new Map<string, RunMark>();
    async read(env: string, layer: Layer) { return this.marks.get(`${env}-${layer}`); }
    async write(env: string, layer: Layer, mark: RunMark) { this.marks.set(`${env}-${layer}`, mark); }
}

class MarkingEngine extends ScriptedEngine {
    readonly runMarks = new MemoryMarks();
}

const CLEAN = { cluster: "succeeded", images: "succeeded", monitoring: "unchanged", mesh: "succeeded", apps: "succeeded" } as const;
const record = (at: string, id = "r1"): RunRecord => ({ id, at, env: "dev", operation: "up", engine: "pulumi", outcomes: [], policyMandatory: 0, interrupted: false });

describe("run records kept with the state", () => {
    let sb: Sandbox;
    let engine: MarkingEngine;
    const freshMachine = () => fs.mkdtempSync(path.join(os.tmpdir(), "infra-other-runner-"));
    beforeEach(() => {
        sb = sandbox();
        engine = new MarkingEngine();
    });
    afterEach(() => sb.cleanup());

    it("markRun marks the layers a run ran, with their mandatory violations; markedRun reads them back", async () => {
        const s = summaryOf("dev", { images: "succeeded", apps: "failed" });
        s.outcomes[4].result = { policy: [{ enforcement: "mandatory" }, { enforcement: "advisory" }] } as any;
        await markRun(engine.runMarks, record("2026-12-03T10:00:00.000Z"), s);
        assert.deepEqual([...engine.runMarks.marks.keys()].sort(), ["dev-apps", "dev-images"], "not-selected layers keep their older mark");
        assert.deepEqual(engine.runMarks.marks.get("dev-apps"), { id: "r1", at: "2026-12-03T10:00:00.000Z", operation: "up", status: "failed", mandatory: 1 });
        const run = await markedRun(engine.runMarks, "dev", "pulumi");
        assert.deepEqual(run!.outcomes.map((o) => [o.layer, o.status]), [["cluster", "not-selected"], ["images", "succeeded"], ["monitoring", "not-selected"], ["mesh", "not-selected"], ["apps", "failed"]]);
        assert.equal(run!.policyMandatory, 1);
        assert.equal(await markedRun(new MemoryMarks(), "dev", "pulumi"), undefined, "no marks, no record");
    });

    it("a layer that cannot be marked is reported, except one that never ran; the others are still marked", async () => {
        const store = new MemoryMarks();
        const failing: RunMarkStore = {
            read: (env, layer) => store.read(env, layer),
            write: async (env, layer, mark) => { if (layer === "images" || layer === "apps") throw new Error(`no stack dev-${layer}\ndetail`); await store.write(env, layer, mark); },
        };
        const unmarked = await markRun(failing, record("2026-12-03T10:00:00.000Z"), summaryOf("dev", { cluster: "succeeded", images: "failed", mesh: "succeeded", apps: "skipped" }));
        assert.deepEqual(unmarked, ["images (no stack dev-images)"]);
        assert.deepEqual([...store.marks.keys()].sort(), ["dev-cluster", "dev-mesh"]);
    });

    it("an up through runLayers keeps its marks with the state; a preview does not", async () => {
        const session = sessionOf(engine, "dev", freshMachine());
        await runLayers(session, { operation: "preview", selected: [...LAYERS] });
        assert.equal(engine.runMarks.marks.size, 0);
        await runLayers(session, { operation: "up", selected: [...LAYERS] });
        assert.deepEqual([...engine.runMarks.marks.values()].map((m) => [m.operation, m.status]), LAYERS.map(() => ["up", "succeeded"]));
    });

    it("a machine with no run records of its own promotes from what the marks say, and refuses what they refuse", async () => {
        await assert.rejects(planPromotion({ stateDir: freshMachine(), engine, dir: sb.envDir, from: "dev", to: "staging" }), /dev has no recorded up or check/);
        // dev was applied on another machine (its run records there, its marks with the state).
        await runLayers(sessionOf(engine, "dev", freshMachine()), { operation: "up", selected: [...LAYERS] });
        const plan = await planPromotion({ stateDir: freshMachine(), engine, dir: sb.envDir, from: "dev", to: "staging" });
        assert.equal(plan.kind, "promote");
        engine.failing.add("dev-mesh");
        await runLayers(sessionOf(engine, "dev", freshMachine()), { operation: "up", selected: [...LAYERS] });
        await assert.rejects(planPromotion({ stateDir: freshMachine(), engine, dir: sb.envDir, from: "dev", to: "staging" }), /refused: dev: its last up .* did not finish: mesh failed, apps skipped/);
    });

    it("the newer of this machine's record and the marks decides", async () => {
        const here = freshMachine();
        await markRun(engine.runMarks, record("2026-12-03T10:00:00.000Z"), summaryOf("dev", { ...CLEAN, mesh: "failed" }));
        recordRun(here, summaryOf("dev", CLEAN));   // now: newer than the failed mark
        assert.equal((await planPromotion({ stateDir: here, engine, dir: sb.envDir, from: "dev", to: "staging" })).kind, "promote");
        await markRun(engine.runMarks, record("2999-01-01T00:00:00.000Z", "later"), summaryOf("dev", { mesh: "failed" }));
        await assert.rejects(planPromotion({ stateDir: here, engine, dir: sb.envDir, from: "dev", to: "staging" }), /did not finish: mesh failed/);
        assert.equal(newerRun(record("2026-01-01T00:00:00.000Z", "a"), record("2026-01-02T00:00:00.000Z", "b"))!.id, "b");
        assert.equal(newerRun(undefined, record("2026-01-02T00:00:00.000Z", "b"))!.id, "b");
        assert.equal(newerRun(undefined, undefined), undefined);
    });

    it("the Pulumi engine's tag value round-trips and a foreign value is no mark", () => {
        const mark: RunMark = { id: "20261203100000-42", at: "2026-12-03T10:00:00.000Z", operation: "up", status: "succeeded", mandatory: 2 };
        assert.equal(formatRunMark(mark), "up succeeded 2 2026-12-03T10:00:00.000Z 20261203100000-42");
        assert.deepEqual(parseRunMark(formatRunMark(mark)), mark);
        assert.deepEqual(parseRunMark(formatRunMark({ ...mark, id: "" })), { ...mark, id: "" });
        for (const bad of [undefined, "", "up succeeded", "oops succeeded 0 2026-12-03T10:00:00.000Z x", "up succeeded many 2026-12-03T10:00:00.000Z x", "up succeeded 0 never x", "up succeeded 0 2026-12-03T10:00:00.000Z x extra"]) {
            assert.equal(parseRunMark(bad), undefined, String(bad));
        }
    });
});
