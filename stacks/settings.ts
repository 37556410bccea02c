/**
 * Effective settings of an environment for the layer programs: release pins (written by
 * promotion) take precedence over the environment's own chart versions and builds.
 */
import * as path from "path";
import type { AppProgressiveDelivery } from "../components/workload/app";
import { DEFAULT_REQUESTS_PER_SECOND, type Environment } from "../environments/schema";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export type ChartName = keyof Environment["charts"];

/** Charts the mesh layer installs: Istio, and the Argo Rollouts controller that shifts mesh traffic. */
export const MESH_CHARTS: readonly ChartName[] = ["istio", "argoRollouts"];

/** The chart version this environment runs: the release pin when promoted, else its own. */
export function chartVersion(env: Environment, chart: ChartName): string {
    return env.release?.charts?.[chart] ?? env.charts[chart];
}

/** The pinned digest reference of an image when the environment runs a promoted release. */
export function pinnedImage(env: Environment, image: string): string | undefined {
    return env.release?.images?.[image];
}

/** Tags every AWS resource carries, so cost and ownership are traceable. */
export function awsTags(env: Environment, layer: string): Record<string, string> {
    return { "platform:environment": env.name, "platform:layer": layer, "managed-by": "pulumi" };
}

type Workload = Environment["apps"]["workloads"][number];

/**
 * The request-rate target a workload's autoscaler gets: its own number; none when it says
 * false or when the environment runs no metrics adapter (the metric would not exist); else
 * DEFAULT_REQUESTS_PER_SECOND. The schema refuses a number without the adapter, so a target
 * set in a file is never dropped here.
 */
export function requestsPerSecondTarget(env: Environment, w: Workload): number | undefined {
    const own = w.autoscaling.requestsPerSecond;
    if (own === false || !env.monitoring.metricsAdapter.enabled) return undefined;
    return own ?? DEFAULT_REQUESTS_PER_SECOND;
}

/** A workload's autoscaling arguments for components/workload (App), as the apps layer passes them. */
export function workloadAutoscaling(env: Environment, w: Workload): { minReplicas: number; maxReplicas: number; cpuUtilization: number; requestsPerSecond?: number } {
    const { minReplicas, maxReplicas, cpuUtilization } = w.autoscaling;
    return { minReplicas, maxReplicas, cpuUtilization, requestsPerSecond: requestsPerSecondTarget(env, w) };
}

/** A workload's objectives for the alert rules and the dashboard (components/monitoring/slo.ts). */
export function workloadSlo(w: Workload): { availability: number; errorRate: number; latencyP99Ms: number } {
    const { availability, errorRate, latencyP99Ms } = w.slo;
    return { availability, errorRate, latencyP99Ms };
}

/**
 * A workload's canary analysis for components/workload (App): the environment's thresholds,
 * its perApp p99 bound, and the workload's SLO, which every threshold left out defaults to
 * (validateProgressiveDelivery; the schema has already refused any looser than it).
 */
export function workloadAnalysis(env: Environment, w: Workload): Required<Pick<AppProgressiveDelivery, "analysis" | "slo">> {
    const pd = env.apps.progressiveDelivery;
    const { availability, latencyP99Ms } = workloadSlo(w);
    return {
        analysis: { ...pd.analysis, maxP99LatencyMs: pd.perApp[w.name]?.maxP99LatencyMs ?? pd.analysis.maxP99LatencyMs },
        slo: { availability, latencyP99Ms },
    };
}
