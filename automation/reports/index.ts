/** Report formats by name, so commands pick one from a flag or a file extension. */
import { renderJson } from "./json";
import { githubRunUrl, renderMarkdown, type MarkdownKind } from "./markdown";
import type { RunSummary } from "./model";
import { renderSarif, SarifOptions } from "./sarif";
import { renderTable } from "./table";

export const REPORT_FORMATS = ["table", "json", "sarif", "markdown"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Renders summaries in one format; the PR comment links the GitHub Actions run it is written in, if
 * any, and `kind` says whether a check or a preview wrote it (its marker and heading).
 */
export function renderReport(format: ReportFormat, summaries: RunSummary[], sarif: SarifOptions = {}, kind: MarkdownKind = "check"): string {
    switch (format) {
        case "table": return renderTable(summaries);
        case "json": return renderJson(summaries);
        case "sarif": return renderSarif(summaries, sarif);
        case "markdown": return renderMarkdown(summaries, { runUrl: githubRunUrl(process.env), kind });
    }
}

/** The format a report file gets from its extension; unknown extensions are a one-line InputError-worthy message. */
export function formatForFile(file: string): ReportFormat | undefined {
    const f = file.toLowerCase();
    if (f.endsWith(".sarif") || f.endsWith(".sarif.json")) return "sarif";
    if (f.endsWith(".md") || f.endsWith(".markdown")) return "markdown";
    if (f.endsWith(".json")) return "json";
    if (f.endsWith(".txt") || f.endsWith(".log")) return "table";
    return undefined;
}

export type { RunSummary, LayerOutcome } from "./model";
