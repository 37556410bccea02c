/**
 * One pull-request comment: a summary table per environment and layer (status, resource changes,
 * findings), then the violations and schema issues, each folded in a <details> block, kept under
 * GitHub's 65,536-character comment limit with a note when cut. The hidden marker lets the
 * workflow find and update the same comment on every push.
 */
import { changeText, errorText, hasBlockingFindings, RunSummary, schemaIssuesOf, violationsOf } from "./model";

export const COMMENT_MARKER = "<!-- infra-check -->";
/** The marker of a preview's section, so a workflow can tell it from the check's in one comment. */
export const PREVIEW_MARKER = "<!-- infra-preview -->";

/** Which command wrote the report: its marker and its heading. */
export type MarkdownKind = "check" | "preview";
const KINDS: Record<MarkdownKind, { marker: string; title: string }> = {
    check: { marker: COMMENT_MARKER, title: "Infrastructure check" },
    preview: { marker: PREVIEW_MARKER, title: "Infrastructure preview" },
};
/** GitHub rejects comments of 65,536 characters or more; leave room for the workflow's own footer. */
export const COMMENT_LIMIT = 65_000;

export interface MarkdownOptions {
    /** Most violation rows to list; default 100. */
    maxViolations?: number;
    /** Character budget; default COMMENT_LIMIT. */
    limit?: number;
    /** The workflow run that produced the report (see githubRunUrl), linked at the top and in the truncation note. */
    runUrl?: string;
    /** check (default) or preview: the marker and heading; a preview's heading names its engine. */
    kind?: MarkdownKind;
}

/**
 * The GitHub Actions run's page, from the variables every job has (GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY, GITHUB_RUN_ID); undefined outside Actions or when one is malformed, so
 * no odd value ends up as a link in a comment.
 */
export function githubRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = env;
    if (!server || !repo || !runId || !/^\d+$/.test(runId) || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
    let base: URL;
    try {
        base = new URL(server);
    } catch {
        return undefined;
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") return undefined;
    return `${base.origin}${base.pathname.replace(/\/+$/, "")}/${repo}/actions/runs/${runId}`;
}

/** Escapes text for a single Markdown table cell. */
export function cell(text: string | number | undefined, max = 200): string {
    const s = String(text ?? "").split("\n")[0].replace(/\|/g, "\\|").replace(/</g, "&lt;");
    return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

const STATUS_ICON: Record<string, string> = { succeeded: "✅", failed: "❌", skipped: "⏭️", "not-selected": "➖", cancelled: "⛔" };

function summaryTable(summaries: RunSummary[]): string {
    const lines = ["| env | layer | status | resources | changes | mandatory | advisory | schema issues |", "|---|---|---|---:|---|---:|---:|---:|"];
    for (const s of summaries) {
        for (const o of s.outcomes) {
            const policy = o.result?.policy ?? [];
            const mandatory = policy.filter((v) => v.enforcement === "mandatory").length;
            const status = `${STATUS_ICON[o.status] ?? ""} ${o.status}${o.status === "failed" ? `: ${cell(errorText(o.error), 120)}` : ""}`;
            const changes = o.result ? changeText(o.result.changes) : "-";
            lines.push(`| ${cell(s.env)} | ${cell(o.layer)} | ${status} | ${o.result?.resources.length ?? "-"} | ${changes} | ${mandatory} | ${policy.length - mandatory} | ${o.result?.schema.length ?? 0} |`);
        }
    }
    return lines.join("\n");
}

/** A table folded under a one-line summary, with as many of its rows as the budget allows. */
interface Section {
    summary: string;
    header: string[];
    rows: string[];
}

/**
 * The <details> block of a section with the rows that fit in `budget` characters. A raw HTML
 * block ends at a blank line, so blank lines around the table let GitHub render it as Markdown.
 */
function fold(section: Section, budget: number): { text: string; shown: number } | undefined {
    const open = `<details>\n<summary>${section.summary}</summary>\n\n${section.header.join("\n")}`;
    const close = "\n\n</details>";
    let size = open.length + close.length;
    if (size > budget) return undefined;
    const rows: string[] = [];
    for (const row of section.rows) {
        if (size + row.length + 1 > budget) break;
        rows.push(row);
        size += row.length + 1;
    }
    return { text: [open, ...rows].join("\n") + close, shown: rows.length };
}

/** Renders the PR comment body. */
export function renderMarkdown(summaries: RunSummary[], opts: MarkdownOptions = {}): string {
    const limit = opts.limit ?? COMMENT_LIMIT;
    const maxViolations = opts.maxViolations ?? 100;
    const ok = summaries.every((s) => !hasBlockingFindings(s));
    const violations = summaries.flatMap((s) => violationsOf(s).map((v) => ({ env: s.env, v })));
    const issues = summaries.flatMap((s) => schemaIssuesOf(s).map((i) => ({ env: s.env, i })));
    const mandatory = violations.filter(({ v }) => v.enforcement === "mandatory").length;

    const runLink = opts.runUrl ? `[workflow run](${opts.runUrl})` : undefined;
    const kind = KINDS[opts.kind ?? "check"];
    const engines = [...new Set(summaries.map((s) => s.engine))].join(", ");
    const title = opts.kind === "preview" ? `${kind.title} (${engines} engine)` : kind.title;
    const head = [kind.marker + "\n" + `## ${ok ? "✅" : "❌"} ${title}`];
    head.push(`Environments: ${summaries.map((s) => s.env).join(", ")}${runLink ? ` · ${runLink}` : ""}`);
    head.push(summaryTable(summaries));
    // Its own block, after a blank line: directly under a table or a quote it would become a row or part of the quote.
    const footer = `<sub>${violations.length} policy violation(s), ${issues.length} schema issue(s) in ${summaries.length} environment(s).</sub>`;

    const violationSection: Section = {
        summary: `Policy violations: ${mandatory} mandatory, ${violations.length - mandatory} advisory`,
        header: ["| | env | layer | rule | severity | resource | message |", "|---|---|---|---|---|---|---|"],
        rows: violations.slice(0, maxViolations).map(({ env, v }) =>
            `| ${v.enforcement === "mandatory" ? "🛑" : "⚠️"} | ${cell(env)} | ${cell(v.layer)} | \`${cell(v.rule, 80)}\` | ${cell(v.severity)} | ${cell(v.resourceName ? `${v.resourceType ?? ""} ${v.resourceName}` : "(stack)", 120)} | ${cell(v.message, 300)} |`),
    };
    const issueSection: Section = {
        summary: `Schema issues: ${issues.length}`,
        header: ["| env | layer | kind | name | message |", "|---|---|---|---|---|"],
        rows: issues.slice(0, maxViolations).map(({ env, i }) => `| ${cell(env)} | ${cell(i.layer)} | ${cell(i.kind)} | ${cell(i.name)} | ${cell(i.message, 300)} |`),
    };

    // Blocks are joined by blank lines (2 characters each); keep room for the truncation note and the footer.
    let budget = limit - head.join("\n\n").length - (400 + footer.length);
    const body: string[] = [];
    const shown = new Map<Section, number>();
    for (const section of [violationSection, issueSection]) {
        if (section.rows.length === 0) continue;
        const folded = fold(section, budget - 2);
        if (!folded) continue;
        body.push(folded.text);
        shown.set(section, folded.shown);
        budget -= folded.text.length + 2;
    }
    const shownViolations = shown.get(violationSection) ?? 0;
    const shownIssues = shown.get(issueSection) ?? 0;
    if (violations.length - shownViolations + issues.length - shownIssues > 0) {
        const where = runLink ? ` Full report: ${runLink}.` : " The full report is in the SARIF upload and the workflow log.";
        body.push(`> Showing ${shownViolations} of ${violations.length} violations and ${shownIssues} of ${issues.length} schema issues to stay within GitHub's comment size limit.${where}`);
    }
    const text = [...head, ...body, footer].join("\n\n") + "\n";
    // Only a summary table of thousands of layers gets here; cut it rather than have GitHub reject the comment.
    return text.length <= limit ? text : text.slice(0, limit - 40) + "\n\n> (truncated)\n";
}
