/**
 * The GitHub Actions workflows: actionlint (built by `npm run setup:engine`) finds nothing in any of
 * them, and the house rules it does not know hold (tools/ci/workflow-rules.ts). Without actionlint
 * its tests skip locally, naming the set-up command, and fail under CI=true.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Context } from "mocha";
import * as YAML from "yaml";
import { checkWorkflow, commandsOf, CURRENT_MAJORS, expandCommand, formatFinding, projectFacts, type ProjectFacts } from "../../tools/ci/workflow-rules";

const REPO = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(REPO, ".github", "workflows");
const TOOLS = process.env.INFRA_TOOLS_DIR ? path.resolve(process.env.INFRA_TOOLS_DIR) : path.join(REPO, ".tools");
const ACTIONLINT = path.join(TOOLS, "bin", "actionlint");
const SETUP_HINT = "actionlint is not built; run `npm run setup:engine`";

function workflowFiles(dir = WORKFLOWS): string[] {
    return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

function requireActionlint(ctx: Context): void {
    if (fs.existsSync(ACTIONLINT)) return;
    if (process.env.CI === "true") throw new Error(`${SETUP_HINT} (required in CI)`);
    console.log(`      skipped: ${SETUP_HINT}`);
    ctx.skip();
}

function actionlint(files: string[], cwd: string) {
    const r = spawnSync(ACTIONLINT, ["-no-color", "-oneline", ...files], { cwd, encoding: "utf8" });
    return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

const FACTS: ProjectFacts = projectFacts(REPO);
const rel = (f: string) => path.relative(REPO, f);

describe("workflows", () => {
    it("there are workflows to check", () => {
        const names = workflowFiles().map((f) => path.basename(f));
        for (const name of ["deploy-prod.yml", "deploy.yml", "pr.yml", "promote.yml"]) assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    });

    describe("actionlint", () => {
        before(function () { requireActionlint(this); });

        it("is the version tools/actionlint/go.mod pins", () => {
            const pinned = /github\.com\/rhysd\/actionlint (v\S+)/.exec(fs.readFileSync(path.join(REPO, "tools", "actionlint", "go.mod"), "utf8"))?.[1];
            const r = spawnSync(ACTIONLINT, ["-version"], { encoding: "utf8" });
            assert.strictEqual(r.stdout.split("\n")[0], pinned);
        });

        it("finds nothing in any workflow", () => {
            const r = actionlint(workflowFiles().map(rel), REPO);
            assert.strictEqual(r.out, "", `actionlint findings:\n${r.out}`);
            assert.strictEqual(r.code, 0);
        });

        it("reports a broken copy of a workflow, naming the file and line", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-actionlint-"));
            fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
            const text = fs.readFileSync(path.join(WORKFLOWS, "pr.yml"), "utf8");
            // An expression over a step that does not exist, and a job that needs one that does not exist.
            const broken = text.replace("steps.check.outcome", "steps.nonexistent.outcome").replace(/needs: \[check, preview\]/, "needs: [check, no-such-job]");
            assert.notStrictEqual(broken, text, "the break must change the copy");
            fs.writeFileSync(path.join(dir, ".github", "workflows", "pr.yml"), broken);
            const r = actionlint([".github/workflows/pr.yml"], dir);
            assert.strictEqual(r.code, 1, r.out);
            assert.match(r.out, /^\.github\/workflows\/pr\.yml:\d+:\d+: .*nonexistent/m);
            assert.match(r.out, /no-such-job/);
        });
    });

    describe("the flow", () => {
        const load = (name: string) => YAML.parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8"));
        const runs = (job: any) => (job.steps ?? []).map((st: any) => st.run ?? "").join("\n");
        const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";

        it("pr: the staging preview runs only from this repository, through OIDC, into the one comment", () => {
            const pr = load("pr.yml");
            assert.equal(pr.jobs.preview.if, FORK_GUARD);
            assert.equal(pr.jobs.preview.permissions["id-token"], "write");
            assert.equal(pr.permissions["id-token"], undefined, "only the preview job gets an OIDC token");
            const creds = pr.jobs.preview.steps.find((st: any) => String(st.uses).startsWith("aws-actions/configure-aws-credentials@"));
            assert.equal(creds.with["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
            assert.match(runs(pr.jobs.preview), /^npx infra preview --env staging --engine pulumi --markdown preview\.md$/m);
            assert.match(runs(pr.jobs.check), /^npx infra check --all --sarif infra\.sarif --markdown infra\.md$/m);
            // One comment, from one job that waits for both and runs whatever they did.
            assert.deepEqual(pr.jobs.comment.needs, ["check", "preview"]);
            assert.equal(pr.jobs.comment.if, "${{ !cancelled() }}");
            assert.equal(pr.jobs.comment.env.FORK, "${{ github.event.pull_request.head.repo.full_name != github.repository }}");
            assert.match(runs(pr.jobs.comment), /tools\/ci\/pr-comment\.ts[\s\S]*--fork "\$FORK"[\s\S]*>> "\$GITHUB_STEP_SUMMARY"/);
            const posters = Object.entries(pr.jobs).filter(([, j]: [string, any]) => (j.steps ?? []).some((st: any) => String(st.uses).startsWith("actions/github-script@")));
            assert.deepEqual(posters.map(([name]) => name), ["comment"]);
        });

        it("prod is applied only by deploy-prod, from main, after environments/prod.yaml changes there", () => {
            const prod = load("deploy-prod.yml");
            assert.deepEqual(prod.on.push, { branches: ["main"], paths: ["environments/prod.yaml"] });
            assert.equal(prod.jobs.prod.if, "github.ref == 'refs/heads/main'");
            assert.equal(prod.jobs.prod.environment, "prod");
            assert.match(runs(prod.jobs.prod), /^npx infra up --env prod --yes$/m);
            for (const file of workflowFiles()) {
                if (path.basename(file) === "deploy-prod.yml") continue;
                const text = fs.readFileSync(file, "utf8");
                assert.doesNotMatch(text, /infra (up|destroy|rollback) --env prod/, `${path.basename(file)} must not change prod`);
                for (const m of text.matchAll(/infra promote [^\n]*--to prod[^\n]*/g)) assert.match(m[0], /--write-only/, `${path.basename(file)}: ${m[0]}`);
            }
        });

        it("promotion is a pull request written by promote --write-only", () => {
            const promote = load("promote.yml");
            assert.deepEqual(Object.keys(promote.on), ["workflow_dispatch"]);
            const script = runs(promote.jobs["staging-to-prod"]);
            assert.match(script, /^npx infra promote --from staging --to prod --write-only/m);
            assert.match(script, /git add environments\/prod\.yaml environments\/history\/prod\.jsonl/);
            assert.match(script, /gh pr create --base main/);
            // The gate reads staging's last up from the state; a preview here would stand in for it.
            assert.doesNotMatch(script, /infra preview/);
        });
    });

    describe("house rules", () => {
        for (const file of workflowFiles()) {
            it(`${path.basename(file)} keeps them`, () => {
                const findings = checkWorkflow(rel(file), fs.readFileSync(file, "utf8"), FACTS);
                assert.deepStrictEqual(findings.map(formatFinding), []);
            });
        }

        it("the project facts come from package.json and the lockfiles", () => {
            assert.deepStrictEqual(FACTS.lockfiles, ["package-lock.json", "policies/package-lock.json"]);
            assert.strictEqual(FACTS.pulumiVersion, require("../../package-lock.json").packages["node_modules/@pulumi/pulumi"].version);
        });

        const job = (steps: unknown[]) => YAML.stringify({ on: "push", jobs: { j: { "runs-on": "ubuntu-latest", steps } } });
        const node = (w: Record<string, unknown>) => ({ uses: "actions/setup-node@v6", with: { "node-version": 24, cache: "npm", "cache-dependency-path": "package-lock.json\npolicies/package-lock.json", ...w } });
        const rules = (steps: unknown[]) => checkWorkflow("w.yml", job(steps), FACTS).map((f) => `${f.rule}: ${f.message}`);

        it("a compliant job has no findings", () => {
            assert.deepStrictEqual(rules([{ uses: "actions/checkout@v6" }, node({}), { run: "npm ci" }, { run: "npm test" }]), []);
        });

        it("node-version must be 22 or 24", () => {
            assert.deepStrictEqual(rules([node({ "node-version": 22 })]), []);
            assert.deepStrictEqual(rules([node({ "node-version": "24.x" })]), []);
            for (const bad of [20, "18", "lts/*", undefined]) {
                const found = rules([node({ "node-version": bad })]);
                assert.strictEqual(found.length, 1, `${bad}: ${found}`);
                assert.match(found[0], /^node-version: .*use a maintained LTS, 22 or 24/);
            }
        });

        it("the npm cache is keyed on both lockfiles", () => {
            assert.match(rules([node({ "cache-dependency-path": "package-lock.json" })]).join(), /npm-cache: .*missing: policies\/package-lock.json/);
            assert.match(rules([node({ cache: undefined })]).join(), /npm-cache: .*set cache: npm/);
        });

        it("actions are on their current major, and unknown actions are named", () => {
            assert.match(rules([{ uses: "actions/checkout@v4" }]).join(), /action-major: actions\/checkout@v4: pin actions\/checkout@v6/);
            assert.match(rules([{ uses: "github/codeql-action/upload-sarif@v3" }]).join(), /action-major: .*github\/codeql-action@v4/);
            assert.deepStrictEqual(rules([{ uses: "github/codeql-action/upload-sarif@v4" }, { uses: "actions/checkout@v6.0.2" }]), []);
            assert.match(rules([{ uses: "someone/thing@v1" }]).join(), /unknown-action: someone\/thing@v1: .*CURRENT_MAJORS/);
            assert.deepStrictEqual(rules([{ uses: "./.github/actions/local" }]), []);
            for (const [action, { major, why }] of Object.entries(CURRENT_MAJORS)) {
                assert.ok(major >= 1 && why.length > 0, `${action} needs a major and a reason`);
            }
        });

        it("pulumi/actions installs the lockfile's Pulumi version", () => {
            assert.deepStrictEqual(rules([{ uses: "pulumi/actions@v7", with: { "pulumi-version": FACTS.pulumiVersion } }]), []);
            assert.match(rules([{ uses: "pulumi/actions@v7", with: { "pulumi-version": "3.1.0" } }]).join(), /pulumi-version: .*install \d+\.\d+\.\d+, the @pulumi\/pulumi version/);
        });

        it("no command runs twice in a job, npm scripts expanded (lint then npm test lints twice)", () => {
            const found = rules([{ name: "Lint", run: "npm run lint" }, { name: "Type check", run: "npm run typecheck" }, { name: "Tests", run: "npm test" }]);
            assert.ok(found.some((f) => /^run-twice: "Tests" runs `eslint \.` again \(already run by "Lint"\)/.test(f)), found.join("\n"));
            assert.ok(found.some((f) => /^run-twice: "Tests" runs `tsc --noEmit -p tsconfig.json` again \(already run by "Type check"\)/.test(f)), found.join("\n"));
            assert.match(rules([{ run: "npm ci" }, { run: "npm ci --prefix policies --no-audit --no-fund" }]).join(), /run-twice: .*npm ci --prefix policies/);
            assert.match(rules([{ run: "npx mocha" }, { run: "mocha" }]).join(), /run-twice: .*`mocha`/);
            assert.match(rules([{ uses: "actions/checkout@v6" }, { uses: "actions/checkout@v6" }]).join(), /run-twice: .*actions\/checkout@v6 with the same inputs/);
            // Different work in the same action, and flow control, may repeat.
            assert.deepStrictEqual(rules([{ run: "echo a\nexit 0" }, { run: "echo a\nexit 0" }]), []);
        });

        it("a pipeline keeps its status: shell: bash (pipefail) or set -o pipefail", () => {
            assert.match(rules([{ name: "Promote", run: "npx infra promote --write-only | tee out.txt" }]).join(), /pipe-status: "Promote" pipes a command without pipefail/);
            assert.deepStrictEqual(rules([{ run: "npx infra promote | tee out.txt", shell: "bash" }]), []);
            assert.deepStrictEqual(rules([{ run: "set -o pipefail\nnpx infra promote | tee out.txt" }]), []);
            assert.deepStrictEqual(rules([{ run: "a || b" }]), []);
            const withDefaults = YAML.stringify({ on: "push", defaults: { run: { shell: "bash" } }, jobs: { j: { "runs-on": "ubuntu-latest", steps: [{ run: "a | b" }] } } });
            assert.deepStrictEqual(checkWorkflow("w.yml", withDefaults, FACTS), []);
        });

        it("splits scripts into commands and expands npm scripts recursively", () => {
            assert.deepStrictEqual(commandsOf("a && b # note\n# only a comment\nc; d || e"), ["a", "b", "c", "d", "e"]);
            assert.deepStrictEqual(expandCommand("npm run x", { x: "npm run y && z", y: "w" }), ["w", "z"]);
            assert.deepStrictEqual(expandCommand("npm run loop", { loop: "npm run loop" }), ["npm run loop"]);
            assert.deepStrictEqual(expandCommand("npm run missing", {}), ["npm run missing"]);
        });

        it("a file that is not YAML is one finding naming it", () => {
            const found = checkWorkflow("bad.yml", "jobs: [unclosed", FACTS);
            assert.strictEqual(found.length, 1);
            assert.match(formatFinding(found[0]), /^bad\.yml: \[parse\] not valid YAML: /);
        });
    });
});
