/**
 * The machine report: one JSON document with, per layer, status, counts, outputs (secrets
 * masked), policy violations and schema issues.
 */
import { countByType, errorText, hasBlockingFindings, maskOutputs, RunSummary, violationsOf } from "./model";

/** The JSON shape of one environment's run. */
export function summaryToJson(s: RunSummary): Record<string, unknown> {
    return {
        env: s.env,
        engine: s.engine,
        operation: s.operation,
        ok: !hasBlockingFindings(s),
        interrupted: s.interrupted,
        durationMs: s.durationMs,
        layers: s.outcomes.map((o) => ({
            layer: o.layer,
            status: o.status,
            attempts: o.attempts,
            durationMs: o.durationMs ?? o.result?.durationMs,
            error: errorText(o.error),
            skippedBecause: o.skippedBecause,
            counts: o.result
                ? { resources: o.result.resources.length, byType: Object.fromEntries(countByType(o.result)), changes: o.result.changes }
                : undefined,
            resources: o.result?.resources.map((r) => ({ type: r.type, name: r.name })),
            outputs: o.result ? maskOutputs(o.result.outputs) : undefined,
            violations: o.result?.policy ?? [],
            schemaIssues: o.result?.schema ?? [],
            logFile: o.logFile ?? o.result?.logFile,
        })),
        violations: violationsOf(s).length,
        mandatoryViolations: violationsOf(s).filter((v) => v.enforcement === "mandatory").length,
    };
}

/**
 * One document: a single environment's run is the document itself; several (`check --all`)
 * are listed under `environments` with an overall `ok`.
 */
export function renderJson(summaries: RunSummary[]): string {
    const doc = summaries.length === 1
        ? summaryToJson(summaries[0])
        : { ok: summaries.every((s) => !hasBlockingFindings(s)), environments: summaries.map(summaryToJson) };
    return JSON.stringify(doc, null, 2) + "\n";
}
