/**
 * The project's own layers, for every environment, pass the policy pack with zero mandatory
 * violations and zero schema issues; and the same path does catch a violation and a bad
 * environment file, so the green result cannot come from checks that never run.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { listEnvironments } from "../../environments/load";
import { LAYERS } from "../../stacks/graph";
import { lines, runCli } from "./run-cli";
import { copyEnvironments } from "../support/environments";

interface CheckJson {
    environments?: { env: string; layers: { layer: string; status: string; violations: { rule: string; enforcement: string; resourceType?: string }[]; schemaIssues: unknown[] }[] }[];
}

/** A copy of environments/ with one file edited, for INFRA_ENVIRONMENTS_DIR. */
function editedEnvironments(file: string, edit: (text: string) => string): string {
    const dir = copyEnvironments();
    const target = path.join(dir, file);
    fs.writeFileSync(target, edit(fs.readFileSync(target, "utf8")));
    return dir;
}

function layersOf(stdout: string): NonNullable<CheckJson["environments"]>[number]["layers"] {
    const doc = JSON.parse(stdout);
    const envs = Array.isArray(doc.environments) ? doc.environments : [doc];
    return envs.flatMap((e: any) => e.layers);
}

describe("dogfood: infra check --all on the project's own environments", function () {
    this.timeout(300_000);

    it("every layer of every environment succeeds with no mandatory violation and no schema issue", async () => {
        const res = await runCli(["check", "--all", "--json"], { timeoutMs: 290_000 });
        assert.equal(res.code, 0, res.stderr);
        const layers = layersOf(res.stdout);
        assert.equal(layers.length, listEnvironments().length * LAYERS.length);
        for (const l of layers) {
            assert.equal(l.status, "succeeded");
            assert.deepEqual(l.schemaIssues, []);
            assert.deepEqual(l.violations.filter((v) => v.enforcement === "mandatory"), []);
        }
    });

    it("fails with exit 5 (policy failure) and names the rule when an environment's policy is violated", async () => {
        // Valid settings that the apps layer breaks: its images come from ECR, not ghcr.io.
        const dir = editedEnvironments("dev.yaml", (t) => t.replace(/^ {2}minReplicas: 3$/m, "  minReplicas: 3\n  allowedRegistries: [ghcr.io]"));
        const res = await runCli(["check", "--env", "dev", "--layer", "apps", "--with-deps", "--json"], { env: { INFRA_ENVIRONMENTS_DIR: dir }, timeoutMs: 120_000 });
        assert.equal(res.code, 5, res.stderr);
        const apps = layersOf(res.stdout).find((l) => l.layer === "apps")!;
        assert.ok(apps.violations.some((v) => v.rule === "allowed-registries" && v.enforcement === "mandatory"), JSON.stringify(apps.violations));
        // dev rolls out progressively: the pods the pack judged are the Argo Rollout's.
        assert.ok(apps.violations.some((v) => v.rule === "allowed-registries" && v.resourceType === "kubernetes:argoproj.io/v1alpha1:Rollout"), JSON.stringify(apps.violations));
    });

    it("rejects a bad environment file with one line naming the file, field and fix, exit 2", async () => {
        const dir = editedEnvironments("staging.yaml", (t) => t.replace("retention: 15d", "retention: fortnight"));
        const res = await runCli(["check", "--env", "staging"], { env: { INFRA_ENVIRONMENTS_DIR: dir } });
        assert.equal(res.code, 2);
        assert.equal(lines(res.stderr).length, 1, res.stderr);
        assert.match(res.stderr, /staging\.yaml: monitoring\.prometheus\.retention \("fortnight"\) must be a duration such as "15d"/);
        assert.doesNotMatch(res.stderr, /\n\s+at /, "no stack trace");
    });
});
