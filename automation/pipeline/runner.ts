/**
 * The pipeline: runs the selected layers of one environment through an Engine in graph order
 * (reverse for destroy), in parallel where no path joins them, with retries for transient
 * errors, and stops cleanly on abort. It always resolves with a summary of exactly what ran.
 */
import type { Engine, EngineEvent, LayerResult, Operation, OutputValue, PassThrough } from "../engine";
import { InputError, TransientError } from "../../common/errors";
import type { Environment } from "../../environments/schema";
import { LAYER_NEEDS, type Layer } from "../../stacks/graph";
import { stackName } from "../../stacks/names";
import { DEFAULT_RETRY, type RetryPolicy, backoffDelay, sleep, validateRetry } from "./backoff";
import { openLayerLog } from "./layer-log";
import { type RunPlan, planRun } from "./plan";

export type LayerStatus = "succeeded" | "unchanged" | "failed" | "skipped" | "not-selected" | "cancelled";

export interface LayerOutcome {
    layer: Layer;
    status: LayerStatus;
    attempts: number;
    /** Last error message (first failure cause for failed, abort reason for cancelled). */
    error?: string;
    /** For failed: the exit code the layer's error carries (e.g. 5 for a mandatory policy violation). */
    errorExitCode?: number;
    /** For skipped: the failed layer this one builds on. */
    skippedBecause?: Layer;
    result?: LayerResult;
    startedAt?: string;
    /** From the first attempt to the end of the last, backoff included. */
    durationMs?: number;
    logFile?: string;
}

export interface RunSummary {
    env: string;
    operation: Operation;
    engine: string;
    /** Every layer of the graph in run order, unselected ones as "not-selected". */
    outcomes: LayerOutcome[];
    durationMs: number;
    interrupted: boolean;
}

/** Engine events plus the pipeline's own per-layer state changes ("retrying" carries the next attempt). */
export type PipelineEvent =
    | EngineEvent
    | { kind: "layer-state"; layer: Layer; status: "queued" | "running" | "retrying" | LayerStatus; attempt?: number; error?: string };

export interface RunOptions {
    env: string;
    /** The environment's parsed file, handed to the engine with each layer. */
    environment?: Environment;
    operation: Operation;
    engine: Engine;
    /** From selectLayers(). */
    selected: Layer[];
    /** Layers running at once; default 2. */
    parallel?: number;
    signal?: AbortSignal;
    /** Default 3 attempts, 2000 ms base, exponential with jitter, 30 s cap. */
    retry?: RetryPolicy;
    expectNoChanges?: boolean;
    /** Pulumi flags for the layers (see PassThrough). */
    passThrough?: PassThrough;
    /** Directory for per-layer engine logs (<logDir>/<env>-<layer>.log). */
    logDir?: string;
    onEvent?: (e: PipelineEvent) => void;
    /** Layer graph; default LAYER_NEEDS. */
    needs?: Readonly<Record<string, readonly string[]>>;
    /**
     * Change detection, asked once per layer when its upstream outputs are known, just before it
     * would run: true settles the layer as "unchanged" without running it (its dependents then
     * read its outputs from the engine). Asking late, not up front, lets a layer downstream of
     * one that ran be skipped when that run left the outputs it reads as they were.
     */
    isUnchanged?: (layer: Layer, upstream: Partial<Record<Layer, Record<string, OutputValue>>>) => Promise<boolean>;
}

/** Checks the run options that come from people; throws InputError naming the bad value. */
export function validateRunOptions(opts: RunOptions): void {
    if (!opts.env) throw new InputError("env must be a non-empty environment name");
    const parallel = opts.parallel ?? 2;
    if (!Number.isInteger(parallel) || parallel < 1) {
        throw new InputError(`parallel must be an integer >= 1, got ${opts.parallel}`);
    }
    if (opts.retry) validateRetry(opts.retry);
}

/** Runs the pipeline; resolves (never rejects for layer failures or abort) with the run summary. */
export async function runPipeline(opts: RunOptions): Promise<RunSummary> {
    validateRunOptions(opts);
    const needs = opts.needs ?? LAYER_NEEDS;
    const plan = planRun(opts.selected, opts.operation, needs);
    const run = new Run(opts, plan);
    return run.execute();
}

class Run {
    private readonly outcomes = new Map<string, LayerOutcome>();
    private readonly settled = new Set<string>();
    private readonly fetched = new Map<string, Promise<Record<string, OutputValue>>>();
    /** A preview's layers whose engine gave their outputs before it finished checking them. */
    private readonly early = new Map<string, Record<string, OutputValue>>();
    /** Wakes the scheduling loop when early outputs let a waiting layer start. */
    private wake: () => void = () => undefined;
    private readonly retry: RetryPolicy;
    private readonly parallel: number;
    private interrupted = false;

    constructor(private readonly opts: RunOptions, private readonly plan: RunPlan) {
        this.retry = opts.retry ?? DEFAULT_RETRY;
        this.parallel = opts.parallel ?? 2;
        for (const layer of plan.order) {
            const status: LayerStatus = plan.selected.has(layer) ? "cancelled" : "not-selected";
            this.outcomes.set(layer, { layer: layer as Layer, status, attempts: 0 });
        }
    }

    async execute(): Promise<RunSummary> {
        const started = Date.now();
        const { signal } = this.opts;
        const onAbort = () => (this.interrupted = true);
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent; an AbortSignal fires "abort" at most once and the finally below removes the listener
        signal?.addEventListener("abort", onAbort, { once: true });
        if (signal?.aborted) this.interrupted = true;
        try {
            const pending = this.plan.order.filter((l) => this.plan.selected.has(l));
            for (const layer of pending) this.state(layer, "queued");
            const running = new Map<string, Promise<void>>();
            for (;;) {
                for (const layer of [...pending]) {
                    const start = this.decide(layer, running.size);
                    if (start === "wait") continue;
                    pending.splice(pending.indexOf(layer), 1);
                    if (start === "run") {
                        running.set(layer, this.runLayer(layer).finally(() => running.delete(layer)));
                    }
                }
                if (running.size === 0) break;
                const woken = new Promise<void>((resolve) => (this.wake = resolve));
                await Promise.race([...running.values(), woken]);
            }
            // A DAG always drains; anything left means the plan was inconsistent.
            // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable; each pass starts or settles the first pending layer in graph order, so a DAG always drains
            if (pending.length > 0) throw new Error(`pipeline stalled with layers pending: ${pending.join(", ")}`);
        } finally {
            signal?.removeEventListener("abort", onAbort);
        }
        return {
            env: this.opts.env,
            operation: this.opts.operation,
            engine: this.opts.engine.name,
            outcomes: this.plan.order.map((l) => this.outcomes.get(l)!),
            durationMs: Date.now() - started,
            interrupted: this.interrupted,
        };
    }

    /** Starts, settles (skipped / cancelled) or keeps waiting one pending layer. */
    private decide(layer: string, runningCount: number): "run" | "settled" | "wait" {
        if (this.opts.signal?.aborted) {
            this.finish(layer, { status: "cancelled", error: "not started: the run was interrupted" });
            return "settled";
        }
        const waits = this.plan.waitsFor[layer];
        // A skipped prerequisite was skipped because of a failed one, which is also waited on. In a
        // preview, a layer that failed after giving its outputs (its policy check did) blocks
        // nothing: its plan was final, and whether a dependent had started by then is timing.
        const failed = waits.find((l) => this.outcomes.get(l)!.status === "failed" && this.settled.has(l) && !this.early.has(l));
        if (failed !== undefined) {
            this.finish(layer, { status: "skipped", skippedBecause: failed as Layer, error: `${failed} failed` });
            return "settled";
        }
        // A preview changes nothing and its findings gate no layer: outputs are all a dependent needs.
        const ready = waits.every((l) => this.early.has(l) || (this.settled.has(l) && ["succeeded", "unchanged"].includes(this.outcomes.get(l)!.status)));
        return ready && runningCount < this.parallel ? "run" : "wait";
    }

    private async runLayer(layer: string): Promise<void> {
        const { engine, env, operation } = this.opts;
        const controller = new AbortController();
        const relay = () => controller.abort(this.opts.signal?.reason);
        this.opts.signal?.addEventListener("abort", relay, { once: true });
        const log = openLayerLog(this.opts.logDir, env, layer as Layer);
        const outcome = this.outcomes.get(layer)!;
        outcome.logFile = log.file;
        outcome.startedAt = new Date().toISOString();
        const started = Date.now();
        let live = true;
        const onEvent = (e: EngineEvent) => {
            // Events after the layer settled would contradict the state already reported.
            if (!live) return;
            log.event(e);
            this.opts.onEvent?.(e);
        };
        log.write(`${stackName(env, layer as Layer)} ${operation} on engine ${engine.name}`);
        let attempt = 0;
        try {
            for (;;) {
                attempt++;
                outcome.attempts = attempt;
                this.state(layer, "running", { attempt });
                log.write(`attempt ${attempt}`);
                try {
                    // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable; the run signal is checked just before a layer starts and after every backoff sleep
                    if (controller.signal.aborted) throw new Error("interrupted before start");
                    const upstream = await this.upstream(layer, controller.signal);
                    if (attempt === 1 && (await this.opts.isUnchanged?.(layer as Layer, upstream))) {
                        outcome.attempts = 0;
                        this.settle(layer, log, { status: "unchanged" }, started);
                        return;
                    }
                    const result = await engine.run({
                        env, environment: this.opts.environment, layer: layer as Layer, operation, signal: controller.signal, onEvent, upstream,
                        expectNoChanges: this.opts.expectNoChanges, passThrough: this.opts.passThrough,
                        onOutputs: operation === "preview" ? (outputs) => {
                            if (!live) return;
                            this.early.set(layer, outputs);
                            this.wake();
                        } : undefined,
                    });
                    outcome.result = result;
                    this.settle(layer, log, { status: "succeeded" }, started);
                    return;
                } catch (err) {
                    const message = describe(err);
                    log.write(`attempt ${attempt} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
                    if (controller.signal.aborted) {
                        this.settle(layer, log, { status: "cancelled", error: `interrupted: ${message}` }, started);
                        return;
                    }
                    if (!(err instanceof TransientError) || attempt >= this.retry.attempts) {
                        const exitCode = (err as { exitCode?: unknown }).exitCode;
                        // An engine may attach what it saw before failing (e.g. the findings that stopped it).
                        const partial = (err as { result?: LayerResult }).result;
                        if (partial && typeof partial === "object" && Array.isArray(partial.resources)) outcome.result = partial;
                        this.settle(layer, log, { status: "failed", error: message, errorExitCode: typeof exitCode === "number" ? exitCode : undefined }, started);
                        return;
                    }
                    // Layers that have not started yet wait for the next attempt's outputs.
                    this.early.delete(layer);
                    const delay = backoffDelay(attempt, this.retry);
                    log.write(`transient error; retrying in ${delay} ms`);
                    this.state(layer, "retrying", { attempt: attempt + 1, error: message });
                    await sleep(delay, controller.signal);
                    if (controller.signal.aborted) {
                        this.settle(layer, log, { status: "cancelled", error: `interrupted while waiting to retry: ${message}` }, started);
                        return;
                    }
                }
            }
        } finally {
            // Every return settles the layer first; nothing the engine sends later is reported.
            live = false;
            this.opts.signal?.removeEventListener("abort", relay);
            await log.close();
        }
    }

    /** Outputs of the layers this one needs: from this run's results, or read once per run from the engine. */
    private async upstream(layer: string, signal: AbortSignal): Promise<Partial<Record<Layer, Record<string, OutputValue>>>> {
        const out: Partial<Record<Layer, Record<string, OutputValue>>> = {};
        for (const source of this.plan.upstream[layer]) {
            if (source.from === "run" && this.outcomes.get(source.layer)!.status !== "unchanged") {
                out[source.layer as Layer] = this.outcomes.get(source.layer)!.result?.outputs ?? this.early.get(source.layer) ?? {};
                continue;
            }
            let pending = this.fetched.get(source.layer);
            if (!pending) {
                pending = this.opts.engine.outputs(this.opts.env, source.layer as Layer, signal);
                this.fetched.set(source.layer, pending);
                // A failed read is retried by the next attempt, not cached.
                pending.catch(() => this.fetched.delete(source.layer));
            }
            try {
                out[source.layer as Layer] = await pending;
            } catch (err) {
                const message = `reading outputs of ${stackName(this.opts.env, source.layer as Layer)}: ${describe(err)}`;
                throw err instanceof TransientError ? new TransientError(message, err) : new Error(message, { cause: err });
            }
        }
        return out;
    }

    private settle(layer: string, log: { write(line: string): void }, fields: Partial<LayerOutcome>, started: number): void {
        this.outcomes.get(layer)!.durationMs = Date.now() - started;
        log.write(`${fields.status}${fields.error ? `: ${fields.error}` : ""}`);
        this.finish(layer, fields);
    }

    private finish(layer: string, fields: Partial<LayerOutcome>): void {
        Object.assign(this.outcomes.get(layer)!, fields);
        this.settled.add(layer);
        this.state(layer, fields.status!, { error: fields.error });
    }

    private state(layer: string, status: Extract<PipelineEvent, { kind: "layer-state" }>["status"], extra: { attempt?: number; error?: string } = {}): void {
        this.opts.onEvent?.({ kind: "layer-state", layer: layer as Layer, status, ...extra });
    }
}

function describe(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
