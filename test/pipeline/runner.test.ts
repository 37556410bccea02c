import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { type PipelineEvent, type RunOptions, runPipeline } from "../../automation/pipeline/runner";
import { LAYERS, LAYER_NEEDS, type Layer } from "../../stacks/graph";
import { type LayerScript, ScriptedEngine } from "./scripted-engine";

const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
const all = [...LAYERS] as Layer[];

function run(script: Record<string, LayerScript>, extra: Partial<RunOptions> = {}) {
    const engine = new ScriptedEngine(script);
    const events: PipelineEvent[] = [];
    const summary = runPipeline({
        env: "dev", operation: "up", engine, selected: all, retry: FAST_RETRY,
        onEvent: (e) => events.push(e), ...extra,
    });
    return { engine, events, summary };
}

function status(summary: { outcomes: { layer: string; status: string }[] }): Record<string, string> {
    return Object.fromEntries(summary.outcomes.map((o) => [o.layer, o.status]));
}

describe("pipeline runner", () => {
    it("starts every layer only after all the layers it needs have finished", async () => {
        const { engine, summary } = run({ cluster: { durationMs: 40 }, images: { durationMs: 10 } });
        const s = await summary;
        assert.deepEqual(new Set(Object.values(status(s))), new Set(["succeeded"]));
        for (const layer of all) {
            for (const need of LAYER_NEEDS[layer]) {
                assert.ok(engine.call(layer)!.start >= engine.call(need)!.end!, `${layer} started before ${need} ended`);
            }
        }
        assert.deepEqual(s.outcomes.map((o) => o.layer), ["cluster", "images", "monitoring", "mesh", "apps"]);
    });

    it("runs cluster and images concurrently, and parallel: 1 serialises them", async () => {
        const script = { cluster: { durationMs: 60 }, images: { durationMs: 60 } };
        const two = run(script);
        await two.summary;
        const [c, i] = [two.engine.call("cluster")!, two.engine.call("images")!];
        assert.ok(c.start < i.end! && i.start < c.end!, "cluster and images intervals overlap");

        const one = run(script, { parallel: 1 });
        await one.summary;
        const calls = [...one.engine.calls].sort((a, b) => a.start - b.start);
        for (let k = 1; k < calls.length; k++) {
            assert.ok(calls[k].start >= calls[k - 1].end!, `${calls[k].layer} overlapped ${calls[k - 1].layer}`);
        }
    });

    it("skips exactly the descendants of a failed layer, naming it, while independent layers finish", async () => {
        const { engine, summary } = run({ monitoring: { fail: "helm chart kube-prometheus-stack not found" }, images: { durationMs: 80 } });
        const s = await summary;
        assert.deepEqual(status(s), { cluster: "succeeded", images: "succeeded", monitoring: "failed", mesh: "skipped", apps: "skipped" });
        const byLayer = Object.fromEntries(s.outcomes.map((o) => [o.layer, o]));
        assert.equal(byLayer.monitoring.error, "helm chart kube-prometheus-stack not found");
        assert.equal(byLayer.mesh.skippedBecause, "monitoring");
        assert.equal(byLayer.apps.skippedBecause, "monitoring");
        assert.equal(byLayer.cluster.skippedBecause, undefined);
        assert.deepEqual(engine.calls.map((c) => c.layer).sort(), ["cluster", "images", "monitoring"]);
        assert.equal(s.interrupted, false);
    });

    it("retries a transient error with backoff and records the attempts", async () => {
        const { engine, events, summary } = run({ cluster: { transientFailures: 1 } });
        const s = await summary;
        const cluster = s.outcomes.find((o) => o.layer === "cluster")!;
        assert.equal(cluster.status, "succeeded");
        assert.equal(cluster.attempts, 2);
        assert.equal(engine.calls.filter((c) => c.layer === "cluster").length, 2);
        assert.ok(events.some((e) => e.kind === "layer-state" && e.layer === "cluster" && e.status === "retrying" && e.attempt === 2));
    });

    it("never retries a program error, and stops retrying a transient one after the last attempt", async () => {
        const { engine, summary } = run({ cluster: { fail: "TypeError: x is undefined" }, images: { transientFailures: 5 } });
        const s = await summary;
        const byLayer = Object.fromEntries(s.outcomes.map((o) => [o.layer, o]));
        assert.equal(byLayer.cluster.status, "failed");
        assert.equal(byLayer.cluster.attempts, 1);
        assert.equal(engine.calls.filter((c) => c.layer === "cluster").length, 1);
        assert.equal(byLayer.images.status, "failed");
        assert.equal(byLayer.images.attempts, 3);
        assert.match(byLayer.images.error!, /throttled \(attempt 3\)/);
    });

    it("on abort cancels in-flight layers through their signal, starts nothing more, and resolves interrupted", async () => {
        const controller = new AbortController();
        const { engine, summary } = run({ cluster: { durationMs: 2000 }, images: { durationMs: 2000 } }, { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        const started = Date.now();
        const s = await summary;
        assert.ok(Date.now() - started < 1500, "did not wait for the slow layers to finish");
        assert.equal(s.interrupted, true);
        assert.deepEqual(status(s), { cluster: "cancelled", images: "cancelled", monitoring: "cancelled", mesh: "cancelled", apps: "cancelled" });
        assert.deepEqual(engine.calls.map((c) => [c.layer, c.outcome]).sort(), [["cluster", "aborted"], ["images", "aborted"]]);
        const cluster = s.outcomes.find((o) => o.layer === "cluster")!;
        assert.equal(cluster.attempts, 1);
        assert.match(cluster.error!, /interrupted/);
        assert.equal(s.outcomes.find((o) => o.layer === "apps")!.attempts, 0);
    });

    it("waits for an engine that ignores abort to settle before resolving", async () => {
        const controller = new AbortController();
        const { engine, summary } = run({ cluster: { durationMs: 150, ignoreAbort: true } }, { signal: controller.signal, selected: ["cluster", "monitoring"] as Layer[] });
        setTimeout(() => controller.abort(), 30);
        const s = await summary;
        assert.equal(engine.call("cluster")!.outcome, "ok");
        assert.equal(status(s).cluster, "succeeded", "a layer that finished is reported as such");
        assert.equal(status(s).monitoring, "cancelled");
        assert.equal(s.interrupted, true);
    });

    it("wakes from a backoff sleep when aborted", async () => {
        const controller = new AbortController();
        const { summary } = run({ cluster: { transientFailures: 5 } }, { signal: controller.signal, retry: { attempts: 5, baseDelayMs: 60_000 } });
        setTimeout(() => controller.abort(), 80);
        const started = Date.now();
        const s = await summary;
        assert.ok(Date.now() - started < 5000);
        const cluster = s.outcomes.find((o) => o.layer === "cluster")!;
        assert.equal(cluster.status, "cancelled");
        assert.equal(cluster.attempts, 1);
        assert.match(cluster.error!, /waiting to retry/);
    });

    it("destroys in reverse: a layer only after every layer that needs it", async () => {
        const { engine, summary } = run({ apps: { durationMs: 40 }, monitoring: { durationMs: 10 } }, { operation: "destroy" });
        const s = await summary;
        assert.deepEqual(s.outcomes.map((o) => o.layer), ["apps", "mesh", "monitoring", "images", "cluster"]);
        for (const layer of all) {
            for (const need of LAYER_NEEDS[layer]) {
                assert.ok(engine.call(need)!.start >= engine.call(layer)!.end!, `${need} destroyed before ${layer}`);
            }
        }
        assert.ok(engine.calls.every((c) => c.operation === "destroy"));
        assert.deepEqual(engine.outputsCalls, []);
    });

    it("fetches unselected upstream outputs through engine.outputs and passes selected ones from results", async () => {
        const { engine, summary } = run(
            {
                cluster: { storedOutputs: { clusterName: "dev-eks" } },
                monitoring: { storedOutputs: { prometheusUrl: "http://prom" } },
                images: { storedOutputs: { app: "repo@sha256:abc" } },
                mesh: { outputs: { gateway: "istio-ingress" } },
            },
            { selected: ["mesh", "apps"] as Layer[] },
        );
        const s = await summary;
        assert.deepEqual(status(s), { cluster: "not-selected", images: "not-selected", monitoring: "not-selected", mesh: "succeeded", apps: "succeeded" });
        assert.deepEqual(engine.outputsCalls.sort(), ["cluster", "images", "monitoring"]);
        assert.deepEqual(engine.call("mesh")!.upstream, {
            cluster: { clusterName: { value: "dev-eks", secret: false } },
            monitoring: { prometheusUrl: { value: "http://prom", secret: false } },
        });
        // apps reads every stack it builds on (the cluster's kubeconfig too), not only its direct needs.
        assert.deepEqual(engine.call("apps")!.upstream, {
            cluster: { clusterName: { value: "dev-eks", secret: false } },
            images: { app: { value: "repo@sha256:abc", secret: false } },
            monitoring: { prometheusUrl: { value: "http://prom", secret: false } },
            mesh: { gateway: { value: "istio-ingress", secret: false } },
        });
    });

    it("follows a graph passed in needs, ordering through unselected layers", async () => {
        const needs = { a: [], b: ["a"], c: ["b"], d: [] };
        const { engine, summary } = run({ a: { durationMs: 40 } }, { needs, selected: ["a", "c", "d"] as unknown as Layer[] });
        const s = await summary;
        assert.deepEqual(status(s), { a: "succeeded", b: "not-selected", c: "succeeded", d: "succeeded" });
        assert.ok(engine.call("c")!.start >= engine.call("a")!.end!, "c waits for a through unselected b");
        assert.deepEqual(engine.outputsCalls, ["b"]);
    });

    it("writes each layer's engine events to <logDir>/<env>-<layer>.log and forwards them to onEvent", async () => {
        const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-logs-"));
        const { events, summary } = run({ mesh: { fail: "istiod webhook not serving" } }, { logDir });
        const s = await summary;
        const mesh = s.outcomes.find((o) => o.layer === "mesh")!;
        assert.equal(mesh.logFile, path.join(logDir, "dev-mesh.log"));
        const text = fs.readFileSync(mesh.logFile!, "utf8");
        assert.match(text, /progress 2\/2 urn:mesh:r2/);
        assert.match(text, /error: istiod webhook not serving/);
        assert.match(text, /failed: istiod webhook not serving/);
        assert.equal(s.outcomes.find((o) => o.layer === "apps")!.logFile, undefined, "skipped layers write no log");
        assert.ok(events.some((e) => e.kind === "progress" && e.layer === "cluster" && e.done === 2));
        const meshStates = events.filter((e) => e.kind === "layer-state" && e.layer === "mesh").map((e) => (e as { status: string }).status);
        assert.deepEqual(meshStates, ["queued", "running", "failed"]);
    });

    it("rejects bad options and unknown layers with InputError", async () => {
        const engine = new ScriptedEngine();
        await assert.rejects(runPipeline({ env: "dev", operation: "up", engine, selected: all, parallel: 0 }), (e: Error) => e instanceof InputError && /parallel must be an integer >= 1, got 0/.test(e.message));
        await assert.rejects(runPipeline({ env: "dev", operation: "up", engine, selected: ["db"] as unknown as Layer[] }), /unknown layer "db"/);
        await assert.rejects(runPipeline({ env: "dev", operation: "up", engine, selected: all, retry: { attempts: 0, baseDelayMs: 1 } }), /retry.attempts/);
        assert.equal(engine.calls.length, 0);
    });
});

describe("pipeline: a preview starts dependents on a layer's outputs", () => {
    const script: Record<string, LayerScript> = {
        cluster: { durationMs: 10, checkMs: 150, outputs: { kubeconfig: "k" } },
        images: { durationMs: 5 },
    };

    it("starts monitoring while cluster is still being checked, with cluster's outputs", async () => {
        const { engine, summary } = run(script, { operation: "preview" });
        const s = await summary;
        assert.deepEqual(new Set(Object.values(status(s))), new Set(["succeeded"]));
        const [cluster, monitoring] = [engine.call("cluster")!, engine.call("monitoring")!];
        assert.ok(monitoring.start >= cluster.outputsAt!, "monitoring started before cluster's outputs were given");
        assert.ok(monitoring.start < cluster.end!, `monitoring started at ${monitoring.start} ms, after cluster's check ended at ${cluster.end} ms`);
        assert.deepEqual(monitoring.upstream.cluster, { kubeconfig: { value: "k", secret: false } });
        // Its result, once there, is what later layers read.
        assert.deepEqual(engine.call("mesh")!.upstream.cluster, { kubeconfig: { value: "k", secret: false } });
    });

    it("an up still waits for the whole layer: outputs alone are not enough", async () => {
        const { engine, summary } = run(script);
        await summary;
        assert.ok(engine.call("monitoring")!.start >= engine.call("cluster")!.end!, "an up started monitoring before cluster finished");
    });

    it("a check that fails after the outputs fails that layer alone: its dependents plan on its outputs, however the timing falls", async () => {
        for (const monitoringMs of [20, 400]) {
            const { engine, summary } = run({ ...script, cluster: { ...script.cluster, checkFail: "pack crashed" }, monitoring: { durationMs: monitoringMs } }, { operation: "preview" });
            const st = status(await summary);
            assert.equal(st.cluster, "failed");
            // Whether monitoring ended before cluster's check failed or after, the same layers plan.
            assert.deepEqual([st.images, st.monitoring, st.mesh, st.apps], ["succeeded", "succeeded", "succeeded", "succeeded"], `monitoring ${monitoringMs} ms: ${JSON.stringify(st)}`);
            assert.deepEqual(engine.call("mesh")!.upstream.cluster, { kubeconfig: { value: "k", secret: false } });
        }
    });

    it("a layer that fails before giving its outputs still skips its dependents", async () => {
        const { engine, summary } = run({ ...script, cluster: { durationMs: 10, fail: "program threw" } }, { operation: "preview" });
        const st = status(await summary);
        assert.equal(st.cluster, "failed");
        assert.equal(st.monitoring, "skipped");
        assert.equal(engine.call("monitoring"), undefined);
    });
});

describe("pipeline change detection (isUnchanged)", () => {
    it("asks once upstream outputs are known, skips the layer as unchanged and feeds its stored outputs downstream", async () => {
        const asked: Record<string, string[]> = {};
        const { engine, summary } = run(
            {
                cluster: { outputs: { clusterName: "dev-eks" } },
                monitoring: { outputs: { prometheusUrl: "http://prom" } },
                mesh: { storedOutputs: { gateway: "istio-ingress" } },
            },
            {
                // mesh is asked after cluster and monitoring ran, with their fresh outputs.
                isUnchanged: async (layer, upstream) => {
                    asked[layer] = Object.keys(upstream).sort();
                    return layer === "mesh" || layer === "images";
                },
            },
        );
        const s = await summary;
        assert.deepEqual(status(s), { cluster: "succeeded", images: "unchanged", monitoring: "succeeded", mesh: "unchanged", apps: "succeeded" });
        assert.deepEqual(asked.mesh, ["cluster", "monitoring"]);
        assert.equal(engine.call("mesh"), undefined, "an unchanged layer is not run");
        assert.equal(s.outcomes.find((o) => o.layer === "mesh")!.attempts, 0);
        assert.deepEqual(engine.call("apps")!.upstream.mesh, { gateway: { value: "istio-ingress", secret: false } }, "apps reads mesh's stored outputs");
    });
});
