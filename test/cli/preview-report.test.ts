/**
 * `infra preview --markdown/--output`: the per-layer changes as the PR comment's preview section,
 * written the way `check --markdown` writes its own, and bad report names refused before any run.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COMMENT_MARKER, PREVIEW_MARKER, renderMarkdown } from "../../automation/reports/markdown";
import { lines, runCli } from "./run-cli";
import { summary } from "./fixtures";

describe("infra preview reports", function () {
    this.timeout(240_000);

    it("the preview section has its own marker and names the engine in its heading", () => {
        const md = renderMarkdown([summary()], { kind: "preview" });
        assert.ok(md.startsWith(`${PREVIEW_MARKER}\n## ❌ Infrastructure preview (offline engine)`), md.slice(0, 80));
        assert.ok(!md.includes(COMMENT_MARKER), "the check's marker stays the check's");
        assert.ok(renderMarkdown([summary()]).startsWith(`${COMMENT_MARKER}\n## ❌ Infrastructure check\n`));
    });

    it("--markdown and --output write the preview's per-layer changes (offline engine, one layer)", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "infra-preview-report-"));
        const md = path.join(out, "preview.md");
        const json = path.join(out, "preview.json");
        const r = await runCli(["preview", "--env", "dev", "--engine", "offline", "--layer", "images", "--markdown", md, "--output", json], { timeoutMs: 230_000 });
        assert.equal(r.code, 0, r.stderr);
        const text = fs.readFileSync(md, "utf8");
        assert.ok(text.startsWith(`${PREVIEW_MARKER}\n## ✅ Infrastructure preview (offline engine)`), text.slice(0, 80));
        assert.match(text, /^\| dev \| images \| ✅ succeeded \| \d+ \| create \d+ \| 0 \| 0 \| 0 \|$/m);
        assert.match(text, /^\| dev \| apps \| ➖ not-selected \|/m);
        const doc = JSON.parse(fs.readFileSync(json, "utf8"));
        assert.equal(doc.operation, "preview");
        assert.equal(doc.layers.find((l: any) => l.layer === "images").status, "succeeded");
    });

    it("a report name with an unknown extension is one line naming it, before anything runs", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "infra-preview-report-"));
        const r = await runCli(["preview", "--env", "dev", "--engine", "offline", "--output", path.join(out, "report.pdf")]);
        assert.equal(r.code, 2);
        assert.deepEqual(lines(r.stderr), [`infra: --output ${path.join(out, "report.pdf")}: cannot tell the format from the extension; use .sarif, .md, .json or .txt`]);
        assert.deepEqual(fs.readdirSync(out), []);
    });
});
