/**
 * Orchestration shared by the commands: resolve the environment and the layers, create the
 * engine, take the environment lock for mutating operations, run the pipeline with progress
 * or NDJSON events, and turn the summary into output and an error for the exit code.
 */
import * as path from "path";
import type { Operation, PassThrough } from "../engine";
import type { Environment } from "../../environments/schema";
import { loadEnvironment } from "../../environments/load";
import { LAYERS, type Layer } from "../../stacks/graph";
import { stackName } from "../../stacks/names";
import { DeploymentError, DriftError, EXIT, InterruptedError, InputError, PolicyError } from "../../common/errors";
import { createEngine } from "../engines/index";
import type { Engine } from "../engine";
import type { RunSummary } from "../pipeline/runner";
import { selectLayers } from "../pipeline/selection";
import { renderJson } from "../reports/json";
import { errorText, violationsOf } from "../reports/model";
import { installSignalHandlers } from "../pipeline/signals";
import { colorWanted, createProgress, renderSummary } from "../pipeline/progress";
import { recordRun, lastRun, resumeSelection } from "../state/runs";
import { fingerprintStore, fingerprintUnchanged, recordFingerprints } from "../state/fingerprint";
import { promptForName, promptYes, upGate } from "./confirm";
import { CommonArgs, EngineName, passThroughOf, validateParallel, type PassThroughArgs } from "../cli/options";
import type { ProviderMode } from "../engines/pulumi-cli";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const LOCK_DIR = path.join(PROJECT_DIR, ".infra", "locks");
/** Pipeline logs per layer; engine logs go one level down so the two never share a file. */
export const LOG_DIR = path.join(PROJECT_DIR, ".infra", "logs");
export const ENGINE_LOG_DIR = path.join(LOG_DIR, "engine");

/** Operations that change state and therefore hold the environment lock. */
const MUTATING: ReadonlySet<Operation> = new Set<Operation>(["up", "refresh", "destroy"]);

/** Validates --env (InputError listing the valid environments) and returns the parsed file. */
export function resolveEnvironment(name: string | undefined): Environment {
    if (!name) throw new InputError("--env is required; pass --env <name> (see environments/)");
    return loadEnvironment(name);
}

/** Validates the layer flags and resolves them to layers in dependency order. */
export function resolveLayers(args: Pick<CommonArgs, "layer" | "withDeps" | "withDependents">): Layer[] {
    return selectLayers({ layer: args.layer, withDeps: args.withDeps, withDependents: args.withDependents });
}

/** Creates the named engine with the project's directories. */
export async function makeEngine(name: EngineName, providers?: ProviderMode): Promise<Engine> {
    const engine = createEngine(name, { projectDir: PROJECT_DIR, logDir: ENGINE_LOG_DIR, providers });
    // What will run and where its state lives, said before anything is touched (a bad setup is exit 2 here).
    const setup = await engine.prepare?.();
    if (setup) process.stderr.write(`${setup}\n`);
    if (engine.note) process.stderr.write(`${engine.note}\n`);
    return engine;
}

/** Writes text to stdout (or stderr when stdout carries NDJSON events). */
export function print(args: Pick<CommonArgs, "events">, text: string): void {
    (args.events ? process.stderr : process.stdout).write(text.endsWith("\n") ? text : text + "\n");
}

/**
 * An AbortController that the first Ctrl-C aborts (engines then cancel cleanly and the
 * pipeline still prints its summary); a second Ctrl-C exits at once.
 */
export function interruptOnSigint(): { signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    const dispose = installSignalHandlers(controller);
    return { signal: controller.signal, dispose };
}

export interface ExecuteOptions {
    operation: Operation;
    expectNoChanges?: boolean;
    /** Pulumi flags passed to the layers (up and preview). */
    passThrough?: PassThrough;
    /** Layers already resolved by the caller (destroy resolves them before asking). */
    selected?: Layer[];
    /** The environment already loaded by the caller, so it is read and validated once. */
    environment?: Environment;
    /** What the lock file names as the running command. */
    command?: string;
    /** Record the run for promotion and `up --resume` (.infra/runs); off for offline checks. */
    record?: boolean;
    /** Leave out selected layers whose fingerprint matches their last successful up (`up` without --force-all). */
    skipUnchanged?: boolean;
}

/**
 * Runs one operation over one environment and returns the summary (it never throws for layer
 * failures). Layers change detection left out have the status "unchanged" in the summary.
 */
export async function executeRun(args: CommonArgs, opts: ExecuteOptions): Promise<RunSummary> {
    const environment = opts.environment ?? resolveEnvironment(args.env);
    const selected = opts.selected ?? resolveLayers(args);
    const parallel = validateParallel(args.parallel);
    const engine = await makeEngine(args.engine ?? "pulumi", args.providers);
    const { runPipeline } = require("../pipeline/runner") as typeof import("../pipeline/runner");
    const lock = MUTATING.has(opts.operation)
        ? (require("../state/lock") as typeof import("../state/lock")).acquireLock(LOCK_DIR, args.env, { command: opts.command ?? `infra ${opts.operation} --env ${args.env}` })
        : undefined;
    if (lock?.staleCleared) process.stderr.write(`cleared a stale lock left by pid ${lock.staleCleared.pid} (${lock.staleCleared.command})\n`);
    const interrupt = interruptOnSigint();
    const live = args.json || args.events ? undefined : createProgress({ layers: selected, stream: process.stderr, color: args.color !== false && colorWanted() });
    try {
        const summary = await runPipeline({
            env: args.env,
            operation: opts.operation,
            engine,
            selected,
            parallel,
            signal: interrupt.signal,
            expectNoChanges: opts.expectNoChanges,
            passThrough: opts.passThrough,
            logDir: LOG_DIR,
            // Compared under the lock, so no other run changes the state between the check and the run.
            isUnchanged: opts.skipUnchanged ? (layer, upstream) => fingerprintUnchanged(fingerprintStore(PROJECT_DIR, engine), environment, layer, upstream) : undefined,
            onEvent: (e) => {
                if (args.events) process.stdout.write(JSON.stringify({ time: new Date().toISOString(), env: args.env, ...e }) + "\n");
                live?.onEvent(e);
            },
        });
        live?.stop();
        if (opts.record ?? true) {
            recordRun(PROJECT_DIR, summary);
            await recordFingerprints(PROJECT_DIR, environment, summary, engine);
        }
        return summary;
    } finally {
        interrupt.dispose();
        lock?.release();
        await engine.close?.();
    }
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

/** Prints a finished run as JSON, or the summary table followed by policy findings. */
export function printSummary(args: CommonArgs, summary: RunSummary): void {
    if (args.json) return print(args, renderJson([summary]));
    const violations = violationsOf(summary);
    const findings = violations.map((v) => `  ${v.enforcement === "mandatory" ? "MANDATORY" : "advisory "} ${v.severity.padEnd(8)} ${v.layer}: ${v.rule}${v.resourceName ? ` ${v.resourceName}` : ""}: ${v.message.split("\n")[0]}`);
    print(args, [renderSummary(summary), ...(findings.length ? ["", "Policy findings:", ...findings] : [])].join("\n"));
}

/** The environment's layer a stack name `<env>-<layer>` names, if any. */
function layerOfStack(env: string): (stack: string) => string | undefined {
    return (stack) => LAYERS.find((l) => stack === stackName(env, l));
}

/** The selected layers and pass-through flags; --target narrows the layers to those its URNs name. */
function withPassThrough(args: CommonArgs & PassThroughArgs, selected: Layer[]): { selected: Layer[]; passThrough: PassThrough } {
    const { passThrough, targetLayers } = passThroughOf(args.env, args, layerOfStack(args.env));
    if (!targetLayers) return { selected, passThrough };
    const narrowed = selected.filter((l) => targetLayers.includes(l));
    if (narrowed.length === 0) throw new InputError(`--target names resources of ${targetLayers.join(", ")}, which the layer selection leaves out; drop --layer or select them`);
    return { selected: narrowed, passThrough };
}

/** `preview` and `refresh`: run, print, exit non-zero on failure. */
export async function runOperation(args: CommonArgs & PassThroughArgs, operation: Operation): Promise<void> {
    const { selected, passThrough } = operation === "preview" ? withPassThrough(args, resolveLayers(args)) : { selected: undefined, passThrough: undefined };
    const summary = await executeRun(args, { operation, selected, passThrough });
    printSummary(args, summary);
    failureOf(summary);
}

/**
 * `up`: on a terminal, preview the selected layers and ask before applying (protected environments
 * need their name typed); without one, apply (protected environments only with --yes).
 */
export async function runUp(args: CommonArgs & PassThroughArgs & { yes: boolean; resume?: boolean; forceAll?: boolean; skipPreview?: boolean }, interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)): Promise<void> {
    const environment = resolveEnvironment(args.env);
    if (args.resume && args.layer?.length) throw new InputError("--resume picks the layers itself; drop --layer or --resume");
    const { selected, passThrough } = withPassThrough(args, args.resume ? resumeSelection(lastRun(PROJECT_DIR, args.env, ["up"]), args.env) : resolveLayers(args));
    const gate = upGate({ env: args.env, yes: args.yes, interactive, protectedEnv: environment.protected, skipPreview: Boolean(args.skipPreview) });
    // --resume already names exactly the layers left undone; --force-all applies every selected layer.
    const skipUnchanged = !args.resume && !args.forceAll;
    if (gate.preview) {
        const preview = await executeRun(args, { operation: "preview", selected, environment, record: false, skipUnchanged, passThrough, command: `infra up --env ${args.env} (preview)` });
        printSummary(args, preview);
        if (preview.interrupted) throw new InterruptedError(`up of ${args.env} was interrupted during its preview; nothing was applied`);
        const unpreviewed = preview.outcomes.filter((o) => o.status === "failed" || o.status === "skipped").map((o) => o.layer);
        if (unpreviewed.length) print(args, `Could not preview ${unpreviewed.join(", ")} (a layer they read may not be applied yet); they are applied after it.`);
    }
    if (gate.ask === "name" && !(await promptForName(args.env, selected, "updates"))) {
        throw new InputError(`up of "${args.env}" not confirmed: the typed name did not match; nothing was touched`);
    }
    if (gate.ask === "yes" && !(await promptYes(`Apply these changes to ${args.env}?`))) {
        throw new InputError(`up of "${args.env}" not confirmed; nothing was touched`);
    }
    const summary = await executeRun(args, { operation: "up", selected, environment, skipUnchanged, passThrough });
    printSummary(args, summary);
    failureOf(summary);
}

/** The layers whose refresh would change something, with what it would change and, where known, which properties. */
export function driftOf(summary: RunSummary): Array<{ layer: Layer; changes: string; resources: string[] }> {
    return summary.outcomes.flatMap((o) => {
        const c = o.result?.changes;
        if (!c || c.create + c.update + c.replace + c.delete === 0) return [];
        const parts = (["update", "replace", "delete", "create"] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} to ${k}`);
        const resources = (o.result?.changed ?? []).map((r) => `${r.name} (${r.type})${r.properties.length ? `: ${r.properties.join(", ")}` : ""}`);
        return [{ layer: o.layer, changes: parts.join(", "), resources }];
    });
}

/** `drift`: a preview-only refresh expecting no changes; exit 7 with what drifted. */
export async function runDrift(args: CommonArgs): Promise<void> {
    const summary = await executeRun(args, { operation: "refresh", expectNoChanges: true, command: `infra drift --env ${args.env}` });
    printSummary(args, summary);
    failureOf(summary);
    const drift = driftOf(summary);
    if (drift.length > 0) {
        if (!args.json) print(args, ["Drift found:", ...drift.flatMap((d) => [`  ${args.env}-${d.layer}: ${d.changes}`, ...d.resources.map((r) => `    ${r}`)])].join("\n"));
        throw new DriftError(`drift in ${args.env}: ${drift.map((d) => `${d.layer} (${d.changes})`).join("; ")}; run \`infra refresh --env ${args.env}\` to accept it or \`infra up --env ${args.env} --force-all\` to restore the code's state`);
    }
}
