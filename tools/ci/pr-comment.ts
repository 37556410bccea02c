/**
 * The one pull-request comment of the pr workflow: the offline check's section (`infra check
 * --markdown`) and the staging preview's (`infra preview --markdown`), or a note saying why the
 * preview is missing (a fork has no credentials; a failed job wrote nothing). It starts with the
 * check's marker, which the workflow looks for to update the same comment on every push, and stays
 * under GitHub's comment size limit, cutting the longer section first.
 *
 * Usage: node --require tsx/cjs tools/ci/pr-comment.ts --out FILE [--check FILE] [--preview FILE]
 *        [--preview-result success|failure|cancelled|skipped] [--fork true|false]
 */
import * as fs from "fs";
import { COMMENT_LIMIT, COMMENT_MARKER, githubRunUrl, PREVIEW_MARKER } from "../../automation/reports/markdown";

export interface CommentParts {
    /** The check's Markdown, if it wrote any. */
    check?: string;
    /** The preview's Markdown, if it wrote any. */
    preview?: string;
    /** How the preview job ended (GitHub's needs.<job>.result). */
    previewResult?: string;
    /** The pull request comes from a fork: no secrets, no OIDC token, so no preview. */
    fork: boolean;
    runUrl?: string;
    limit?: number;
}

/** The note that stands in for the preview's section when it wrote none. */
export function previewNote(parts: Pick<CommentParts, "fork" | "previewResult" | "runUrl">): string {
    const run = parts.runUrl ? ` ([workflow run](${parts.runUrl}))` : "";
    if (parts.fork) {
        return `${PREVIEW_MARKER}\n## ⏭️ Infrastructure preview skipped\n\nThis pull request comes from a fork, where no cloud credentials exist, so the staging preview with the Pulumi engine did not run; the offline check above still did. A maintainer can push the branch to this repository to preview it.`;
    }
    const why = parts.previewResult === "skipped" ? "was skipped" : parts.previewResult === "cancelled" ? "was cancelled" : "ended before writing its report";
    return `${PREVIEW_MARKER}\n## ❌ Infrastructure preview\n\nThe staging preview with the Pulumi engine ${why}; its log is in the workflow run${run}.`;
}

/** Cuts a section to `size` characters at a line break, saying so. */
function cut(text: string, size: number, runUrl?: string): string {
    if (text.length <= size) return text;
    const note = `\n\n> (cut to fit GitHub's comment size limit; the full report is in the ${runUrl ? `[workflow run](${runUrl})` : "workflow run"}'s artifacts)`;
    const room = Math.max(0, size - note.length);
    const head = text.slice(0, room);
    const at = head.lastIndexOf("\n");
    return (at > 0 ? head.slice(0, at) : head) + note;
}

/** The comment body: check section, then preview section or note, within the limit. */
export function composeComment(parts: CommentParts): string {
    const limit = parts.limit ?? COMMENT_LIMIT;
    const check = parts.check?.trim()
        ? (parts.check.startsWith(COMMENT_MARKER) ? parts.check : `${COMMENT_MARKER}\n${parts.check}`)
        : `${COMMENT_MARKER}\n## ❌ Infrastructure check\n\nThe offline check ended before writing its report; its log is in the workflow run${parts.runUrl ? ` ([workflow run](${parts.runUrl}))` : ""}.`;
    const preview = parts.preview?.trim() ? parts.preview : previewNote(parts);
    const separator = "\n\n---\n\n";
    const sections = [check.trimEnd(), preview.trimEnd()];
    const budget = limit - separator.length - 1;
    if (sections[0].length + sections[1].length > budget) {
        // The shorter keeps what it needs up to half; the longer gets the rest.
        const half = Math.floor(budget / 2);
        const small = sections[0].length <= sections[1].length ? 0 : 1;
        const keep = Math.min(sections[small].length, half);
        sections[small] = cut(sections[small], keep, parts.runUrl);
        sections[1 - small] = cut(sections[1 - small], budget - sections[small].length, parts.runUrl);
    }
    return sections.join(separator) + "\n";
}

/** Reads a report file; a missing one is undefined (the job that writes it did not get that far). */
function readIfThere(file: string | undefined): string | undefined {
    if (!file) return undefined;
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
    }
}

/** Parses the arguments; a bad one is a one-line error naming it and the fix. */
export function parseArgs(argv: string[]): { out: string; check?: string; preview?: string; previewResult?: string; fork: boolean } {
    const known = new Set(["--out", "--check", "--preview", "--preview-result", "--fork"]);
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const flag = argv[i];
        if (!known.has(flag)) throw new Error(`pr-comment: unknown argument ${flag}; use ${[...known].join(", ")}`);
        if (argv[i + 1] === undefined) throw new Error(`pr-comment: ${flag} needs a value`);
        values[flag] = argv[i + 1];
    }
    if (!values["--out"]) throw new Error("pr-comment: --out FILE is required (where to write the comment)");
    const fork = values["--fork"] ?? "false";
    if (fork !== "true" && fork !== "false") throw new Error(`pr-comment: --fork ${fork}: pass true or false`);
    return { out: values["--out"], check: values["--check"], preview: values["--preview"], previewResult: values["--preview-result"], fork: fork === "true" };
}

if (require.main === module) {
    try {
        const args = parseArgs(process.argv.slice(2));
        const body = composeComment({ check: readIfThere(args.check), preview: readIfThere(args.preview), previewResult: args.previewResult, fork: args.fork, runUrl: githubRunUrl(process.env) });
        fs.writeFileSync(args.out, body);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exit(2);
    }
}
