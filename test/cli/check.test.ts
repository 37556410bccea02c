/**
 * `infra check` end to end with the offline engine: the real layer programs under the mock
 * runtime, the policy pack and schema validation, spawned as a user would.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LAYERS } from "../../stacks/graph";
import { lines, runCli } from "./run-cli";

describe("infra check (offline engine)", function () {
    this.timeout(240_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "infra-check-"));
    let json: { code: number; stdout: string; stderr: string };

    before(async () => {
        json = await runCli(["check", "--env", "dev", "--json", "--sarif", path.join(out, "dev.sarif"), "--markdown", path.join(out, "dev.md")], { timeoutMs: 230_000 });
    });

    it("check --env dev --json exits 0 and lists the five layers, all succeeded", () => {
        assert.equal(json.code, 0, json.stderr);
        const doc = JSON.parse(json.stdout);
        assert.equal(doc.env, "dev");
        assert.equal(doc.engine, "offline");
        assert.deepEqual(doc.layers.map((l: any) => l.layer), [...LAYERS]);
        for (const l of doc.layers) assert.equal(l.status, "succeeded", `${l.layer}: ${l.error}`);
        assert.equal(doc.mandatoryViolations, 0);
    });

    it("plans resources by type per layer (an EKS cluster in cluster, dev's canaried Rollouts in apps)", () => {
        const doc = JSON.parse(json.stdout);
        const byType = (layer: string) => doc.layers.find((l: any) => l.layer === layer).counts.byType;
        assert.ok(byType("cluster")["aws:eks/cluster:Cluster"] >= 1, JSON.stringify(byType("cluster")));
        // dev turns progressive delivery on: Argo Rollouts run the pods, no Deployment is planned.
        assert.ok(byType("apps")["kubernetes:argoproj.io/v1alpha1:Rollout"] >= 1, JSON.stringify(byType("apps")));
        assert.equal(byType("apps")["kubernetes:apps/v1:Deployment"], undefined, JSON.stringify(byType("apps")));
    });

    it("never prints secret output values", () => {
        const doc = JSON.parse(json.stdout);
        const cluster = doc.layers.find((l: any) => l.layer === "cluster");
        if ("kubeconfig" in cluster.outputs) assert.equal(cluster.outputs.kubeconfig, "[secret]");
        assert.doesNotMatch(json.stdout, /-----BEGIN|client-key-data|"token":/);
    });

    it("writes a SARIF 2.1.0 file and a Markdown comment with the marker", () => {
        const sarif = JSON.parse(fs.readFileSync(path.join(out, "dev.sarif"), "utf8"));
        assert.equal(sarif.version, "2.1.0");
        assert.equal(sarif.runs.length, 1);
        const md = fs.readFileSync(path.join(out, "dev.md"), "utf8");
        assert.ok(md.startsWith("<!-- infra-check -->"));
        for (const layer of LAYERS) assert.match(md, new RegExp(`\\| dev \\| ${layer} \\|`));
    });

    it("--events streams NDJSON on stdout: every line is a JSON event, ending with the layer's success", async () => {
        const r = await runCli(["preview", "--env", "dev", "--engine", "offline", "--layer", "images", "--events"], { timeoutMs: 120_000 });
        assert.equal(r.code, 0, r.stderr);
        const events = lines(r.stdout).map((l) => JSON.parse(l));
        assert.ok(events.some((e) => e.kind === "progress" && e.layer === "images"));
        assert.deepEqual(events.filter((e) => e.kind === "layer-state").map((e) => e.status), ["queued", "running", "succeeded"]);
        assert.match(r.stderr, /images\s+succeeded/, "the summary goes to stderr");
    });

    it("refuses --env and --all together, and neither", async () => {
        const both = await runCli(["check", "--env", "dev", "--all"]);
        assert.equal(both.code, 2);
        assert.equal(lines(both.stderr).length, 1);
        const neither = await runCli(["check"]);
        assert.equal(neither.code, 2);
        assert.match(neither.stderr, /pass --env <name> or --all/);
    });
});
