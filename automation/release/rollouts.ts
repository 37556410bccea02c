/**
 * How the canary rollouts of an `up` ended, read from what the apps layer reports: its
 * `rollouts` output (each Rollout's phase as the Kubernetes provider read it when its
 * `pulumi.com/waitFor` wait ended, components/workload/rollout.ts), or, when the wait ran out
 * (`pulumi.com/timeoutSeconds`), the apps layer's failure naming the Rollout. One definition of
 * the outcomes for `infra up` (text, exit code) and for the release history (`infra releases`).
 *
 * The offline engine (`infra check`, `--engine offline`) and the provider stand-in wait for
 * nothing: their Rollouts have no status, so their outcome is "not-awaited". Only a real cluster
 * with the controller produces the others.
 */
import type { RunSummary } from "../pipeline/runner";

export type RolloutOutcome =
    /** Every step passed: the new revision takes all traffic. */
    | "healthy"
    /** An analysis failed (or no progress within the deadline): the controller aborted, traffic is back on the stable pods. */
    | "aborted"
    /** Degraded without an abort (e.g. pods failing after promotion). */
    | "degraded"
    /** Pulumi's wait ran out before the Rollout reached Healthy or Degraded. */
    | "timed-out"
    /** The wait ended on another phase (Progressing, Paused), or on the previous revision's status. */
    | "unfinished"
    /** Nothing waited: the offline engine. */
    | "not-awaited";

export interface RolloutResult {
    app: string;
    outcome: RolloutOutcome;
    phase: string;
    message: string;
}

/** Outcomes that leave the old revision serving: `up` fails (exit 4) on them. */
export const FAILED_ROLLOUTS: ReadonlySet<RolloutOutcome> = new Set(["aborted", "degraded", "timed-out"]);

interface ReportedRollout { phase?: unknown; message?: unknown; aborted?: unknown; current?: unknown }

/** One Rollout's outcome from its reported phase; a phase of an earlier revision says nothing of this one. */
export function outcomeOf(r: ReportedRollout): RolloutOutcome {
    if (r.phase === "" || r.phase === undefined) return "not-awaited";
    if (r.current === false) return "unfinished";
    if (r.phase === "Healthy") return "healthy";
    if (r.phase === "Degraded") return r.aborted === true ? "aborted" : "degraded";
    return "unfinished";
}

/**
 * The rollouts of a run's apps layer: from its outputs when it succeeded; when it failed, each
 * app whose Rollout (`<app>-rollout`) the error names as timed out. The provider's timeout text
 * is not ours to define, so "timed out"/"timeout" is matched loosely, and only with the name.
 */
export function rolloutResults(summary: RunSummary, apps: readonly string[]): RolloutResult[] {
    const layer = summary.outcomes.find((o) => o.layer === "apps");
    if (!layer || summary.operation !== "up") return [];
    if (layer.status === "failed") {
        const error = layer.error ?? "";
        return apps.filter((app) => error.includes(`${app}-rollout`) && /timed? ?out|timeout/i.test(error))
            .map((app) => ({ app, outcome: "timed-out" as const, phase: "", message: error.split("\n")[0].slice(0, 300) }));
    }
    const reported = layer.result?.outputs?.rollouts?.value;
    if (!reported || typeof reported !== "object") return [];
    return Object.entries(reported as Record<string, ReportedRollout>).sort(([a], [b]) => a.localeCompare(b)).map(([app, r]) => ({
        app,
        outcome: outcomeOf(r),
        phase: typeof r.phase === "string" ? r.phase : "",
        message: typeof r.message === "string" ? r.message : "",
    }));
}

const SAYS: Record<RolloutOutcome, string> = {
    "healthy": "Healthy: every step passed, the new revision takes all traffic",
    "aborted": "aborted, traffic back on the stable revision",
    "degraded": "Degraded",
    "timed-out": "timed out waiting for Healthy or Degraded",
    "unfinished": "not finished when the wait ended",
    "not-awaited": "not awaited (no status: the offline engine and the provider stand-in wait for no rollout)",
};

/** One line per rollout for people, e.g. `rollout app: aborted, traffic back on the stable revision (RolloutAborted: ...)`. */
export function renderRollouts(results: readonly RolloutResult[]): string[] {
    return results.map((r) => {
        const phase = r.outcome === "unfinished" ? ` (phase ${r.phase})` : "";
        const why = r.message && r.outcome !== "healthy" ? `: ${r.message}` : "";
        return `rollout ${r.app}: ${SAYS[r.outcome]}${phase}${why}`;
    });
}

/** The short form the release history keeps: `app healthy`, `app aborted`. */
export function rolloutSummary(results: readonly RolloutResult[]): string[] {
    return results.map((r) => `${r.app} ${r.outcome}`);
}
