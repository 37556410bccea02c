import { strict as assert } from "assert";
import { InputError } from "../../common/errors";
import { promote, rollback } from "../../automation/orchestrator/release";
import { listReleases } from "../../automation/release/history";
import { readPins } from "../../automation/release/pins";
import { planPromotion, validatePromotionRequest } from "../../automation/release/promote";
import { planRollback } from "../../automation/release/rollback";
import { lastRun, recordRun, resumeSelection } from "../../automation/state/runs";
import { ref, sandbox, ScriptedEngine, sessionOf, summaryOf, type Sandbox } from "./support";

const CLEAN = { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "succeeded", apps: "succeeded" } as const;

describe("promotion and rollback", () => {
    let sb: Sandbox;
    let engine: ScriptedEngine;
    beforeEach(() => {
        sb = sandbox();
        engine = new ScriptedEngine();
        engine.builds.dev = ref("dev", "v1");
    });
    afterEach(() => sb.cleanup());

    const opts = () => ({ stateDir: sb.projectDir, engine, dir: sb.envDir });
    const session = (env: string) => sessionOf(engine, env, sb.projectDir);

    it("validates its arguments without an engine", () => {
        assert.throws(() => validatePromotionRequest({ from: "dev", to: "dev" }), /both "dev"/);
        assert.throws(() => validatePromotionRequest({ from: "dev", to: "prod", force: true }), /--force needs --reason/);
        assert.throws(() => validatePromotionRequest({ from: "dev", to: "prod", reason: "x" }), /only used with --force/);
    });

    it("promotes dev -> staging -> prod by digest, applying only the changed layers, and rolls back", async () => {
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
        const first = await promote(session("staging"), { from: "dev", to: "staging" }, opts());
        assert.equal(first.status, "applied");
        assert.deepEqual(readPins("staging").images, { app: ref("dev", "v1") });
        assert.equal(readPins("staging").charts.kubePrometheusStack, "65.1.1");
        assert.deepEqual((await engine.outputs("staging", "images")).images.value, { app: ref("dev", "v1") }, "staging's images layer exports dev's digest");
        assert.deepEqual(engine.ran.filter((r) => r.startsWith("staging")), ["staging-cluster", "staging-images", "staging-monitoring", "staging-mesh", "staging-apps"], "first release: nothing known, every layer runs");

        // staging's release run was recorded, so staging can be promoted on.
        await promote(session("prod"), { from: "staging", to: "prod" }, opts());
        assert.deepEqual((await engine.outputs("prod", "images")).images.value, { app: ref("dev", "v1") }, "prod runs the digest dev built");

        // A new dev build: only images and apps of staging run again.
        engine.builds.dev = ref("dev", "v2");
        engine.ran.length = 0;
        const second = await promote(session("staging"), { from: "dev", to: "staging" }, opts());
        assert.deepEqual(engine.ran, ["staging-images", "staging-apps"]);
        assert.deepEqual(second.unchanged, ["cluster", "monitoring", "mesh"]);
        assert.equal(lastRun(sb.projectDir, "staging")!.outcomes.find((o) => o.layer === "mesh")!.status, "unchanged");

        // Rollback restores the previous pins and touches no cluster or mesh layer.
        engine.ran.length = 0;
        const back = await rollback(session("staging"), { env: "staging" }, opts());
        assert.equal(back.status, "applied");
        assert.deepEqual(readPins("staging").images, { app: ref("dev", "v1") });
        assert.deepEqual(engine.ran, ["staging-images", "staging-apps"]);
        const history = listReleases("staging");
        assert.deepEqual(history.map((r) => [r.kind, r.status]), [["promote", "applied"], ["promote", "applied"], ["rollback", "applied"]]);
        assert.equal(history[2].undoes, history[1].id);
        assert.deepEqual(history[1].changed, [{ kind: "image", name: "app", from: ref("dev", "v1"), to: ref("dev", "v2") }]);
        assert.equal(readPins("staging").id, history[2].id, "the file names the release it runs");
        assert.ok(history.every((r) => r.by.length > 0), "every release names who made it");
        assert.deepEqual(history.slice(0, 2).map((r) => r.from), ["dev", "dev"]);
    });

    it("a write-only promotion writes pins and history and runs nothing", async () => {
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
        const r = await promote(session("staging"), { from: "dev", to: "staging" }, { ...opts(), writeOnly: true });
        assert.equal(r.status, "written");
        assert.deepEqual(engine.ran, []);
        assert.deepEqual(listReleases("staging").map((x) => x.status), ["written"]);
    });

    it("refuses to skip a promotion step unless forced with a reason, and records the override", async () => {
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
        await assert.rejects(planPromotion({ ...opts(), from: "dev", to: "prod" }), (e: unknown) => e instanceof InputError && /prod is promoted from staging, not dev/.test((e as Error).message));
        assert.deepEqual(readPins("prod").images, {}, "nothing written");
        const r = await promote(session("prod"), { from: "dev", to: "prod", force: true, reason: "hotfix INC-42" }, { ...opts(), writeOnly: true });
        const rec = listReleases("prod")[0];
        assert.equal(r.plan.kind, "forced-promote");
        assert.equal(rec.kind, "forced-promote");
        assert.match(rec.forced!, /^hotfix INC-42 \(overrode: prod is promoted from staging, not dev\)$/);
    });

    it("refuses to promote from a source whose last run failed, had mandatory violations, or is unknown", async () => {
        await assert.rejects(planPromotion({ ...opts(), from: "dev", to: "staging" }), /dev has no recorded up or check/);
        recordRun(sb.projectDir, summaryOf("dev", { ...CLEAN, mesh: "failed", apps: "skipped" }));
        await assert.rejects(planPromotion({ ...opts(), from: "dev", to: "staging" }), /refused: dev: its last up .* did not finish: mesh failed, apps skipped/);
        const violated = summaryOf("dev", CLEAN);
        violated.outcomes[4].result = { policy: [{ enforcement: "mandatory" }] } as any;
        recordRun(sb.projectDir, violated);
        await assert.rejects(planPromotion({ ...opts(), from: "dev", to: "staging" }), /1 mandatory policy violation/);
        const forced = await planPromotion({ ...opts(), from: "dev", to: "staging", force: true, reason: "accepted risk" });
        assert.equal(forced.kind, "forced-promote");
    });

    it("a failed layer marks the release failed and resume selects only the unfinished layers", async () => {
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
        engine.failing.add("staging-mesh");
        const r = await promote(session("staging"), { from: "dev", to: "staging" }, opts());
        assert.equal(r.status, "failed");
        assert.match(listReleases("staging")[0].error!, /mesh failed: mesh exploded; apps skipped/);
        assert.deepEqual(resumeSelection(lastRun(sb.projectDir, "staging")), ["mesh", "apps"]);
        // The pins were written: a rollback of a failed promotion has nothing before it here.
        assert.throws(() => planRollback({ env: "staging" }), /nothing to roll back to: before release .* staging ran no pinned release/);
    });

    it("refuses a rollback when there is nothing to roll back to, or the release is unknown", async () => {
        assert.throws(() => planRollback({ env: "prod" }), (e: unknown) => e instanceof InputError && /nothing to roll back to: prod's current pins were not written by any recorded release/.test((e as Error).message));
        assert.throws(() => planRollback({ env: "prod", to: "r-nope" }), /unknown release "r-nope" for prod; recent: none recorded/);
    });

    it("rolls back to a named release", async () => {
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
        const a = await promote(session("staging"), { from: "dev", to: "staging" }, { ...opts(), writeOnly: true });
        engine.builds.dev = ref("dev", "v2");
        await promote(session("staging"), { from: "dev", to: "staging" }, { ...opts(), writeOnly: true });
        engine.builds.dev = ref("dev", "v3");
        await promote(session("staging"), { from: "dev", to: "staging" }, { ...opts(), writeOnly: true });
        const plan = planRollback({ env: "staging", to: a.id });
        assert.deepEqual(plan.pins.images, { app: ref("dev", "v1") });
        assert.deepEqual(plan.previous.images, { app: ref("dev", "v3") });
        assert.throws(() => planRollback({ env: "staging", to: listReleases("staging")[2].id }), /already runs the pins/);
    });
});
