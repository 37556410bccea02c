/**
 * The offline engine: plans a whole environment end to end with no cloud, no cluster and no
 * Pulumi CLI. Each layer program runs in its own child process under the SDK mock runtime;
 * its resources then go through the real policy pack over the Analyzer protocol.
 */
import * as os from "os";
import * as path from "path";
import { loadEnvironment } from "../../environments/load";
import { ancestors, Layer } from "../../stacks/graph";
import type { Engine, LayerRequest, LayerResult, OutputValue, PolicyViolation } from "../engine";
import { emptyChanges } from "../engine";
import { InterruptedError } from "../../common/errors";
import { startPolicyPack, PolicyServer } from "../policy/analyzer";
import { policyConfig } from "../policy/config";
import type { RunnerMessage, RunnerRequest } from "./protocol";
import { statePaths } from "../state/workspace";
import { LayerWorkers } from "./workers";
import { diff, readState, removeState, toState, writeState } from "./state";
import type { Environment } from "../../environments/schema";
import { stackName } from "../../stacks/names";

export interface OfflineEngineOptions {
    projectDir: string;
    /** Per-layer engine logs; default the run-state folder's engine logs. */
    logDir?: string;
    /** Policy pack directory; false runs no policy checks. Default <projectDir>/policies. */
    policyPackDir?: string | false;
    /** Where offline "applied" state lives; default the run-state folder's. */
    stateDir?: string;
    /** Layer worker processes kept ready; default `defaultWorkers()`. */
    workers?: number;
}

/**
 * Layer workers by default: two (the pipeline's default parallelism), but never more than the
 * cores left over by the orchestrator and the policy pack, which start at the same moment. Each
 * worker spends over a second of CPU loading the SDK; planning a layer offline costs less than
 * that, so on two cores a second worker slows a run down instead of overlapping anything.
 */
export function defaultWorkers(cores = os.availableParallelism()): number {
    return Math.max(1, Math.min(2, cores - 1));
}

export class OfflineEngine implements Engine {
    readonly name = "offline";
    private readonly logDir: string;
    private readonly stateDir: string;
    private readonly packDir: string | false;
    /** One policy server per environment: each environment configures the pack's strictness. */
    private readonly policies = new Map<string, Promise<PolicyServer>>();
    private workers?: LayerWorkers;

    constructor(private readonly opts: OfflineEngineOptions) {
        this.logDir = opts.logDir ?? statePaths().engineLogs;
        this.stateDir = opts.stateDir ?? statePaths().offline;
        this.packDir = opts.policyPackDir === undefined ? path.join(opts.projectDir, "policies") : opts.policyPackDir;
    }

    async run(req: LayerRequest): Promise<LayerResult> {
        const started = Date.now();
        req.onEvent({ kind: "started", layer: req.layer, operation: req.operation });
        const previous = readState(this.stateDir, req.env, req.layer);
        if (req.operation === "destroy") {
            const changes = emptyChanges();
            changes.delete = previous?.resources.length ?? 0;
            removeState(this.stateDir, req.env, req.layer);
            return { env: req.env, layer: req.layer, operation: req.operation, resources: [], changes, outputs: {}, policy: [], schema: [], durationMs: Date.now() - started };
        }
        const logFile = path.join(this.logDir, `${stackName(req.env, req.layer)}.log`);
        // Start the policy pack now so its start-up overlaps the layer's planning.
        if (req.operation !== "refresh") this.policyServer(req.env, req.environment)?.catch(() => undefined);
        const recording = await this.record(req.env, req.layer, req.upstream, req.signal, logFile, (done, resource) =>
            req.onEvent({ kind: "progress", layer: req.layer, done, resource }));
        // The plan is final here: a preview's dependents may start while the pack checks it.
        req.onOutputs?.(recording.outputs);
        const policy = req.operation === "refresh" ? [] : await this.analyze(req, recording.resources);
        for (const violation of policy) req.onEvent({ kind: "policy", layer: req.layer, violation });
        const changes = req.operation === "refresh" ? { ...emptyChanges(), same: recording.resources.length } : diff(previous, recording.resources);
        const mandatory = policy.filter((v) => v.enforcement === "mandatory");
        if (req.operation === "up" && mandatory.length === 0 && recording.schema.length === 0) {
            writeState(this.stateDir, toState(req.env, req.layer, recording.resources, recording.outputs));
        }
        return {
            env: req.env,
            layer: req.layer,
            operation: req.operation,
            resources: recording.resources,
            changes,
            outputs: recording.outputs,
            policy,
            schema: recording.schema,
            durationMs: Date.now() - started,
            logFile,
        };
    }

    /** Outputs of the last offline `up`, or, when there is none (or its secrets were not kept), of a fresh plan of the layer and its upstream. */
    async outputs(env: string, layer: Layer, signal?: AbortSignal): Promise<Record<string, OutputValue>> {
        const saved = readState(this.stateDir, env, layer);
        // Secrets written without a passphrase were not kept: plan again (the outputs are deterministic).
        if (saved && !saved.withheld?.length) return saved.outputs;
        const upstream: Partial<Record<Layer, Record<string, OutputValue>>> = {};
        for (const need of ancestors(layer)) upstream[need] = await this.outputs(env, need, signal);
        const logFile = path.join(this.logDir, `${stackName(env, layer)}.log`);
        return (await this.record(env, layer, upstream, signal ?? new AbortController().signal, logFile, () => undefined)).outputs;
    }

    async close(): Promise<void> {
        const workers = this.workers;
        this.workers = undefined;
        const servers = [...this.policies.values()];
        this.policies.clear();
        // Workers and packs stop side by side: each may take a moment to write its compile cache.
        await Promise.all([workers?.close(), ...servers.map(async (s) => (await s.catch(() => undefined))?.close())]);
    }

    private async analyze(req: LayerRequest, resources: LayerResult["resources"]): Promise<PolicyViolation[]> {
        if (this.packDir === false) return [];
        if (req.signal.aborted) throw new InterruptedError();
        return (await this.policyServer(req.env, req.environment)!).analyze(resources, req.layer);
    }

    /** The environment's policy server, started on first use; undefined when policy is off. */
    private policyServer(env: string, environment?: Environment): Promise<PolicyServer> | undefined {
        if (this.packDir === false) return undefined;
        const server = this.policies.get(env) ?? startPolicyPack(this.packDir, policyConfig(environment ?? loadEnvironment(env)));
        this.policies.set(env, server);
        return server;
    }

    private record(env: string, layer: Layer, upstream: RunnerRequest["upstream"], signal: AbortSignal, logFile: string,
        onProgress: (done: number, resource: string) => void): Promise<Extract<RunnerMessage, { kind: "result" }>> {
        this.workers ??= new LayerWorkers(this.opts.workers ?? defaultWorkers(), this.opts.projectDir);
        const request: RunnerRequest = { kind: "run", env, layer, upstream, scratchDir: path.join(os.tmpdir(), `infra-offline-${process.pid}`) };
        return this.workers.run(request, { signal, logFile, onProgress });
    }
}
