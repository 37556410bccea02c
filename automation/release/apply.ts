/**
 * Promotion and rollback end to end: plan, write the pins (with history), then, unless only
 * writing for review, run `up` on the target's layers that change detection says are affected,
 * record the run and the fingerprints, and record the release's final status.
 */
import type { Engine } from "../engine";
import { loadEnvironment } from "../../environments/load";
import { LAYERS, type Layer } from "../../stacks/graph";
import { acquireLock } from "../state/lock";
import { type PipelineEvent, runPipeline, type RunSummary } from "../pipeline/runner";
import { fingerprintStore, fingerprintUnchanged, recordFingerprints } from "../state/fingerprint";
import { finishRelease, type ReleaseStatus } from "./history";
import { environmentsDir } from "./pins";
import { planPromotion, type PromotionRequest } from "./promote";
import { planRollback, type RollbackRequest } from "./rollback";
import { recordRun } from "../state/runs";
import { affectedLayers, type ReleasePlan, writeRelease } from "./write";

export interface ApplyOptions {
    projectDir: string;
    engine: Engine;
    /** Only write the pins and history (for review in a pull request); run nothing. */
    writeOnly?: boolean;
    /** Run every layer, not only the changed ones. */
    forceAll?: boolean;
    parallel?: number;
    signal?: AbortSignal;
    onEvent?: (e: PipelineEvent) => void;
    /** Pipeline log directory. */
    logDir?: string;
    /** Lock directory; when set, the target environment's lock is held while writing and applying. */
    lockDir?: string;
    /** Environments folder; default INFRA_ENVIRONMENTS_DIR or environments/. */
    dir?: string;
    /** The pipeline; replaceable so the orchestration can be checked without an engine run. */
    run?: typeof runPipeline;
}

/** What a promotion or rollback did. */
export interface ReleaseResult {
    plan: ReleasePlan;
    /** Undefined when the target already ran these pins (nothing written). */
    id?: string;
    status: ReleaseStatus | "unchanged";
    /** Layers the pin change can touch, for display. */
    affected: Layer[];
    /** Layers skipped by change detection. */
    unchanged: Layer[];
    summary?: RunSummary;
}

/** `infra promote`: plans, writes and (unless writeOnly) applies a promotion. */
export function promote(req: Omit<PromotionRequest, "engine" | "projectDir" | "dir">, opts: ApplyOptions): Promise<ReleaseResult> {
    return withLock(opts, req.to, `infra promote --from ${req.from} --to ${req.to}`, async () => {
        const plan = await planPromotion({ ...req, engine: opts.engine, projectDir: opts.projectDir, dir: opts.dir });
        return applyRelease(plan, opts);
    });
}

/** `infra rollback`: plans, writes and (unless writeOnly) applies a rollback. */
export function rollback(req: Omit<RollbackRequest, "dir">, opts: ApplyOptions): Promise<ReleaseResult> {
    return withLock(opts, req.env, `infra rollback --env ${req.env}`, async () => applyRelease(planRollback({ ...req, dir: opts.dir }), opts));
}

async function withLock<T>(opts: ApplyOptions, env: string, command: string, body: () => Promise<T>): Promise<T> {
    const lock = opts.lockDir ? acquireLock(opts.lockDir, env, { command }) : undefined;
    try {
        return await body();
    } finally {
        lock?.release();
    }
}

/** Writes a planned release and, unless writeOnly, applies the target's changed layers. */
export async function applyRelease(plan: ReleasePlan, opts: ApplyOptions): Promise<ReleaseResult> {
    const dir = opts.dir ?? environmentsDir();
    const affected = affectedLayers(plan.changed);
    if (plan.changed.length === 0) return { plan, status: "unchanged", affected, unchanged: [] };
    const id = writeRelease(plan, dir);
    if (opts.writeOnly) return { plan, id, status: "written", affected, unchanged: [] };

    let summary: RunSummary | undefined;
    let unchanged: Layer[] = [];
    try {
        const env = loadEnvironment(plan.env, dir);
        summary = await (opts.run ?? runPipeline)({
            env: plan.env, operation: "up", engine: opts.engine, selected: [...LAYERS],
            parallel: opts.parallel, signal: opts.signal, onEvent: opts.onEvent, logDir: opts.logDir,
            // Only the layers whose inputs the new pins change run (an app rollback touches no cluster or mesh).
            isUnchanged: opts.forceAll ? undefined : (layer, upstream) => fingerprintUnchanged(fingerprintStore(opts.projectDir, opts.engine), env, layer, upstream),
        });
        unchanged = summary.outcomes.filter((o) => o.status === "unchanged").map((o) => o.layer);
        recordRun(opts.projectDir, summary);
        await recordFingerprints(opts.projectDir, env, summary, opts.engine);
    } catch (err) {
        finishRelease(plan.env, id, "failed", err instanceof Error ? err.message : String(err), dir);
        throw err;
    }
    const failed = summary?.outcomes.filter((o) => o.status === "failed" || o.status === "skipped" || o.status === "cancelled") ?? [];
    const status: ReleaseStatus = summary?.interrupted ? "interrupted" : failed.length > 0 ? "failed" : "applied";
    const error = failed.length > 0 ? failed.map((o) => `${o.layer} ${o.status}${o.error ? `: ${o.error.split("\n")[0]}` : ""}`).join("; ") : undefined;
    finishRelease(plan.env, id, status, error, dir);
    return { plan, id, status, affected, unchanged, summary };
}
