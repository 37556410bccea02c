/**
 * The small pure helpers every report shares over the pipeline's run summary: ordering of violations, counts, secret masking.
 */
import { SECRET_MARKER, type ChangeSummary, type LayerResult, type OutputValue, type PolicyViolation, type SchemaIssue, type Severity } from "../engine";
import type { Layer } from "../../stacks/graph";
import type { RunSummary } from "../pipeline/runner";

export type { LayerOutcome, LayerStatus, RunSummary } from "../pipeline/runner";

export const SECRET_MASK = SECRET_MARKER;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Mandatory before advisory, then most severe first, then by rule and resource for stable output. */
export function compareViolations(a: PolicyViolation, b: PolicyViolation): number {
    const m = Number(b.enforcement === "mandatory") - Number(a.enforcement === "mandatory");
    if (m !== 0) return m;
    const s = (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9);
    if (s !== 0) return s;
    return `${a.rule}\u0000${a.urn ?? ""}`.localeCompare(`${b.rule}\u0000${b.urn ?? ""}`);
}

/** All policy violations of a summary, ordered by compareViolations. */
export function violationsOf(summary: RunSummary): PolicyViolation[] {
    return summary.outcomes.flatMap((o) => o.result?.policy ?? []).sort(compareViolations);
}

/** All schema issues of a summary, with the layer they came from. */
export function schemaIssuesOf(summary: RunSummary): Array<SchemaIssue & { layer: Layer }> {
    return summary.outcomes.flatMap((o) => (o.result?.schema ?? []).map((s) => ({ ...s, layer: o.layer })));
}

/** Resource counts by type token, largest first, ties by name. */
export function countByType(result: LayerResult | undefined): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const r of result?.resources ?? []) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const CHANGE_KINDS = ["create", "update", "replace", "delete"] as const;

/** A plan's changes in words, e.g. "create 3, delete 1" ("no changes" when nothing would change). */
export function changeText(changes: ChangeSummary): string {
    const parts = CHANGE_KINDS.filter((k) => changes[k] > 0).map((k) => `${k} ${changes[k]}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

/** True when the summary must fail a check: a failed or cancelled layer, a mandatory violation or a schema issue. */
export function hasBlockingFindings(summary: RunSummary): boolean {
    return summary.interrupted
        || summary.outcomes.some((o) => o.status === "failed" || o.status === "cancelled")
        || violationsOf(summary).some((v) => v.enforcement === "mandatory")
        || schemaIssuesOf(summary).length > 0;
}

/**
 * Stack outputs as they may be shown: secret outputs become "[secret]" unless `showSecrets`.
 * Values already masked by an engine stay masked either way.
 */
export function maskOutputs(outputs: Record<string, OutputValue> | undefined, showSecrets = false): Record<string, unknown> {
    const shown: Record<string, unknown> = {};
    for (const key of Object.keys(outputs ?? {}).sort()) {
        const o = outputs![key];
        shown[key] = o.secret && !showSecrets ? SECRET_MASK : o.value;
    }
    return shown;
}

/** The one-line text of an outcome's error, whatever shape the runner stored it in. */
export function errorText(error: unknown): string | undefined {
    if (error === undefined || error === null) return undefined;
    const text = error instanceof Error ? error.message : typeof error === "string" ? error : (error as any)?.message ?? JSON.stringify(error);
    return String(text).split("\n")[0];
}

/** The program file a layer's resources are declared in, for report locations. */
export function layerProgramFile(layer: string): string {
    return `stacks/${layer}.ts`;
}

/** The environment settings file, for report locations. */
export function environmentFile(env: string): string {
    return `environments/${env}.yaml`;
}
