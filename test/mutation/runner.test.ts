/** The pipeline runner's edges: options, what the engine is handed, failures, retries, abort and logs. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Engine, EngineEvent, LayerRequest, LayerResult, OutputValue } from "../../automation/engine";
import { emptyChanges } from "../../automation/engine";
import { InputError, TransientError } from "../../common/errors";
import { type PipelineEvent, type RunOptions, runPipeline, validateRunOptions } from "../../automation/pipeline/runner";
import type { Layer } from "../../stacks/graph";
import { ScriptedEngine } from "../pipeline/scripted-engine";

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

type Behaviour = (req: LayerRequest, attempt: number) => Promise<LayerResult> | LayerResult;

/** An engine whose every layer is a function; it records each request and the outputs reads. */
class FnEngine implements Engine {
    readonly name = "fn";
    readonly requests: LayerRequest[] = [];
    readonly reads: string[] = [];
    private readonly attempts = new Map<string, number>();
    constructor(
        private readonly behaviour: Partial<Record<string, Behaviour>> = {},
        private readonly stored: (layer: string, n: number) => Promise<Record<string, OutputValue>> = async () => ({}),
    ) {}
    async run(req: LayerRequest): Promise<LayerResult> {
        this.requests.push(req);
        const attempt = (this.attempts.get(req.layer) ?? 0) + 1;
        this.attempts.set(req.layer, attempt);
        const fn = this.behaviour[req.layer];
        return fn ? fn(req, attempt) : ok(req);
    }
    async outputs(_env: string, layer: Layer): Promise<Record<string, OutputValue>> {
        this.reads.push(layer);
        return this.stored(layer, this.reads.filter((l) => l === layer).length);
    }
}

function ok(req: LayerRequest, outputs: Record<string, OutputValue> = {}): LayerResult {
    return { env: req.env, layer: req.layer, operation: req.operation, resources: [], changes: emptyChanges(), outputs, policy: [], schema: [], durationMs: 1 };
}

const needs2 = { a: [], b: ["a"] };

function go(engine: Engine, extra: Partial<RunOptions> = {}) {
    const events: PipelineEvent[] = [];
    const summary = runPipeline({ env: "dev", operation: "up", engine, selected: ["a", "b"] as unknown as Layer[], needs: needs2, retry: FAST, onEvent: (e) => events.push(e), ...extra });
    return { events, summary };
}

const byLayer = (s: { outcomes: { layer: string }[] }) => Object.fromEntries(s.outcomes.map((o) => [o.layer, o])) as Record<string, Awaited<ReturnType<typeof runPipeline>>["outcomes"][number]>;
const states = (events: PipelineEvent[], layer: string) =>
    events.filter((e) => e.kind === "layer-state" && e.layer === layer).map((e) => {
        const s = e as Extract<PipelineEvent, { kind: "layer-state" }>;
        return [s.status, s.attempt, s.error];
    });

describe("mutation: run options", () => {
    it("rejects an empty env, a non-integer parallel and a bad retry, naming the value", () => {
        const engine = new FnEngine();
        const base = { env: "dev", operation: "up" as const, engine, selected: [] as Layer[] };
        assert.throws(() => validateRunOptions({ ...base, env: "" }), (e: Error) => e instanceof InputError && e.message === "env must be a non-empty environment name");
        assert.throws(() => validateRunOptions({ ...base, parallel: 1.5 }), (e: Error) => e instanceof InputError && e.message === "parallel must be an integer >= 1, got 1.5");
        assert.throws(() => validateRunOptions({ ...base, parallel: -1 }), /got -1/);
        assert.throws(() => validateRunOptions({ ...base, retry: { attempts: 1, baseDelayMs: -5 } }), /retry\.baseDelayMs must be >= 0, got -5/);
        validateRunOptions({ ...base, parallel: 1 });
        validateRunOptions(base);
    });
});

describe("mutation: pipeline runner", () => {
    it("hands the engine everything about the run and reports it in the summary", async () => {
        const engine = new FnEngine({}, async (layer) => ({ fromStore: { value: layer, secret: false } }));
        const environment = { name: "dev" } as unknown as RunOptions["environment"];
        const passThrough = { target: ["urn:x"] };
        const { summary } = go(engine, { selected: ["b"] as unknown as Layer[], operation: "preview", environment, expectNoChanges: true, passThrough });
        const s = await summary;
        assert.equal(s.env, "dev");
        assert.equal(s.operation, "preview");
        assert.equal(s.engine, "fn");
        assert.equal(s.interrupted, false);
        assert.ok(s.durationMs >= 0 && s.durationMs < 10_000);
        const [req] = engine.requests;
        assert.equal(req.env, "dev");
        assert.equal(req.layer, "b");
        assert.equal(req.operation, "preview");
        assert.equal(req.environment, environment);
        assert.equal(req.expectNoChanges, true);
        assert.equal(req.passThrough, passThrough);
        assert.ok(req.signal instanceof AbortSignal);
        assert.deepEqual(req.upstream, { a: { fromStore: { value: "a", secret: false } } });
        const b = byLayer(s).b;
        assert.equal(b.status, "succeeded");
        assert.equal(b.attempts, 1);
        assert.ok(!Number.isNaN(Date.parse(b.startedAt!)));
        assert.ok(b.durationMs! >= 0);
        assert.deepEqual(byLayer(s).a, { layer: "a", status: "not-selected", attempts: 0 });
    });

    it("reports queued for every selected layer first, then running and the final state", async () => {
        const { events, summary } = go(new FnEngine());
        await summary;
        const layerStates = events.filter((e) => e.kind === "layer-state").map((e) => `${e.layer}:${(e as { status: string }).status}`);
        assert.deepEqual(layerStates.slice(0, 2), ["a:queued", "b:queued"]);
        assert.deepEqual(states(events, "a"), [["queued", undefined, undefined], ["running", 1, undefined], ["succeeded", undefined, undefined]]);
    });

    it("runs two independent layers at once by default and three with parallel 3", async () => {
        const needs = { x: [], y: [], z: [] };
        const measure = async (parallel?: number) => {
            let now = 0;
            let peak = 0;
            const slow: Behaviour = async (req) => {
                now++;
                peak = Math.max(peak, now);
                await new Promise((r) => setTimeout(r, 30));
                now--;
                return ok(req);
            };
            const engine = new FnEngine({ x: slow, y: slow, z: slow });
            await runPipeline({ env: "dev", operation: "up", engine, selected: ["x", "y", "z"] as unknown as Layer[], needs, ...(parallel ? { parallel } : {}) });
            return peak;
        };
        assert.equal(await measure(), 2);
        assert.equal(await measure(3), 3);
    });

    it("a program error fails at once with its exit code and partial result; dependents are skipped naming it", async () => {
        const partial = { ...ok({ env: "dev", layer: "a", operation: "up" } as unknown as LayerRequest), resources: [{ urn: "u" }] } as unknown as LayerResult;
        const engine = new FnEngine({ a: () => { throw Object.assign(new Error("policy stopped it"), { exitCode: 5, result: partial }); } });
        const { events, summary } = go(engine);
        const s = await summary;
        const { a, b } = byLayer(s);
        assert.equal(a.status, "failed");
        assert.equal(a.error, "policy stopped it");
        assert.equal(a.errorExitCode, 5);
        assert.equal(a.result, partial);
        assert.equal(a.attempts, 1);
        assert.equal(b.status, "skipped");
        assert.equal(b.skippedBecause, "a");
        assert.equal(b.error, "a failed");
        assert.equal(b.attempts, 0);
        assert.deepEqual(states(events, "b").at(-1), ["skipped", undefined, "a failed"]);
        assert.deepEqual(states(events, "a").at(-1), ["failed", undefined, "policy stopped it"]);
    });

    it("ignores an exit code that is not a number and a partial result without resources", async () => {
        const engine = new FnEngine({ a: () => { throw Object.assign(new Error("x"), { exitCode: "5", result: { outputs: {} } }); } });
        const s = await go(engine, { selected: ["a"] as unknown as Layer[] }).summary;
        assert.equal(byLayer(s).a.errorExitCode, undefined);
        assert.equal(byLayer(s).a.result, undefined);
        assert.ok(!("errorExitCode" in byLayer(s).a) || byLayer(s).a.errorExitCode === undefined);
    });

    it("describes a thrown non-Error by its string", async () => {
        const engine = new FnEngine({ a: () => { throw "plain string failure"; } });
        const s = await go(engine, { selected: ["a"] as unknown as Layer[] }).summary;
        assert.equal(byLayer(s).a.error, "plain string failure");
    });

    it("retries a transient error up to the last attempt exactly, announcing each retry", async () => {
        const engine = new FnEngine({ a: (_req, n) => { throw new TransientError(`throttled ${n}`); } });
        const { events, summary } = go(engine, { retry: { attempts: 2, baseDelayMs: 1 } });
        const s = await summary;
        assert.equal(byLayer(s).a.status, "failed");
        assert.equal(byLayer(s).a.attempts, 2);
        assert.equal(byLayer(s).a.error, "throttled 2");
        assert.equal(engine.requests.filter((r) => (r.layer as string) === "a").length, 2);
        assert.deepEqual(states(events, "a"), [
            ["queued", undefined, undefined],
            ["running", 1, undefined],
            ["retrying", 2, "throttled 1"],
            ["running", 2, undefined],
            ["failed", undefined, "throttled 2"],
        ]);
    });

    it("does not retry with a single attempt", async () => {
        const engine = new FnEngine({ a: () => { throw new TransientError("throttled"); } });
        const s = await go(engine, { retry: { attempts: 1, baseDelayMs: 1 }, selected: ["a"] as unknown as Layer[] }).summary;
        assert.equal(byLayer(s).a.attempts, 1);
        assert.equal(engine.requests.length, 1);
    });

    it("uses the default retry policy (3 attempts) when none is given", async () => {
        const controller = new AbortController();
        const engine = new FnEngine({ a: () => { throw new TransientError("throttled"); } });
        const events: PipelineEvent[] = [];
        const p = runPipeline({ env: "dev", operation: "up", engine, selected: ["a"] as unknown as Layer[], needs: needs2, signal: controller.signal, onEvent: (e) => events.push(e) });
        await new Promise((r) => setTimeout(r, 50));
        controller.abort();
        const s = await p;
        assert.equal(byLayer(s).a.status, "cancelled");
        assert.equal(byLayer(s).a.error, "interrupted while waiting to retry: throttled");
        assert.deepEqual(states(events, "a")[2], ["retrying", 2, "throttled"]);
    });

    it("asks isUnchanged only on the first attempt, and an unchanged layer has no attempts", async () => {
        const asked: string[] = [];
        const engine = new FnEngine({ a: (req, n) => { if (n === 1) throw new TransientError("once"); return ok(req); } });
        const { events, summary } = go(engine, { isUnchanged: async (layer) => { asked.push(layer); return (layer as string) === "b"; } });
        const s = await summary;
        assert.deepEqual(asked, ["a", "b"]);
        assert.equal(byLayer(s).a.attempts, 2);
        assert.equal(byLayer(s).a.status, "succeeded");
        assert.equal(byLayer(s).b.status, "unchanged");
        assert.equal(byLayer(s).b.attempts, 0);
        assert.ok(byLayer(s).b.durationMs! >= 0);
        assert.deepEqual(states(events, "b").at(-1), ["unchanged", undefined, undefined]);
        assert.deepEqual(engine.requests.map((r) => r.layer), ["a", "a"]);
    });

    it("passes this run's outputs of a selected upstream layer, reading unselected ones once and retrying a failed read", async () => {
        let failReads = 1;
        const engine = new FnEngine(
            { a: (req) => ok(req, { url: { value: "http://a", secret: false } }) },
            async (layer) => {
                if (layer === "a" && failReads-- > 0) throw new TransientError("reset");
                return { stored: { value: layer, secret: false } };
            },
        );
        const needs = { a: [], b: ["a"], c: ["b"] };
        const s = await runPipeline({ env: "dev", operation: "up", engine, selected: ["b", "c"] as unknown as Layer[], needs, retry: FAST });
        assert.equal(byLayer(s).b.status, "succeeded");
        assert.equal(byLayer(s).b.attempts, 2, "the failed read made an attempt fail and the next one read again");
        assert.deepEqual(engine.reads, ["a", "a"], "the successful read is reused for c");
        const c = engine.requests.find((r) => (r.layer as string) === "c")!;
        assert.deepEqual(c.upstream, { a: { stored: { value: "a", secret: false } }, b: {} });

        const engine2 = new FnEngine({ a: (req) => ok(req, { url: { value: "http://a", secret: false } }) });
        await runPipeline({ env: "dev", operation: "up", engine: engine2, selected: ["a", "b"] as unknown as Layer[], needs: needs2, retry: FAST });
        assert.deepEqual(engine2.requests[1].upstream, { a: { url: { value: "http://a", secret: false } } });
        assert.deepEqual(engine2.reads, []);
    });

    it("hands an empty upstream for a layer whose run returned no outputs", async () => {
        const engine = new FnEngine({ a: (req) => ({ ...ok(req), outputs: undefined as unknown as Record<string, OutputValue> }) });
        await go(engine).summary;
        assert.deepEqual(engine.requests[1].upstream, { a: {} });
    });

    it("names the stack whose outputs could not be read; a plain read error is not retried", async () => {
        const engine = new FnEngine({}, async () => { throw new Error("no such stack"); });
        const s = await go(engine, { selected: ["b"] as unknown as Layer[] }).summary;
        assert.equal(byLayer(s).b.status, "failed");
        assert.equal(byLayer(s).b.attempts, 1);
        assert.equal(byLayer(s).b.error, "reading outputs of dev-a: no such stack");

        const transient = new FnEngine({}, async () => { throw new TransientError("throttled"); });
        const t = await go(transient, { selected: ["b"] as unknown as Layer[] }).summary;
        assert.equal(byLayer(t).b.attempts, 3);
        assert.equal(byLayer(t).b.error, "reading outputs of dev-a: throttled");
    });

    it("a run aborted before it starts starts nothing and reports every layer cancelled", async () => {
        const controller = new AbortController();
        controller.abort();
        const engine = new FnEngine();
        const { events, summary } = go(engine, { signal: controller.signal });
        const s = await summary;
        assert.equal(s.interrupted, true);
        assert.equal(engine.requests.length, 0);
        for (const layer of ["a", "b"]) {
            assert.equal(byLayer(s)[layer].status, "cancelled");
            assert.equal(byLayer(s)[layer].error, "not started: the run was interrupted");
            assert.equal(byLayer(s)[layer].attempts, 0);
        }
        assert.deepEqual(states(events, "a").at(-1), ["cancelled", undefined, "not started: the run was interrupted"]);
    });

    it("relays the run's abort reason to the running layer and reports its error as interrupted", async () => {
        const controller = new AbortController();
        let seen: unknown;
        const engine = new FnEngine({
            a: (req) => new Promise((_resolve, reject) => {
                req.signal.addEventListener("abort", () => { seen = req.signal.reason; reject(new Error("operation aborted")); });
            }),
        });
        const { summary } = go(engine, { signal: controller.signal });
        await new Promise((r) => setTimeout(r, 20));
        const reason = new Error("because");
        controller.abort(reason);
        const s = await summary;
        assert.equal(seen, reason);
        assert.equal(byLayer(s).a.status, "cancelled");
        assert.equal(byLayer(s).a.error, "interrupted: operation aborted");
        assert.equal(byLayer(s).b.error, "not started: the run was interrupted");
        assert.equal(s.interrupted, true);
    });

    it("forgets a finished layer: a later abort does not reach its signal, nor do its late events", async () => {
        const controller = new AbortController();
        let signal: AbortSignal | undefined;
        let late: ((e: EngineEvent) => void) | undefined;
        const engine = new FnEngine({
            a: (req) => { signal = req.signal; late = req.onEvent; req.onEvent({ kind: "log", layer: req.layer, line: "early" }); return ok(req); },
        });
        const { events, summary } = go(engine, { signal: controller.signal, selected: ["a"] as unknown as Layer[] });
        await summary;
        late!({ kind: "log", layer: "a" as Layer, line: "late" });
        controller.abort();
        assert.equal(signal!.aborted, false);
        const lines = events.filter((e) => e.kind === "log").map((e) => (e as { line: string }).line);
        assert.deepEqual(lines, ["early"]);
    });

    it("keeps the summary of a run whose signal aborts only after it finished", async () => {
        const controller = new AbortController();
        const s = await go(new FnEngine(), { signal: controller.signal }).summary;
        controller.abort();
        assert.equal(s.interrupted, false);
    });

    it("writes the whole story of a layer to its log file", async () => {
        const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-logs-"));
        const engine = new ScriptedEngine({ cluster: { transientFailures: 1, durationMs: 2 } });
        const s = await runPipeline({ env: "qa", operation: "up", engine, selected: ["cluster"], retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, logDir });
        const cluster = s.outcomes.find((o) => o.layer === "cluster")!;
        assert.equal(cluster.logFile, path.join(logDir, "qa-cluster.log"));
        const lines = fs.readFileSync(cluster.logFile!, "utf8").trimEnd().split("\n").map((l) => l.replace(/^\S+ /, ""));
        assert.equal(lines[0], "qa-cluster up on engine scripted");
        assert.equal(lines[1], "attempt 1");
        assert.ok(lines.includes("started up"));
        const failedAt = lines.findIndex((l) => l.startsWith("attempt 1 failed: TransientError: throttled (attempt 1)"));
        assert.ok(failedAt > 0, lines.join("\n"));
        assert.match(lines[failedAt + 1], /^\s+at /, "the stack is logged");
        assert.ok(lines.some((l) => /^transient error; retrying in [01] ms$/.test(l)), lines.join("\n"));
        assert.ok(lines.includes("attempt 2"));
        assert.equal(lines.at(-1), "succeeded");
        assert.equal(s.outcomes.find((o) => o.layer === "images")!.logFile, undefined);
    });

    it("logs a failure with its message when the error has no stack, and the final status with its error", async () => {
        const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-logs-"));
        const engine = new FnEngine({ a: () => { throw "bare"; } });
        const s = await go(engine, { selected: ["a"] as unknown as Layer[], logDir }).summary;
        const lines = fs.readFileSync(byLayer(s).a.logFile!, "utf8").trimEnd().split("\n").map((l) => l.replace(/^\S+ /, ""));
        assert.deepEqual(lines, ["dev-a up on engine fn", "attempt 1", "attempt 1 failed: bare", "failed: bare"]);
    });
});
