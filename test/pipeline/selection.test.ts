import { strict as assert } from "assert";
import { InputError } from "../../common/errors";
import { backoffDelay, sleep } from "../../automation/pipeline/backoff";
import { criticalPath } from "../../automation/pipeline/critical-path";
import { planRun } from "../../automation/pipeline/plan";
import { selectLayers } from "../../automation/pipeline/selection";
import { LAYER_NEEDS } from "../../stacks/graph";

describe("layer selection", () => {
    it("selects every layer in dependency order when none is named", () => {
        assert.deepEqual(selectLayers({}), ["cluster", "images", "monitoring", "mesh", "apps"]);
        assert.deepEqual(selectLayers({ layer: [] }), ["cluster", "images", "monitoring", "mesh", "apps"]);
    });

    it("selects only the named layers, in dependency order, accepting comma lists", () => {
        assert.deepEqual(selectLayers({ layer: ["apps", "cluster"] }), ["cluster", "apps"]);
        assert.deepEqual(selectLayers({ layer: ["mesh,images"] }), ["images", "mesh"]);
    });

    it("adds everything a layer needs with withDeps", () => {
        assert.deepEqual(selectLayers({ layer: ["mesh"], withDeps: true }), ["cluster", "monitoring", "mesh"]);
        assert.deepEqual(selectLayers({ layer: ["apps"], withDeps: true }), ["cluster", "images", "monitoring", "mesh", "apps"]);
    });

    it("adds everything that needs a layer with withDependents", () => {
        assert.deepEqual(selectLayers({ layer: ["monitoring"], withDependents: true }), ["monitoring", "mesh", "apps"]);
        assert.deepEqual(selectLayers({ layer: ["images"], withDependents: true }), ["images", "apps"]);
        assert.deepEqual(selectLayers({ layer: ["monitoring"], withDeps: true, withDependents: true }), ["cluster", "monitoring", "mesh", "apps"]);
    });

    it("rejects an unknown layer, naming it and the valid ones", () => {
        assert.throws(
            () => selectLayers({ layer: ["cluster", "mseh"] }),
            (e: Error) => e instanceof InputError && e.message === 'unknown layer "mseh"; valid layers: cluster, images, monitoring, mesh, apps',
        );
    });

    it("works on a graph passed in", () => {
        const needs = { db: [], api: ["db"], web: ["api"] };
        assert.deepEqual(selectLayers({ layer: ["web"], withDeps: true }, needs), ["db", "api", "web"]);
        assert.throws(() => selectLayers({ layer: ["cluster"] }, needs), /valid layers: db, api, web/);
    });
});

describe("run plan", () => {
    it("makes a forward layer wait for its selected ancestors and read unselected ancestors from the engine", () => {
        const plan = planRun(["mesh", "apps"], "up", LAYER_NEEDS);
        assert.deepEqual(plan.waitsFor.apps, ["mesh"]);
        assert.deepEqual(plan.waitsFor.mesh, []);
        assert.deepEqual(plan.upstream.apps, [
            { layer: "cluster", from: "outputs" },
            { layer: "images", from: "outputs" },
            { layer: "monitoring", from: "outputs" },
            { layer: "mesh", from: "run" },
        ]);
    });

    it("makes a destroyed layer wait for every selected layer that needs it", () => {
        const plan = planRun(["cluster", "monitoring", "apps"], "destroy", LAYER_NEEDS);
        assert.deepEqual(plan.order, ["apps", "mesh", "monitoring", "images", "cluster"]);
        assert.deepEqual(plan.waitsFor.cluster, ["apps", "monitoring"]);
        assert.deepEqual(plan.waitsFor.monitoring, ["apps"]);
        assert.deepEqual(plan.upstream.apps, []);
    });
});

describe("retry backoff", () => {
    it("doubles per failed attempt, caps at maxDelayMs and jitters into [50%, 100%)", () => {
        const policy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 5000 };
        assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999999)), [1000, 2000, 4000, 5000]);
        assert.equal(backoffDelay(3, policy, () => 0), 2000);
    });

    it("sleep wakes at once when the signal aborts", async () => {
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 20);
        await sleep(60_000, controller.signal);
        assert.ok(Date.now() - started < 5000);
    });
});

describe("critical path", () => {
    it("is the longest chain of durations through the layer graph", () => {
        const cp = criticalPath({ cluster: 400, images: 300, monitoring: 250, mesh: 200, apps: 150 });
        assert.deepEqual(cp, { layers: ["cluster", "monitoring", "mesh", "apps"], ms: 1000 });
        const imagesHeavy = criticalPath({ cluster: 100, images: 900, monitoring: 100, mesh: 100, apps: 50 });
        assert.deepEqual(imagesHeavy, { layers: ["images", "apps"], ms: 950 });
    });

    it("names a layer without a duration", () => {
        assert.throws(() => criticalPath({ cluster: 1 }), /no duration for layer "images"/);
    });
});
