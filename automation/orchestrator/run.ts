/**
 * The one way a command runs layers. A session loads the environment once, picks and prepares
 * the engine, takes the environment lock when the command changes state, and turns Ctrl-C
 * (and SIGTERM) into an abort; `runLayers` then runs the pipeline with progress or NDJSON
 * events, journals the run as it goes, keeps the fingerprints and settles a release whose
 * layers are now all applied (in the history file, and with the state where the engine keeps it). `up`, `preview`, `refresh`, `drift`, `destroy`, `promote` and
 * `rollback` all go through here.
 */
import type { Engine, Operation, PassThrough } from "../engine";
import type { Environment } from "../../environments/schema";
import { loadEnvironment } from "../../environments/load";
import { LAYERS, type Layer } from "../../stacks/graph";
import { DeploymentError, EXIT, InputError, InterruptedError, PolicyError } from "../../common/errors";
import { createEngine, type EngineName } from "../engines";
import type { ProviderMode } from "../engines/pulumi-cli";
import { runPipeline, type LayerStatus, type PipelineEvent, type RunSummary } from "../pipeline/runner";
import { selectLayers } from "../pipeline/selection";
import { installSignalHandlers } from "../pipeline/signals";
import { colorWanted, createProgress } from "../pipeline/progress";
import { errorText } from "../reports/model";
import type { StatusRecord } from "../release/history";
import { keepRelease, unkeptNote } from "../release/marks";
import { settleRelease } from "../release/progress";
import { pauseAt } from "../state/fault-points";
import { FingerprintRecorder, fingerprintStore, fingerprintUnchanged } from "../state/fingerprint";
import { acquireLock, type LockHandle } from "../state/lock";
import { endsLayer, layersKilledMidRun, markRun, startRun } from "../state/runs";
import { statePaths, type StatePaths } from "../state/workspace";
import { PROJECT_DIR } from "../../stacks/settings";
import { emit, type OutputArgs } from "./output";

/** What every command that runs an engine is given, parsed and checked by the CLI. */
export interface EngineArgs extends OutputArgs {
    engine?: EngineName;
    providers?: ProviderMode;
    parallel?: number;
}

/** Layer selection as the CLI parsed it. */
export interface SelectionArgs {
    layer?: string[];
    withDeps?: boolean;
    withDependents?: boolean;
}

/** Loads environments/<name>.yaml once per command; a missing --env is bad input. */
export function resolveEnvironment(name: string | undefined): Environment {
    if (!name) throw new InputError("--env is required; pass --env <name> (see environments/)");
    return loadEnvironment(name);
}

/** Validates the layer flags and resolves them to layers in dependency order. */
export function resolveLayers(args: SelectionArgs): Layer[] {
    return selectLayers({ layer: args.layer, withDeps: args.withDeps ?? false, withDependents: args.withDependents ?? false });
}

/** Creates and prepares the named engine; says on stderr what will run and where its state lives. */
export async function makeEngine(name: EngineName, providers: ProviderMode | undefined, state: StatePaths): Promise<Engine> {
    const engine = createEngine(name, { projectDir: PROJECT_DIR, logDir: state.engineLogs, stateDir: state.offline, providers });
    // A bad setup is exit 2 here, before any lock or stack is touched.
    const setup = await engine.prepare?.();
    if (setup) process.stderr.write(`${setup}\n`);
    if (engine.note) process.stderr.write(`${engine.note}\n`);
    return engine;
}

/** One command's hold on an environment: its parsed file, the engine, the abort signal and the lock. */
export interface Session {
    readonly env: string;
    readonly environment: Environment;
    readonly engine: Engine;
    readonly signal: AbortSignal;
    readonly state: StatePaths;
    readonly args: EngineArgs;
    readonly parallel: number;
    readonly lock?: LockHandle;
}

export interface SessionOptions {
    /** Take the environment lock for the whole session, naming this command to other runs. */
    lock?: string;
}

/** Checks --parallel; one line naming the bad value and the fix. */
export function validateParallel(value: number | undefined): number {
    if (value === undefined) return 2;
    if (Number.isNaN(value)) throw new InputError("--parallel needs a number; pass a whole number from 1 to 16");
    if (!Number.isInteger(value) || value < 1 || value > 16) throw new InputError(`--parallel ${value} is not valid; pass a whole number from 1 to 16`);
    return value;
}

/**
 * Runs `body` with a session on `environment`, and always releases what it took: the signal
 * handlers, the lock and the engine (its policy server and child processes).
 */
export async function withSession<T>(args: EngineArgs, environment: Environment, opts: SessionOptions, body: (s: Session) => Promise<T>): Promise<T> {
    const parallel = validateParallel(args.parallel);
    const state = statePaths();
    const engine = await makeEngine(args.engine ?? "pulumi", args.providers, state);
    let lock: LockHandle | undefined;
    let dispose: (() => void) | undefined;
    try {
        lock = opts.lock ? acquireLock(state.locks, environment.name, { command: opts.lock }) : undefined;
        if (lock?.staleCleared) process.stderr.write(`cleared a stale lock left by pid ${lock.staleCleared.pid} (${lock.staleCleared.command})\n`);
        const controller = new AbortController();
        dispose = installSignalHandlers(controller);
        return await body({ env: environment.name, environment, engine, signal: controller.signal, state, args, parallel, lock });
    } finally {
        dispose?.();
        lock?.release();
        await engine.close?.();
    }
}

export interface LayerRunOptions {
    operation: Operation;
    selected: Layer[];
    expectNoChanges?: boolean;
    /** Pulumi flags passed to the layers (up and preview). */
    passThrough?: PassThrough;
    /** Journal the run for promotion and `up --resume`; off for offline checks and previews before an up. */
    record?: boolean;
    /** Leave out selected layers whose fingerprint matches their last successful up. */
    skipUnchanged?: boolean;
    /** The environment as it is now, when the session's copy is stale (a release just wrote pins). */
    environment?: Environment;
    /** Mark an unfinished release applied once this up has applied every layer; off when the caller records the release itself. */
    settle?: boolean;
}

/**
 * Runs the selected layers and returns the summary (it never throws for layer failures). Layers
 * change detection left out have the status "unchanged" in the summary.
 */
export async function runLayers(s: Session, opts: LayerRunOptions): Promise<RunSummary> {
    const environment = opts.environment ?? s.environment;
    const record = opts.record ?? true;
    const live = s.args.json || s.args.events ? undefined : createProgress({ layers: opts.selected, stream: process.stderr, color: s.args.color !== false && colorWanted() });
    // Read before this run journals itself: the layers a killed up left unfinished run again, whatever
    // their fingerprints say (a layer it never reached runs once more too, which changes nothing).
    const halfApplied = opts.skipUnchanged ? layersKilledMidRun(s.state.root, s.env) : new Set<Layer>();
    const journal = record ? startRun(s.state.root, { env: s.env, operation: opts.operation, engine: s.engine.name, layers: opts.selected }) : undefined;
    // Each finished layer's fingerprint is stored as it finishes, before the journal says it did.
    const fingerprints = new FingerprintRecorder(s.state.root, environment, s.engine);
    let recording: Promise<unknown> = Promise.resolve();
    const onEvent = (e: PipelineEvent) => {
        emit(s.args, { env: s.env, ...e });
        live?.onEvent(e);
        if (journal && e.kind === "layer-state" && endsLayer(e.status)) {
            const { layer, status, error } = e as typeof e & { status: LayerStatus };
            const stored = opts.operation === "up" && status === "succeeded" ? () => fingerprints.succeeded(layer) : async () => undefined;
            recording = recording.then(stored).catch(() => undefined).then(() => journal.layerEnded(layer, status, error));
        }
        if (e.kind === "layer-state" && e.status === "running" && opts.operation === "up") pauseAt(`layer-running:${e.layer}`);
    };
    const store = fingerprintStore(s.state.root, s.engine);
    const summary = await runPipeline({
        env: s.env,
        operation: opts.operation,
        engine: s.engine,
        environment,
        selected: opts.selected,
        parallel: s.parallel,
        signal: s.signal,
        expectNoChanges: opts.expectNoChanges,
        passThrough: opts.passThrough,
        logDir: s.state.logs,
        // Compared under the lock, so no other run changes the state between the check and the run.
        isUnchanged: opts.skipUnchanged ? async (layer, upstream) => !halfApplied.has(layer) && fingerprintUnchanged(store, environment, layer, upstream) : undefined,
        onEvent,
    });
    live?.stop();
    if (journal) {
        await recording;
        const finished = journal.finish(summary);
        // An up is also kept with the state, for promotion gates on other machines; the local journal stays the record.
        if (opts.operation === "up" && s.engine.runMarks) {
            const unmarked = await markRun(s.engine.runMarks, finished, summary);
            if (unmarked.length) process.stderr.write(`could not keep this run's record with the state for ${unmarked.join("; ")}; a promotion from another machine will not see it\n`);
        }
        await fingerprints.finish(summary);
        const settled = opts.operation === "up" && opts.settle !== false ? settleRelease(s.state.root, s.env) : undefined;
        // Every layer has applied the release's pins (this up or earlier ones): each stack gets its mark.
        if (settled) await keepReleaseWithState(s, [...LAYERS], settled);
    }
    return summary;
}

/**
 * Keeps how a release's apply ended with the state of `layers`, where the engine keeps marks (the
 * Pulumi engine), so `infra releases` elsewhere sees it; says on stderr which layers it could not mark.
 */
export async function keepReleaseWithState(s: Session, layers: readonly Layer[], record: StatusRecord): Promise<void> {
    if (!s.engine.releaseMarks) return;
    const unmarked = await keepRelease(s.engine.releaseMarks, s.env, layers, record);
    if (unmarked.length) process.stderr.write(`${unkeptNote(record, unmarked)}\n`);
}

/** Throws the error that gives a finished run its exit code: interrupted, failed layers, or nothing. */
export function failureOf(summary: RunSummary): void {
    if (summary.interrupted) throw new InterruptedError(`${summary.operation} in ${summary.env} was interrupted; the summary above says what ran`);
    const failed = summary.outcomes.filter((o) => o.status === "failed");
    if (failed.length > 0) {
        const skipped = summary.outcomes.filter((o) => o.status === "skipped").map((o) => o.layer);
        const causes = failed.map((o) => `${o.layer} (${errorText(o.error) ?? "failed"})`).join("; ");
        // Pulumi's table: 5 when mandatory policy violations stopped every failed layer, else 4.
        const Failure = failed.every((o) => o.errorExitCode === EXIT.policy) ? PolicyError : DeploymentError;
        throw new Failure(`${summary.operation} failed in ${summary.env}: ${causes}${skipped.length ? `; not run: ${skipped.join(", ")}` : ""}`);
    }
}
