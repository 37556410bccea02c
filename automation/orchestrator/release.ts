/**
 * Promotion and rollback end to end, through the same session and layer run as `up`: plan,
 * write the pins (history: pending -> written), then, unless only writing for review, record
 * "applying", run `up` on every layer (change detection skips those the pins leave alone) and
 * record how it ended. A rerun of a promotion or rollback that was killed or failed after its
 * pins landed continues that release instead of starting another.
 */
import { displayPath, loadEnvironment } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { LAYERS } from "../../stacks/graph";
import { InputError, InterruptedError, DeploymentError } from "../../common/errors";
import type { RunSummary } from "../pipeline/runner";
import type { Engine } from "../engine";
import { createEngine, type EngineName } from "../engines";
import { PROJECT_DIR } from "../../stacks/settings";
import { statePaths } from "../state/workspace";
import { finishRelease, historyFile, markApplying, type Release, type ReleaseStatus } from "../release/history";
import { reachedLayers, readReleaseMarks, releasesWithState } from "../release/marks";
import { environmentsDir } from "../release/pins";
import { planPromotion, validatePromotionRequest, type PromotionRequest } from "../release/promote";
import { unfinishedRelease } from "../release/progress";
import { releaseResultJson, renderReleaseResult, renderReleases } from "../release/report";
import { planRollback } from "../release/rollback";
import { affectedLayers, type ReleasePlan, type ReleaseResult, writeRelease } from "../release/write";
import { pauseAt } from "../state/fault-points";
import { rolloutSummary } from "../release/rollouts";
import { emit, print, type OutputArgs } from "./output";
import { finishedRollouts, rolloutFailure } from "./rollouts";
import { keepReleaseWithState, runLayers, withSession, type EngineArgs, type Session } from "./run";

export interface ReleaseOptions {
    /** Only write the pins and history (for review in a pull request); run nothing. */
    writeOnly?: boolean;
    /** Run every layer, not only the changed ones. */
    forceAll?: boolean;
    /** Environments folder; default INFRA_ENVIRONMENTS_DIR or environments/. */
    dir?: string;
}


/** The plan that continues an unfinished release: its own pins, already on disk. */
function continuing(r: Release): ReleasePlan {
    return { kind: r.kind, env: r.env, from: r.from, previous: r.previous, pins: r.pins, changed: r.changed, forced: r.forced, undoes: r.undoes };
}

/** `promote` on an open session of the target: plan, write, apply (or continue the unfinished one). */
export async function promote(s: Session, req: Omit<PromotionRequest, "engine" | "stateDir" | "dir">, opts: ReleaseOptions = {}): Promise<ReleaseResult> {
    const plan = await planPromotion({ ...req, engine: s.engine, stateDir: s.state.root, dir: opts.dir, target: s.environment });
    const open = plan.changed.length === 0 ? unfinishedRelease(plan.env, opts.dir, (await readReleaseMarks(s.engine, plan.env)).marks) : undefined;
    // The same pins, left unapplied by an earlier promotion: continue it (a rollback's are not ours to finish).
    if (open && open.kind !== "rollback") return applyRelease(s, continuing(open), opts, open.id);
    return applyRelease(s, plan, opts);
}

/** `rollback` on an open session: continue an unfinished rollback, or plan and apply a new one. */
export async function rollback(s: Session, req: { env: string; to?: string }, opts: ReleaseOptions = {}): Promise<ReleaseResult> {
    // An apply another machine finished is finished here too: its mark is kept with the state.
    const { marks } = await readReleaseMarks(s.engine, req.env);
    const open = req.to ? undefined : unfinishedRelease(req.env, opts.dir, marks);
    if (open?.kind === "rollback") return applyRelease(s, continuing(open), opts, open.id);
    return applyRelease(s, planRollback({ ...req, dir: opts.dir, marks }), opts);
}

/** Writes a planned release (or takes up `resumeId`) and, unless writeOnly, applies every layer it changes. */
async function applyRelease(s: Session, plan: ReleasePlan, opts: ReleaseOptions, resumeId?: string): Promise<ReleaseResult> {
    const dir = opts.dir ?? environmentsDir();
    const affected = affectedLayers(plan.changed);
    if (!resumeId && plan.changed.length === 0) return { plan, status: "unchanged", affected, unchanged: [] };
    if (resumeId && opts.writeOnly) return { plan, id: resumeId, status: "written", affected, unchanged: [], resumed: true };
    const id = resumeId ?? writeRelease(plan, dir);
    if (opts.writeOnly) return { plan, id, status: "written", affected, unchanged: [] };

    markApplying(plan.env, id, dir);
    pauseAt("after-applying-record");
    let summary: RunSummary;
    let environment: Environment;
    try {
        // Read again: the pins just written are part of what the layers run.
        environment = loadEnvironment(plan.env, dir);
        summary = await runLayers(s, { operation: "up", selected: [...LAYERS], environment, skipUnchanged: !opts.forceAll, settle: false });
    } catch (err) {
        // The run itself broke (not a layer): which stacks it reached is unknown, so only the history records it.
        finishRelease(plan.env, id, "failed", err instanceof Error ? err.message : String(err), dir);
        throw err;
    }
    const unchanged = summary.outcomes.filter((o) => o.status === "unchanged").map((o) => o.layer);
    const failed = summary.outcomes.filter((o) => o.status === "failed" || o.status === "skipped" || o.status === "cancelled");
    // An aborted canary leaves the previous revision serving: the release did not apply.
    let rollouts;
    try {
        rollouts = await finishedRollouts(environment, summary, s.args, { signal: s.signal });
    } catch (err) {
        // Ctrl-C while following a canary: the layers are applied, how the rollout ends is not known.
        const record = finishRelease(plan.env, id, "interrupted", err instanceof Error ? err.message : String(err), dir);
        await keepReleaseWithState(s, reachedLayers(summary), record);
        throw err;
    }
    const rolloutError = rolloutFailure(plan.env, rollouts);
    const status: ReleaseStatus = summary.interrupted ? "interrupted" : failed.length > 0 || rolloutError ? "failed" : "applied";
    const error = failed.length > 0 ? failed.map((o) => `${o.layer} ${o.status}${o.error ? `: ${o.error.split("\n")[0]}` : ""}`).join("; ") : rolloutError;
    const record = finishRelease(plan.env, id, status, error, dir, rolloutSummary(rollouts));
    await keepReleaseWithState(s, reachedLayers(summary), record);
    return { plan, id, status, affected, unchanged, summary, resumed: resumeId !== undefined, rollouts };
}

export interface ReleaseCommandArgs extends EngineArgs {
    writeOnly: boolean;
    forceAll: boolean;
}

/** Prints a release result (text, JSON, or an NDJSON event) and throws for the exit code when it did not apply. */
function report(args: OutputArgs, result: ReleaseResult): void {
    emit(args, { kind: "release-result", env: result.plan.env, result: releaseResultJson(result) });
    print(args, args.json ? JSON.stringify(releaseResultJson(result), null, 2) : renderReleaseResult(result));
    const env = result.plan.env;
    if (result.status === "interrupted") throw new InterruptedError(`release ${result.id} of ${env} was interrupted; its pins are written, re-run the same command or \`infra up --env ${env} --resume\``);
    if (result.status === "failed") throw new DeploymentError(`release ${result.id} of ${env} was written but failed to apply; fix and re-run the same command or \`infra up --env ${env} --resume\`, or \`infra rollback --env ${env}\``);
}

export interface PromoteArgs extends ReleaseCommandArgs { from: string; to: string; force: boolean; reason?: string }

/** `infra promote`: bad arguments are refused before the engine starts. */
export async function promoteCommand(args: PromoteArgs): Promise<void> {
    validatePromotionRequest(args);
    const source = loadEnvironment(args.from);
    const target = loadEnvironment(args.to);
    const result = await withSession(args, target, { lock: `infra promote --from ${args.from} --to ${args.to}` },
        (s) => promote(s, { from: args.from, to: args.to, force: args.force, reason: args.reason, source }, args));
    report(args, result);
}

export interface RollbackArgs extends ReleaseCommandArgs { env: string; to?: string }

/** `infra rollback`. */
export async function rollbackCommand(args: RollbackArgs): Promise<void> {
    const environment = loadEnvironment(args.env);
    const result = await withSession(args, environment, { lock: `infra rollback --env ${args.env}` }, (s) => rollback(s, { env: args.env, to: args.to }, args));
    report(args, result);
}

export interface ReleasesArgs extends OutputArgs {
    env: string;
    /** Where to read the marks kept with the state: pulumi (default) reads them, offline keeps none. */
    engine?: EngineName;
}

/**
 * `infra releases`: the history file with how each apply ended as kept with the state, so a
 * release applied from another machine reads as applied. Without the state (no CLI, no backend
 * set up, a backend that cannot be read) it lists the file alone and says so on stderr.
 */
export async function releasesCommand(args: ReleasesArgs): Promise<void> {
    if (!args.env) throw new InputError("--env is required; pass --env <name> (see environments/)");
    loadEnvironment(args.env);
    const opened = await engineForMarks(args.engine ?? "pulumi");
    let listed: Awaited<ReturnType<typeof releasesWithState>>;
    try {
        listed = await releasesWithState(opened.engine, args.env);
    } finally {
        await opened.engine?.close?.();
    }
    const unread = opened.problem ?? listed.unread;
    if (unread) process.stderr.write(`${args.env}: statuses from ${displayPath(historyFile(args.env))} only; the state was not read (${unread})\n`);
    for (const release of listed.releases) emit(args, { kind: "release", env: args.env, release });
    print(args, args.json ? JSON.stringify(listed.releases, null, 2) : renderReleases(args.env, listed.releases));
}

/** The named engine, set up only to read stack tags (no policy pack); one that cannot start gives its reason instead. */
async function engineForMarks(name: EngineName): Promise<{ engine?: Engine; problem?: string }> {
    let engine: Engine | undefined;
    try {
        engine = createEngine(name, { projectDir: PROJECT_DIR, policyPackDir: false, stateDir: statePaths().offline });
        await engine.prepare?.();
        return { engine };
    } catch (err) {
        await engine?.close?.();
        return { problem: String((err as Error)?.message ?? err).split("\n")[0] };
    }
}
