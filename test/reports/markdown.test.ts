/**
 * The pull-request comment as GitHub would read it: parsed with a CommonMark parser (markdown-it,
 * GFM tables on, raw HTML allowed as on GitHub), so the assertions are about the document's
 * structure (paragraphs, table rows, <details> blocks), not about the source text.
 */
import { strict as assert } from "assert";
import MarkdownIt from "markdown-it";
import { renderReport } from "../../automation/reports";
import { COMMENT_MARKER, githubRunUrl, renderMarkdown } from "../../automation/reports/markdown";
import type { RunSummary } from "../../automation/pipeline/runner";
import { summary, violation } from "../cli/fixtures";

const md = new MarkdownIt({ html: true });
type Token = MarkdownIt.Token;

/** Every table row of the document, as the text of its cells. */
function tableRows(tokens: Token[]): string[][] {
    const rows: string[][] = [];
    let inCell = false;
    for (const t of tokens) {
        if (t.type === "tr_open") rows.push([]);
        else if (t.type === "td_open" || t.type === "th_open") inCell = true;
        else if (t.type === "td_close" || t.type === "th_close") inCell = false;
        else if (t.type === "inline" && inCell) rows[rows.length - 1].push(t.content);
    }
    return rows;
}

/** The block that holds the inline text matching `pattern`: its opening token type and nesting level. */
function blockOf(tokens: Token[], pattern: RegExp): { type: string; level: number } | undefined {
    const i = tokens.findIndex((t) => t.type === "inline" && pattern.test(t.content));
    return i > 0 ? { type: tokens[i - 1].type, level: tokens[i - 1].level } : undefined;
}

const FOOTER = /policy violation\(s\), \d+ schema issue\(s\)/;

function truncated(): RunSummary {
    const big = summary();
    big.outcomes[3].result!.policy = Array.from({ length: 3_000 }, (_, i) => violation({ layer: "mesh", resourceName: `deploy-${i}`, message: `violation ${i} `.repeat(20) }));
    big.outcomes[3].result!.schema = Array.from({ length: 500 }, (_, i) => ({ urn: `urn:pulumi:dev-mesh::platform::kubernetes:core/v1:Service::svc-${i}`, kind: "Service", name: `svc-${i}`, message: "spec.ports[0].port: must be integer ".repeat(5) }));
    return big;
}

describe("markdown PR comment, parsed", () => {
    it("ends with the footer as a paragraph of its own, not as a row of the violations table", () => {
        const tokens = md.parse(renderMarkdown([summary()]), {});
        assert.deepEqual(blockOf(tokens, FOOTER), { type: "paragraph_open", level: 0 });
        assert.ok(tableRows(tokens).every((row) => !row.some((c) => FOOTER.test(c))), "no table cell holds the footer");
    });

    it("keeps the footer out of the truncation note's quote when the comment is cut", () => {
        const text = renderMarkdown([truncated()], { maxViolations: 10_000 });
        const tokens = md.parse(text, {});
        assert.match(text, /Showing \d+ of 3000 violations/);
        assert.deepEqual(blockOf(tokens, FOOTER), { type: "paragraph_open", level: 0 });
    });

    it("puts the violations and schema issues in <details>, each still a table when rendered", () => {
        const html = md.render(renderMarkdown([summary()]));
        assert.match(html, /<details>\s*<summary>Policy violations: 2 mandatory, 1 advisory<\/summary>\s*<table>[\s\S]*?rbac-no-secret-access[\s\S]*?<\/table>\s*<\/details>/);
        assert.match(html, /<details>\s*<summary>Schema issues: 1<\/summary>\s*<table>[\s\S]*?spec\.ports\[0\]\.port: must be integer[\s\S]*?<\/table>\s*<\/details>/);
        // The per-layer summary stays open: it is what a reviewer reads first.
        assert.ok(html.indexOf("<table>") < html.indexOf("<details>"), "summary table before the first <details>");
    });

    it("stays under GitHub's limit and closes every <details> it opens, also when cut", () => {
        for (const text of [renderMarkdown([summary()]), renderMarkdown([truncated(), truncated(), truncated()], { maxViolations: 10_000 })]) {
            assert.ok(text.length < 65_536, `length ${text.length}`);
            assert.equal((text.match(/<details>/g) ?? []).length, (text.match(/<\/details>/g) ?? []).length);
        }
    });

    it("shows each layer's resource changes next to its findings", () => {
        const s = summary();
        s.outcomes[3].result!.changes = { create: 1, update: 2, replace: 0, delete: 3, same: 4 };
        const rows = tableRows(md.parse(renderMarkdown([s]), {}));
        const header = rows[0];
        const col = (name: string) => header.indexOf(name);
        assert.ok(col("changes") >= 0 && col("changes") === col("mandatory") - 1, `changes column just before the findings: ${header.join(" | ")}`);
        const row = (layer: string) => rows.find((r) => r[0] === "dev" && r[1] === layer)!;
        assert.equal(row("mesh")[col("changes")], "create 1, update 2, delete 3");
        assert.equal(row("cluster")[col("changes")], "create 3");
        assert.equal(row("images")[col("changes")], "-", "a failed layer has no plan");
        const none = summary();
        none.outcomes[0].result!.changes = { create: 0, update: 0, replace: 0, delete: 0, same: 3 };
        assert.equal(tableRows(md.parse(renderMarkdown([none]), {})).find((r) => r[1] === "cluster")![col("changes")], "no changes");
    });

    it("links the workflow run when one is given, and in the truncation note", () => {
        const url = "https://github.com/acme/platform/actions/runs/42";
        const tokens = md.parse(renderMarkdown([summary()], { runUrl: url }), {});
        const links = tokens.flatMap((t) => t.children ?? []).filter((c) => c.type === "link_open").map((c) => c.attrGet("href"));
        assert.ok(links.includes(url), `links: ${links.join(", ")}`);
        assert.match(renderMarkdown([truncated()], { runUrl: url, maxViolations: 10_000 }), /Full report: \[workflow run\]\(https:\/\/github\.com\/acme\/platform\/actions\/runs\/42\)/);
        assert.doesNotMatch(renderMarkdown([summary()]), /actions\/runs/);
    });
});

describe("the GitHub Actions run link", () => {
    const env = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/platform", GITHUB_RUN_ID: "1234567" };

    it("is built from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID", () => {
        assert.equal(githubRunUrl(env), "https://github.com/acme/platform/actions/runs/1234567");
        assert.equal(githubRunUrl({ ...env, GITHUB_SERVER_URL: "https://ghe.example.com/" }), "https://ghe.example.com/acme/platform/actions/runs/1234567");
    });

    it("is absent when any of them is unset or malformed", () => {
        for (const key of Object.keys(env)) assert.equal(githubRunUrl({ ...env, [key]: undefined }), undefined, `${key} unset`);
        assert.equal(githubRunUrl({ ...env, GITHUB_RUN_ID: "12; rm -rf" }), undefined);
        assert.equal(githubRunUrl({ ...env, GITHUB_REPOSITORY: "acme" }), undefined);
        assert.equal(githubRunUrl({ ...env, GITHUB_SERVER_URL: "javascript:alert(1)" }), undefined);
    });

    it("is what `infra check --markdown` writes when the run is on GitHub Actions", () => {
        const saved = { ...process.env };
        try {
            Object.assign(process.env, env);
            assert.match(renderReport("markdown", [summary()]), /\(https:\/\/github\.com\/acme\/platform\/actions\/runs\/1234567\)/);
            for (const key of Object.keys(env)) delete process.env[key];
            assert.doesNotMatch(renderReport("markdown", [summary()]), /actions\/runs/);
        } finally {
            for (const key of Object.keys(env)) delete process.env[key];
            Object.assign(process.env, saved);
        }
    });

    it("the comment still starts with the marker the workflow looks for", () => {
        assert.ok(renderMarkdown([summary()], { runUrl: githubRunUrl(env) }).startsWith(COMMENT_MARKER));
    });
});
