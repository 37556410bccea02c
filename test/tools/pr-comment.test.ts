/** The pr workflow's one comment: the check's section, the preview's or a note, within GitHub's limit. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COMMENT_LIMIT, COMMENT_MARKER, PREVIEW_MARKER, renderMarkdown } from "../../automation/reports/markdown";
import { composeComment, parseArgs, previewNote } from "../../tools/ci/pr-comment";
import { summary } from "../cli/fixtures";

const REPO = path.resolve(__dirname, "..", "..");
const count = (text: string, s: string) => text.split(s).length - 1;

describe("pr comment", () => {
    const check = renderMarkdown([summary()]);
    const preview = renderMarkdown([{ ...summary(), engine: "pulumi", env: "staging" }], { kind: "preview" });

    it("is the check's section then the preview's, with the check's marker once, first", () => {
        const body = composeComment({ check, preview, previewResult: "success", fork: false });
        assert.ok(body.startsWith(`${COMMENT_MARKER}\n## ❌ Infrastructure check`), body.slice(0, 80));
        assert.equal(count(body, COMMENT_MARKER), 1);
        assert.equal(count(body, PREVIEW_MARKER), 1);
        assert.ok(body.indexOf("Infrastructure preview (pulumi engine)") > body.indexOf("Infrastructure check"));
        assert.match(body, /\| staging \| cluster \|/);
    });

    it("on a fork, says the preview was skipped for want of credentials", () => {
        const body = composeComment({ check, fork: true, previewResult: "skipped" });
        assert.match(body, /## ⏭️ Infrastructure preview skipped\n\nThis pull request comes from a fork, where no cloud credentials exist/);
        assert.equal(count(body, PREVIEW_MARKER), 1);
        assert.ok(body.startsWith(COMMENT_MARKER));
    });

    it("says why a same-repository preview is missing, with the run link", () => {
        const url = "https://github.com/acme/platform/actions/runs/7";
        assert.match(previewNote({ fork: false, previewResult: "failure", runUrl: url }), /ended before writing its report; its log is in the workflow run \(\[workflow run\]\(https:\/\/github\.com\/acme\/platform\/actions\/runs\/7\)\)/);
        assert.match(previewNote({ fork: false, previewResult: "cancelled" }), /was cancelled/);
        assert.match(previewNote({ fork: false, previewResult: "skipped" }), /was skipped/);
    });

    it("a missing check report is said, and the marker still leads", () => {
        const body = composeComment({ preview, fork: false });
        assert.ok(body.startsWith(`${COMMENT_MARKER}\n## ❌ Infrastructure check\n\nThe offline check ended before writing its report`));
    });

    it("stays under the limit, cutting the longer section and keeping the shorter whole", () => {
        const long = `${PREVIEW_MARKER}\n## big\n\n` + Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${"x".repeat(20)} |`).join("\n");
        const body = composeComment({ check, preview: long, fork: false });
        assert.ok(body.length <= COMMENT_LIMIT, `${body.length}`);
        assert.ok(body.includes(check.trimEnd()), "the check section is whole");
        assert.match(body, /> \(cut to fit GitHub's comment size limit; the full report is in the workflow run's artifacts\)\n$/);
        const both = composeComment({ check: `${COMMENT_MARKER}\n` + "c\n".repeat(40_000), preview: long, fork: false, limit: 10_000 });
        assert.ok(both.length <= 10_000, `${both.length}`);
        assert.equal(count(both, "cut to fit"), 2);
        assert.ok(both.startsWith(COMMENT_MARKER));
    });

    it("refuses bad arguments in one line naming the argument", () => {
        assert.throws(() => parseArgs(["--check", "a.md"]), /^Error: pr-comment: --out FILE is required/);
        assert.throws(() => parseArgs(["--out", "c.md", "--frok", "true"]), /unknown argument --frok; use --out, --check/);
        assert.throws(() => parseArgs(["--out", "c.md", "--fork", "yes"]), /--fork yes: pass true or false/);
        assert.throws(() => parseArgs(["--out"]), /--out needs a value/);
        assert.deepEqual(parseArgs(["--out", "c.md", "--fork", "true"]), { out: "c.md", check: undefined, preview: undefined, previewResult: undefined, fork: true });
    });

    it("as the workflow runs it: reads the reports, a missing one is the note, exit 2 on bad input", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-pr-comment-"));
        fs.writeFileSync(path.join(dir, "infra.md"), check);
        const script = path.join(REPO, "tools", "ci", "pr-comment.ts");
        const run = (...args: string[]) => spawnSync(process.execPath, ["--require", "tsx/cjs", script, ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/platform", GITHUB_RUN_ID: "9" } });
        const ok = run("--out", path.join(dir, "comment.md"), "--check", path.join(dir, "infra.md"), "--preview", path.join(dir, "absent.md"), "--preview-result", "failure", "--fork", "false");
        assert.equal(ok.status, 0, ok.stderr);
        const body = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
        assert.ok(body.startsWith(check.trimEnd()));
        assert.match(body, /staging preview with the Pulumi engine ended before writing its report; its log is in the workflow run \(\[workflow run\]\(https:\/\/github\.com\/acme\/platform\/actions\/runs\/9\)\)/);
        const bad = run("--out", path.join(dir, "c2.md"), "--fork", "maybe");
        assert.equal(bad.status, 2);
        assert.equal(bad.stderr, "pr-comment: --fork maybe: pass true or false\n");
        assert.equal(fs.existsSync(path.join(dir, "c2.md")), false);
    });
});
