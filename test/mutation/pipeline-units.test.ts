/** Boundaries and exact messages of the pipeline's small modules: backoff, critical path, plan, selection, layer logs. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { DEFAULT_RETRY, backoffDelay, sleep, validateRetry } from "../../automation/pipeline/backoff";
import { criticalPath } from "../../automation/pipeline/critical-path";
import { formatEvent, openLayerLog } from "../../automation/pipeline/layer-log";
import { planRun } from "../../automation/pipeline/plan";
import { selectLayers } from "../../automation/pipeline/selection";
import { LAYER_NEEDS } from "../../stacks/graph";

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Counts of the active libuv resources of one kind (e.g. "Timeout"). */
function active(kind: string): number {
    return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}

/** A signal double that records how sleep() listens to it. */
function recordingSignal(aborted = false) {
    const added: { type: string; once?: boolean; fn: () => void }[] = [];
    const removed: { type: string; fn: () => void }[] = [];
    const signal = {
        aborted,
        addEventListener: (type: string, fn: () => void, opts?: { once?: boolean }) => added.push({ type, fn, once: opts?.once }),
        removeEventListener: (type: string, fn: () => void) => removed.push({ type, fn }),
    };
    return { signal: signal as unknown as AbortSignal, added, removed };
}

describe("mutation: retry backoff", () => {
    it("has a default policy of 3 attempts, 2 s base and a 30 s cap", () => {
        assert.deepEqual(DEFAULT_RETRY, { attempts: 3, baseDelayMs: 2000, maxDelayMs: 30_000 });
    });

    it("uses base * 2^(failed-1), never less than base for failed <= 1, scaled by 0.5 + random/2 and rounded", () => {
        const policy = { attempts: 9, baseDelayMs: 1000, maxDelayMs: 1_000_000 };
        assert.equal(backoffDelay(1, policy, () => 0.5), 750);
        assert.equal(backoffDelay(2, policy, () => 0.5), 1500);
        assert.equal(backoffDelay(3, policy, () => 0), 2000);
        assert.equal(backoffDelay(0, policy, () => 0), 500, "failed 0 is treated like failed 1");
        assert.equal(backoffDelay(-3, policy, () => 0), 500);
        assert.equal(backoffDelay(1, { attempts: 2, baseDelayMs: 1001 }, () => 0.5), 751, "rounded to the nearest ms");
        assert.equal(backoffDelay(1, { attempts: 2, baseDelayMs: 1001 }, () => 0), 501);
    });

    it("caps at maxDelayMs, or 30 s when the policy has none", () => {
        assert.equal(backoffDelay(10, { attempts: 20, baseDelayMs: 1000 }, () => 0), 15_000);
        assert.equal(backoffDelay(10, { attempts: 20, baseDelayMs: 1000, maxDelayMs: 4000 }, () => 0), 2000);
        assert.equal(backoffDelay(3, { attempts: 20, baseDelayMs: 1000, maxDelayMs: 4000 }, () => 0.5), 3000, "exactly the cap");
        assert.equal(backoffDelay(2, { attempts: 20, baseDelayMs: 1000, maxDelayMs: 0 }, () => 0.9), 0);
    });

    it("uses Math.random by default, staying within [50%, 100%] of the delay", () => {
        for (let k = 0; k < 20; k++) {
            const d = backoffDelay(1, { attempts: 2, baseDelayMs: 1000 });
            assert.ok(d >= 500 && d <= 1000, `delay ${d}`);
        }
    });

    it("validates a retry policy with the field and the value", () => {
        validateRetry({ attempts: 1, baseDelayMs: 0 });
        validateRetry({ attempts: 1, baseDelayMs: 0, maxDelayMs: 0 });
        const bad = (policy: Parameters<typeof validateRetry>[0], message: string) =>
            assert.throws(() => validateRetry(policy), (e: Error) => e instanceof InputError && e.message === message);
        bad({ attempts: 0, baseDelayMs: 1 }, "retry.attempts must be an integer >= 1, got 0");
        bad({ attempts: 1.5, baseDelayMs: 1 }, "retry.attempts must be an integer >= 1, got 1.5");
        bad({ attempts: 2, baseDelayMs: -1 }, "retry.baseDelayMs must be >= 0, got -1");
        bad({ attempts: 2, baseDelayMs: NaN }, "retry.baseDelayMs must be >= 0, got NaN");
        bad({ attempts: 2, baseDelayMs: 1, maxDelayMs: -1 }, "retry.maxDelayMs must be >= 0, got -1");
        bad({ attempts: 2, baseDelayMs: 1, maxDelayMs: NaN }, "retry.maxDelayMs must be >= 0, got NaN");
    });
});

describe("mutation: sleep", () => {
    it("resolves after the delay without a signal", async () => {
        const started = Date.now();
        await sleep(30);
        assert.ok(Date.now() - started >= 25);
    });

    it("resolves at once for an already aborted signal, starting no timer", async () => {
        const rec = recordingSignal(true);
        const before = active("Timeout");
        const started = Date.now();
        const p = sleep(5_000, rec.signal);
        assert.equal(active("Timeout"), before, "no timer for an aborted signal");
        await p;
        assert.ok(Date.now() - started < 1000);
        assert.equal(rec.added.length, 0);
    });

    it("listens once for abort, and on abort clears its timer and stops listening", async () => {
        const rec = recordingSignal();
        const before = active("Timeout");
        const p = sleep(5_000, rec.signal);
        assert.equal(rec.added.length, 1);
        assert.equal(rec.added[0].type, "abort");
        assert.equal(rec.added[0].once, true);
        assert.equal(active("Timeout"), before + 1);
        rec.added[0].fn();
        assert.equal(active("Timeout"), before, "the timer is cleared");
        await p;
        assert.deepEqual(rec.removed.map((r) => r.type), ["abort"]);
        assert.equal(rec.removed[0].fn, rec.added[0].fn);
    });

    it("stops listening when the timer fires", async () => {
        const rec = recordingSignal();
        await sleep(5, rec.signal);
        assert.deepEqual(rec.removed.map((r) => r.type), ["abort"]);
        assert.equal(rec.removed[0].fn, rec.added[0].fn);
    });

    it("wakes on a real AbortSignal", async () => {
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 10);
        await sleep(10_000, controller.signal);
        assert.ok(Date.now() - started < 2000);
    });
});

describe("mutation: critical path", () => {
    it("breaks ties toward the first need and the first end layer in order", () => {
        const needs = { a: [], b: [], c: ["a", "b"] };
        assert.deepEqual(criticalPath({ a: 5, b: 5, c: 1 }, needs), { layers: ["a", "c"], ms: 6 });
        assert.deepEqual(criticalPath({ a: 5, b: 5 }, { a: [], b: [] }), { layers: ["a"], ms: 5 });
        assert.deepEqual(criticalPath({ a: 4, b: 5, c: 1 }, needs), { layers: ["b", "c"], ms: 6 });
    });

    it("accepts zero durations, a path through zero-duration layers, and an empty graph", () => {
        assert.deepEqual(criticalPath({ a: 0, b: 0 }, { a: [], b: ["a"] }), { layers: ["a"], ms: 0 });
        assert.deepEqual(criticalPath({ a: 0, b: 3 }, { a: [], b: ["a"] }), { layers: ["b"], ms: 3 });
        assert.deepEqual(criticalPath({ a: 2, b: 0 }, { a: [], b: ["a"] }), { layers: ["a"], ms: 2 }, "a later layer that ends at the same time does not win");
        assert.deepEqual(criticalPath({}, {}), { layers: [], ms: 0 });
    });

    it("rejects a missing or negative duration with the layer and the fix", () => {
        const message = 'no duration for layer "b"; give every layer a duration >= 0';
        assert.throws(() => criticalPath({ a: 1 }, { a: [], b: [] }), (e: Error) => e.message === message);
        assert.throws(() => criticalPath({ a: 1, b: -1 }, { a: [], b: [] }), (e: Error) => e.message === message);
        assert.throws(() => criticalPath({ a: 1, b: NaN }, { a: [], b: [] }), (e: Error) => e.message === message);
    });

    it("defaults to the project's layer graph", () => {
        assert.deepEqual(criticalPath({ cluster: 1, images: 1, monitoring: 1, mesh: 1, apps: 1 }), { layers: ["cluster", "monitoring", "mesh", "apps"], ms: 4 });
    });
});

describe("mutation: run plan", () => {
    it("rejects an unknown layer naming the valid ones", () => {
        assert.throws(
            () => planRun(["cluster", "db"], "up", LAYER_NEEDS),
            (e: Error) => e instanceof InputError && e.message === 'unknown layer "db"; valid layers: cluster, images, monitoring, mesh, apps',
        );
    });

    it("plans a forward run over every layer, waiting only for selected ancestors", () => {
        const plan = planRun(["cluster", "apps"], "preview", LAYER_NEEDS);
        assert.deepEqual(plan.order, ["cluster", "images", "monitoring", "mesh", "apps"]);
        assert.deepEqual([...plan.selected], ["cluster", "apps"]);
        assert.deepEqual(plan.waitsFor, { cluster: [], images: [], monitoring: ["cluster"], mesh: ["cluster"], apps: ["cluster"] });
        assert.deepEqual(plan.upstream.monitoring, [{ layer: "cluster", from: "run" }]);
        assert.deepEqual(plan.upstream.cluster, []);
        assert.deepEqual(plan.upstream.mesh, [{ layer: "cluster", from: "run" }, { layer: "monitoring", from: "outputs" }]);
    });

    it("plans a destroy in reverse, each layer waiting for its selected descendants nearest first, with no upstream", () => {
        const plan = planRun(["cluster", "images", "monitoring", "mesh", "apps"], "destroy", LAYER_NEEDS);
        assert.deepEqual(plan.order, ["apps", "mesh", "monitoring", "images", "cluster"]);
        assert.deepEqual(plan.waitsFor, { apps: [], mesh: ["apps"], monitoring: ["apps", "mesh"], images: ["apps"], cluster: ["apps", "mesh", "monitoring"] });
        for (const layer of plan.order) assert.deepEqual(plan.upstream[layer], []);
    });

    it("plans an up like a preview", () => {
        const plan = planRun(["mesh"], "up", LAYER_NEEDS);
        assert.deepEqual(plan.upstream.mesh, [{ layer: "cluster", from: "outputs" }, { layer: "monitoring", from: "outputs" }]);
        assert.deepEqual(plan.order[0], "cluster");
    });
});

describe("mutation: layer selection", () => {
    it("trims names and drops empty entries", () => {
        assert.deepEqual(selectLayers({ layer: [" apps , ", "", " mesh"] }), ["mesh", "apps"]);
        assert.deepEqual(selectLayers({ layer: [",", " "] }), ["cluster", "images", "monitoring", "mesh", "apps"]);
    });

    it("adds nothing without the flags and only ancestors or only descendants with one of them", () => {
        assert.deepEqual(selectLayers({ layer: ["mesh"] }), ["mesh"]);
        assert.deepEqual(selectLayers({ layer: ["mesh"], withDeps: false, withDependents: false }), ["mesh"]);
        assert.deepEqual(selectLayers({ layer: ["mesh"], withDependents: true }), ["mesh", "apps"]);
        assert.deepEqual(selectLayers({ layer: ["mesh"], withDeps: true }), ["cluster", "monitoring", "mesh"]);
    });

    it("names the first unknown layer", () => {
        assert.throws(() => selectLayers({ layer: ["x1, x2"] }), (e: Error) => e instanceof InputError && e.message.startsWith('unknown layer "x1";'));
    });
});

describe("mutation: layer logs", () => {
    it("is a no-op sink without a log directory", async () => {
        const log = openLayerLog(undefined, "dev", "cluster");
        assert.equal(log.file, undefined);
        log.write("x");
        log.event({ kind: "log", layer: "cluster", line: "y" });
        assert.equal(await log.close(), undefined);
    });

    it("creates nested directories, truncates an old log and stamps each line with an ISO time", async () => {
        const dir = path.join(tmp("layer-log-"), "a", "b");
        const first = openLayerLog(dir, "dev", "mesh");
        assert.equal(first.file, path.join(dir, "dev-mesh.log"));
        first.write("old line");
        await first.close();
        const log = openLayerLog(dir, "dev", "mesh");
        log.write("hello");
        log.event({ kind: "started", layer: "mesh", operation: "up" });
        await log.close();
        log.write("after close");
        await log.close();
        const lines = fs.readFileSync(log.file!, "utf8").split("\n");
        assert.equal(lines.length, 3);
        assert.equal(lines[2], "");
        assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z hello$/);
        assert.match(lines[1], /^\S+Z started up$/);
    });

    it("does not fail the layer when the log cannot be written, and still closes", async () => {
        const dir = tmp("layer-log-bad-");
        fs.mkdirSync(path.join(dir, "dev-apps.log"));
        const log = openLayerLog(dir, "dev", "apps");
        log.write("lost");
        await new Promise((r) => setTimeout(r, 50));
        const closed = await Promise.race([log.close().then(() => "closed"), new Promise((r) => setTimeout(() => r("hung"), 2000))]);
        assert.equal(closed, "closed");
    });

    it("formats every kind of engine event", () => {
        assert.equal(formatEvent({ kind: "started", layer: "apps", operation: "destroy" }), "started destroy");
        assert.equal(formatEvent({ kind: "progress", layer: "apps", done: 3 }), "progress 3");
        assert.equal(formatEvent({ kind: "progress", layer: "apps", done: 3, total: 7 }), "progress 3/7");
        assert.equal(formatEvent({ kind: "progress", layer: "apps", done: 3, total: 7, resource: "urn:x" }), "progress 3/7 urn:x");
        assert.equal(formatEvent({ kind: "progress", layer: "apps", done: 0, resource: "urn:y" }), "progress 0 urn:y");
        const violation = { policyPack: "p", rule: "no-latest", message: "image uses latest", severity: "high" as const, enforcement: "mandatory" as const, layer: "apps" as const };
        assert.equal(formatEvent({ kind: "policy", layer: "apps", violation }), "policy mandatory no-latest: image uses latest");
        assert.equal(formatEvent({ kind: "policy", layer: "apps", violation: { ...violation, urn: "urn:d" } }), "policy mandatory no-latest: image uses latest (urn:d)");
        assert.equal(formatEvent({ kind: "log", layer: "apps", line: "raw line" }), "raw line");
    });
});
