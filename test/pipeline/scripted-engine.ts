/**
 * An Engine double driven by a script per layer: how long a run takes, how it fails, what it
 * outputs, and whether it honours abort. It records every call with start and end times.
 */
import type { Engine, LayerRequest, LayerResult, Operation, OutputValue } from "../../automation/engine";
import { emptyChanges } from "../../automation/engine";
import { TransientError } from "../../common/errors";
import type { Layer } from "../../stacks/graph";

export interface LayerScript {
    /** Time one run takes; default 20 ms. */
    durationMs?: number;
    /** Every attempt fails with this (a plain Error: a program error). */
    fail?: string;
    /** The first N attempts fail with a TransientError, later ones succeed. */
    transientFailures?: number;
    /** Outputs produced by a run (plain values). */
    outputs?: Record<string, unknown>;
    /** Outputs reported by engine.outputs() for this layer (the state of a previous run). */
    storedOutputs?: Record<string, unknown>;
    /** Keep running when aborted (models an engine that cannot be interrupted). */
    ignoreAbort?: boolean;
    /** Resources reported as progress events, one per step; default 2. */
    resources?: number;
    /**
     * After the run: give the outputs through onOutputs (where the request has it), then take
     * this long checking them before returning, as the offline engine's policy pack does.
     */
    checkMs?: number;
    /** With checkMs: the check fails with this after the outputs were given. */
    checkFail?: string;
}

export interface RecordedCall {
    layer: string;
    operation: Operation;
    attempt: number;
    start: number;
    /** When the outputs were given through onOutputs (checkMs scripts). */
    outputsAt?: number;
    end?: number;
    outcome?: "ok" | "failed" | "transient" | "aborted";
    upstream: LayerRequest["upstream"];
}

export class ScriptedEngine implements Engine {
    readonly name = "scripted";
    readonly calls: RecordedCall[] = [];
    readonly outputsCalls: string[] = [];
    private readonly attempts = new Map<string, number>();
    private readonly t0 = Date.now();

    constructor(private readonly script: Record<string, LayerScript> = {}) {}

    async run(req: LayerRequest): Promise<LayerResult> {
        const s = this.script[req.layer] ?? {};
        const attempt = (this.attempts.get(req.layer) ?? 0) + 1;
        this.attempts.set(req.layer, attempt);
        const call: RecordedCall = { layer: req.layer, operation: req.operation, attempt, start: this.now(), upstream: req.upstream };
        this.calls.push(call);
        req.onEvent({ kind: "started", layer: req.layer, operation: req.operation });
        const total = s.resources ?? 2;
        const step = (s.durationMs ?? 20) / total;
        try {
            for (let done = 1; done <= total; done++) {
                // Deadlines from the call's start, so timer lateness does not add up across steps.
                const due = call.start + step * done - this.now();
                await this.wait(Math.max(0, due), s.ignoreAbort ? undefined : req.signal);
                req.onEvent({ kind: "progress", layer: req.layer, done, total, resource: `urn:${req.layer}:r${done}` });
            }
        } catch (err) {
            call.end = this.now();
            call.outcome = "aborted";
            throw err;
        }
        call.end = this.now();
        if (s.fail !== undefined) {
            call.outcome = "failed";
            req.onEvent({ kind: "log", layer: req.layer, line: `error: ${s.fail}` });
            throw new Error(s.fail);
        }
        if (attempt <= (s.transientFailures ?? 0)) {
            call.outcome = "transient";
            throw new TransientError(`throttled (attempt ${attempt})`);
        }
        if (s.checkMs !== undefined) {
            call.outputsAt = this.now();
            req.onOutputs?.(plain(s.outputs ?? {}));
            await this.wait(s.checkMs, s.ignoreAbort ? undefined : req.signal);
            call.end = this.now();
            if (s.checkFail !== undefined) {
                call.outcome = "failed";
                throw new Error(s.checkFail);
            }
        }
        call.outcome = "ok";
        return {
            env: req.env, layer: req.layer, operation: req.operation, resources: [],
            changes: { ...emptyChanges(), create: total },
            outputs: plain(s.outputs ?? {}), policy: [], schema: [], durationMs: call.end - call.start,
        };
    }

    async outputs(_env: string, layer: Layer): Promise<Record<string, OutputValue>> {
        this.outputsCalls.push(layer);
        return plain(this.script[layer]?.storedOutputs ?? {});
    }

    /** The recorded call for a layer (last attempt). */
    call(layer: string): RecordedCall | undefined {
        return [...this.calls].reverse().find((c) => c.layer === layer);
    }

    private now(): number {
        return Date.now() - this.t0;
    }

    private wait(ms: number, signal?: AbortSignal): Promise<void> {
        return new Promise((resolve, reject) => {
            const onAbort = () => {
                clearTimeout(timer);
                const err = new Error("operation aborted");
                err.name = "AbortError";
                reject(err);
            };
            if (signal?.aborted) return onAbort();
            const timer = setTimeout(() => {
                signal?.removeEventListener("abort", onAbort);
                resolve();
            }, ms);
            signal?.addEventListener("abort", onAbort, { once: true });
        });
    }
}

function plain(values: Record<string, unknown>): Record<string, OutputValue> {
    return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: false }]));
}
