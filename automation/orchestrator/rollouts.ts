/**
 * The end of an `up` (or of a promotion's apply) for the apps' canaries: says per app whether
 * its rollout finished or failed (automation/release/rollouts.ts), and fails the command (exit 4)
 * when one was aborted, degraded or timed out, since the old revision is still what serves.
 *
 * Pulumi's wait can end on the previous revision's phase, before the controller has seen the new
 * spec ("unfinished"). Those Rollouts are then followed through the Kubernetes API until their
 * status describes the applied generation and is Healthy or Degraded, within the environment's
 * `progressiveDelivery.timeoutSeconds`, so `up` reports how this revision ended.
 */
import { setTimeout as sleep } from "timers/promises";
import { DeploymentError, InterruptedError } from "../../common/errors";
import { reportFromStatus } from "../../components/workload/rollout-status";
import type { Environment } from "../../environments/schema";
import type { RunSummary } from "../pipeline/runner";
import { installSignalHandlers } from "../pipeline/signals";
import { connect, type ClusterApi } from "../kube/client";
import { clusterKubeconfig } from "../kube/kubeconfig";
import { FAILED_ROLLOUTS, outcomeOf, renderRollouts, rolloutResults, type RolloutResult } from "../release/rollouts";
import { emit, print, type OutputArgs } from "./output";
import type { EngineArgs } from "./run";

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

export interface FollowOptions {
    /** The cluster; default: the cluster layer's kubeconfig through the run's engine. */
    connect?: () => Promise<ClusterApi>;
    /** Default the environment's progressiveDelivery.timeoutSeconds. */
    timeoutSeconds?: number;
    /** Default 5000. */
    pollMs?: number;
    /** Default process.stderr. */
    log?: (line: string) => void;
    /** The run's stop signal, when its handlers are still installed; else Ctrl-C is handled here. */
    signal?: AbortSignal;
}


/**
 * Follows each "unfinished" rollout until its status is of the applied generation and final; one
 * still unfinished at the deadline is "timed-out", as when Pulumi's own wait runs out. When the
 * cluster cannot be reached they stay "unfinished", with the reason in their message.
 */
export async function followRollouts(environment: Environment, results: RolloutResult[], engineArgs: Pick<EngineArgs, "engine" | "providers">, opts: FollowOptions = {}): Promise<RolloutResult[]> {
    const pending = new Set(results.filter((r) => r.outcome === "unfinished").map((r) => r.app));
    if (pending.size === 0) return results;
    const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const namespace = environment.apps.namespace;
    let api: ClusterApi;
    try {
        api = opts.connect ? await opts.connect() : await clusterKubeconfig(environment.name, engineArgs).then((k) => connect(k.text, k.source));
    } catch (err) {
        const why = (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 200);
        return results.map((r) => pending.has(r.app) ? { ...r, message: `${r.message}; could not follow it (${why}): watch it with \`kubectl argo rollouts get rollout ${r.app} -n ${namespace} --watch\`` } : r);
    }
    const byApp = new Map(results.map((r) => [r.app, r]));
    const timeoutSeconds = opts.timeoutSeconds ?? environment.apps.progressiveDelivery.timeoutSeconds;
    const deadline = Date.now() + timeoutSeconds * 1000;
    const controller = new AbortController();
    const dispose = opts.signal ? undefined : installSignalHandlers(controller, { interrupting: "Interrupting: no longer following the rollout; the layers stay applied (press Ctrl-C again to force exit)" });
    const stop = () => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", stop, { once: true });
    if (opts.signal?.aborted) stop();
    log(`following ${[...pending].join(", ")}: Pulumi's wait ended before the controller saw the new revision (up to ${timeoutSeconds} s)`);
    try {
        for (let first = true; pending.size > 0; first = false) {
            if (!first) await sleep(opts.pollMs ?? 5000, undefined, { signal: controller.signal });
            for (const app of [...pending]) {
                const rollout = await api.get("argoproj.io/v1alpha1", "Rollout", namespace, app);
                const report = reportFromStatus(rollout?.status, rollout?.metadata?.generation);
                const outcome = rollout ? outcomeOf(report) : "unfinished";
                if (outcome !== "unfinished") {
                    byApp.set(app, { app, outcome, phase: report.phase, message: report.message });
                    pending.delete(app);
                }
            }
            if (pending.size > 0 && Date.now() >= deadline) {
                for (const app of pending) byApp.set(app, { app, outcome: "timed-out", phase: byApp.get(app)!.phase, message: `not Healthy or Degraded ${timeoutSeconds} s after Pulumi's wait ended (progressiveDelivery.timeoutSeconds)` });
                pending.clear();
            }
        }
    } catch (err) {
        if (controller.signal.aborted) throw new InterruptedError(`stopped following the rollout of ${[...pending].join(", ")}; the layers are applied and the rollout goes on in the cluster: \`kubectl argo rollouts get rollout <app> -n ${namespace} --watch\``);
        const why = (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 200);
        for (const app of pending) byApp.set(app, { ...byApp.get(app)!, message: `could not follow it (${why})` });
    } finally {
        dispose?.();
        opts.signal?.removeEventListener("abort", stop);
    }
    return results.map((r) => byApp.get(r.app)!);
}

/** The rollouts of a finished `up`, unfinished ones followed to their end (see followRollouts). */
export async function finishedRollouts(environment: Environment, summary: RunSummary, engineArgs: Pick<EngineArgs, "engine" | "providers">, opts: FollowOptions = {}): Promise<RolloutResult[]> {
    return followRollouts(environment, rolloutsOf(environment, summary), engineArgs, opts);
}

/** Prints (or emits) each rollout's outcome, then throws DeploymentError when one failed. */
export async function reportRollouts(args: OutputArgs & Pick<EngineArgs, "engine" | "providers">, environment: Environment, summary: RunSummary, opts: FollowOptions = {}): Promise<void> {
    const results = await finishedRollouts(environment, summary, args, opts);
    if (results.length === 0) return;
    emit(args, { kind: "rollouts", env: environment.name, rollouts: results });
    if (!args.json) print(args, renderRollouts(results).join("\n"));
    const failure = rolloutFailure(environment.name, results);
    if (failure) throw new DeploymentError(failure);
}
