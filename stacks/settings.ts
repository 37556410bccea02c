/**
 * Effective settings of an environment for the layer programs: release pins (written by
 * promotion) take precedence over the environment's own chart versions and builds.
 */
import * as path from "path";
import type { Environment } from "../environments/schema";

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
