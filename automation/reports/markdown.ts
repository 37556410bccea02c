/**
 * One pull-request comment: a summary table per environment and layer, then the top
 * violations, kept under GitHub's 65,536-character comment limit with a note when cut.
 * The hidden marker lets the workflow find and update the same comment on every push.
 */
import { errorText, hasBlockingFindings, RunSummary, schemaIssuesOf, violationsOf } from "./model";

export const COMMENT_MARKER = "<!-- infra-check -->";
/** GitHub rejects comments of 65,536 characters or more; leave room for the workflow's own footer. */
export const COMMENT_LIMIT = 65_000;

export interface MarkdownOptions {
    /** Most violation rows to list; default 100. */
    maxViolations?: number;
    /** Character budget; default COMMENT_LIMIT. */
    limit?: number;
    /** Link to the full report (e.g. the workflow run), shown in the truncation note. */
    detailsUrl?: string;
}

/** Escapes text for a single Markdown table cell. */
export function cell(text: string | number | undefined, max = 200): string {
    const s = String(text ?? "").split("\n")[0].replace(/\|/g, "\\|").replace(/</g, "&lt;");
    return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

const STATUS_ICON: Record<string, string> = { succeeded: "✅", failed: "❌", skipped: "⏭️", "not-selected": "➖", cancelled: "⛔" };

/** Renders the PR comment body. */
export function renderMarkdown(summaries: RunSummary[], opts: MarkdownOptions = {}): string {
    const limit = opts.limit ?? COMMENT_LIMIT;
    const maxViolations = opts.maxViolations ?? 100;
    const ok = summaries.every((s) => !hasBlockingFindings(s));
    const head: string[] = [COMMENT_MARKER, `## ${ok ? "✅" : "❌"} Infrastructure check`, ""];
    head.push("| env | layer | status | resources | mandatory | advisory | schema issues |", "|---|---|---|---:|---:|---:|---:|");
    for (const s of summaries) {
        for (const o of s.outcomes) {
            const policy = o.result?.policy ?? [];
            const mandatory = policy.filter((v) => v.enforcement === "mandatory").length;
            const status = `${STATUS_ICON[o.status] ?? ""} ${o.status}${o.status === "failed" ? `: ${cell(errorText(o.error), 120)}` : ""}`;
            head.push(`| ${cell(s.env)} | ${cell(o.layer)} | ${status} | ${o.result?.resources.length ?? "-"} | ${mandatory} | ${policy.length - mandatory} | ${o.result?.schema.length ?? 0} |`);
        }
    }
    head.push("");

    const violations = summaries.flatMap((s) => violationsOf(s).map((v) => ({ env: s.env, v })));
    const issues = summaries.flatMap((s) => schemaIssuesOf(s).map((i) => ({ env: s.env, i })));
    const footer = `\n<sub>${violations.length} policy violation(s), ${issues.length} schema issue(s) in ${summaries.length} environment(s).</sub>\n`;

    const body: string[] = [];
    if (violations.length > 0) {
        body.push(`### Top violations`, "", "| | env | layer | rule | severity | resource | message |", "|---|---|---|---|---|---|---|");
    }
    const rows = violations.slice(0, maxViolations).map(({ env, v }) =>
        `| ${v.enforcement === "mandatory" ? "🛑" : "⚠️"} | ${cell(env)} | ${cell(v.layer)} | \`${cell(v.rule, 80)}\` | ${cell(v.severity)} | ${cell(v.resourceName ? `${v.resourceType ?? ""} ${v.resourceName}` : "(stack)", 120)} | ${cell(v.message, 300)} |`);
    const issueRows = issues.slice(0, maxViolations).map(({ env, i }) => `| ${cell(env)} | ${cell(i.layer)} | ${cell(i.kind)} | ${cell(i.name)} | ${cell(i.message, 300)} |`);

    // Fill rows while they fit, keeping room for the truncation note and footer.
    const reserve = 400 + footer.length;
    let size = head.join("\n").length + body.join("\n").length + reserve;
    let shown = 0;
    for (const row of rows) {
        if (size + row.length + 1 > limit) break;
        body.push(row);
        size += row.length + 1;
        shown++;
    }
    let shownIssues = 0;
    if (issueRows.length > 0 && size + 200 < limit) {
        const h = ["", "### Schema issues", "", "| env | layer | kind | name | message |", "|---|---|---|---|---|"];
        body.push(...h);
        size += h.join("\n").length;
        for (const row of issueRows) {
            if (size + row.length + 1 > limit) break;
            body.push(row);
            size += row.length + 1;
            shownIssues++;
        }
    }
    const hidden = violations.length - shown + issues.length - shownIssues;
    if (hidden > 0) {
        body.push("", `> Showing ${shown} of ${violations.length} violations and ${shownIssues} of ${issues.length} schema issues to stay within GitHub's comment size limit.${opts.detailsUrl ? ` Full report: ${opts.detailsUrl}` : " The full report is in the SARIF upload and the workflow log."}`);
    }
    const text = [...head, ...body].join("\n") + footer;
    return text.length <= limit ? text : text.slice(0, limit - 40) + "\n\n> (truncated)\n";
}
