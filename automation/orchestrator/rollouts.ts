/**
 * The end of an `up` (or of a promotion's apply) for the apps' canaries: says per app whether
 * its rollout finished or failed (automation/release/rollouts.ts), and fails the command (exit 4)
 * when one was aborted, degraded or timed out, since the old revision is still what serves.
 */
import { DeploymentError } from "../../common/errors";
import type { Environment } from "../../environments/schema";
import type { RunSummary } from "../pipeline/runner";
import { FAILED_ROLLOUTS, renderRollouts, rolloutResults, type RolloutResult } from "../release/rollouts";
import { emit, print, type OutputArgs } from "./output";

/** The rollouts of `summary`, for an environment that rolls out progressively (none otherwise). */
export function rolloutsOf(environment: Environment, summary: RunSummary): RolloutResult[] {
    if (!environment.apps.progressiveDelivery.enabled) return [];
    return rolloutResults(summary, environment.apps.workloads.map((w) => w.name));
}

/** The message of a failed rollout, or undefined when none failed. */
export function rolloutFailure(env: string, results: readonly RolloutResult[]): string | undefined {
    const failed = results.filter((r) => FAILED_ROLLOUTS.has(r.outcome));
    if (failed.length === 0) return undefined;
    return `rollout of ${failed.map((r) => `${r.app} ${r.outcome}`).join(", ")} in ${env}; the previous revision still serves. Fix the app and run \`infra up --env ${env}\` again, or \`infra rollback --env ${env}\``;
}

/** Prints (or emits) each rollout's outcome, then throws DeploymentError when one failed. */
export function reportRollouts(args: OutputArgs, environment: Environment, summary: RunSummary): void {
    const results = rolloutsOf(environment, summary);
    if (results.length === 0) return;
    emit(args, { kind: "rollouts", env: environment.name, rollouts: results });
    if (!args.json) print(args, renderRollouts(results).join("\n"));
    const failure = rolloutFailure(environment.name, results);
    if (failure) throw new DeploymentError(failure);
}
