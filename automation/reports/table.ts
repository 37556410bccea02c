/**
 * The human report: per environment, per layer, the plan (resource counts by type and the
 * change summary), then policy results (mandatory first, most severe first) and schema issues.
 */
import { compareViolations, countByType, errorText, RunSummary, schemaIssuesOf } from "./model";

export interface TableOptions {
    /** Resource types listed per layer before "… and N more types"; default 8 keeps a plan readable. */
    maxTypes?: number;
}

const STATUS_MARK: Record<string, string> = { succeeded: "ok", failed: "FAILED", skipped: "skipped", "not-selected": "-", cancelled: "cancelled" };

function pad(text: string, width: number): string {
    return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** Renders one or more run summaries as plain text for a terminal or a log. */
export function renderTable(summaries: RunSummary[], opts: TableOptions = {}): string {
    const maxTypes = opts.maxTypes ?? 8;
    const lines: string[] = [];
    for (const s of summaries) {
        lines.push(`${s.env}: ${s.operation} with the ${s.engine} engine (${(s.durationMs / 1000).toFixed(1)}s)${s.interrupted ? " - INTERRUPTED" : ""}`);
        for (const o of s.outcomes) {
            const r = o.result;
            const count = r ? `${r.resources.length} resources` : "";
            const changes = r ? Object.entries(r.changes).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ") : "";
            lines.push(`  ${pad(o.layer, 11)} ${pad(STATUS_MARK[o.status] ?? o.status, 10)} ${count}${changes ? ` (${changes})` : ""}`);
            if (o.status === "failed" || o.status === "cancelled") lines.push(`      error: ${errorText(o.error) ?? "unknown"}${o.logFile ? ` (log: ${o.logFile})` : ""}`);
            if (o.status === "skipped" && o.skippedBecause) lines.push(`      ${o.skippedBecause}`);
            const types = countByType(r);
            for (const [type, n] of types.slice(0, maxTypes)) lines.push(`      ${String(n).padStart(4)}  ${type}`);
            if (types.length > maxTypes) lines.push(`            … and ${types.length - maxTypes} more types`);
            const policy = [...(r?.policy ?? [])].sort(compareViolations);
            for (const v of policy) {
                const where = v.resourceName ? ` ${v.resourceType ?? ""} ${v.resourceName}`.trimEnd() : " (stack)";
                lines.push(`      ${v.enforcement === "mandatory" ? "MANDATORY" : "advisory "} ${pad(v.severity, 8)} ${v.rule}:${where}: ${v.message.split("\n")[0]}`);
            }
        }
        const issues = schemaIssuesOf(s);
        for (const i of issues) lines.push(`  schema  ${i.layer}: ${i.kind} ${i.name}: ${i.message.split("\n")[0]}`);
        const all = s.outcomes.flatMap((o) => o.result?.policy ?? []);
        const mandatory = all.filter((v) => v.enforcement === "mandatory").length;
        lines.push(`  policy: ${mandatory} mandatory, ${all.length - mandatory} advisory; schema issues: ${issues.length}`);
        lines.push("");
    }
    return lines.join("\n");
}
