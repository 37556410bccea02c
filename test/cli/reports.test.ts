/** Reports from a synthetic run summary: table, JSON, SARIF 2.1.0 and the PR comment. */
import { strict as assert } from "assert";
import { renderJson } from "../../automation/reports/json";
import { COMMENT_MARKER, renderMarkdown } from "../../automation/reports/markdown";
import { compareViolations, hasBlockingFindings, maskOutputs } from "../../automation/reports/model";
import { buildSarif, SCHEMA_RULE_ID } from "../../automation/reports/sarif";
import { renderTable } from "../../automation/reports/table";
import type { RunSummary } from "../../automation/pipeline/runner";
import { summary, violation } from "./fixtures";

describe("reports", () => {
    describe("ordering and blocking", () => {
        it("puts mandatory before advisory, then critical before high before low", () => {
            const sorted = [
                violation({ enforcement: "advisory", severity: "critical", rule: "a" }),
                violation({ enforcement: "mandatory", severity: "low", rule: "b" }),
                violation({ enforcement: "mandatory", severity: "critical", rule: "c" }),
            ].sort(compareViolations);
            assert.deepEqual(sorted.map((v) => v.rule), ["c", "b", "a"]);
        });

        it("a summary with only advisory findings does not block; a mandatory one does", () => {
            const clean = summary();
            clean.outcomes = clean.outcomes.filter((o) => o.layer === "cluster");
            assert.equal(hasBlockingFindings(clean), false);
            clean.outcomes[0].result!.policy = [violation({ enforcement: "advisory" })];
            assert.equal(hasBlockingFindings(clean), false);
            clean.outcomes[0].result!.policy = [violation()];
            assert.equal(hasBlockingFindings(clean), true);
        });
    });

    describe("table", () => {
        const text = renderTable([summary()]);
        it("shows resource counts by type per layer, largest first", () => {
            assert.match(text, /cluster\s+ok\s+3 resources \(create 3\)\n\s+2\s+kubernetes:core\/v1:Service\n\s+1\s+kubernetes:apps\/v1:Deployment/);
        });
        it("lists mandatory findings before advisory ones, most severe first", () => {
            const mesh = text.slice(text.indexOf("  mesh"));
            const order = ["MANDATORY critical rbac-no-secret-access: (stack)", "MANDATORY high     k8s-drop-all-capabilities: kubernetes:apps/v1:Deployment istiod", "advisory  low      k8s-resource-limits"];
            const at = order.map((o) => mesh.indexOf(o));
            assert.ok(at.every((i) => i >= 0), `all present in:\n${mesh}`);
            assert.deepEqual([...at].sort((a, b) => a - b), at);
        });
        it("shows the first line of a failure and why a layer was skipped", () => {
            assert.match(text, /images\s+FAILED\s*\n\s+error: registry throttled \(log: .infra\/logs\/dev-images.log\)/);
            assert.doesNotMatch(text, /second line/);
            assert.match(text, /apps\s+skipped[\s\S]*images/);
            assert.match(text, /schema\s+mesh: Service gw: spec.ports\[0\].port: must be integer/);
        });
    });

    describe("json", () => {
        const doc = JSON.parse(renderJson([summary()]));
        it("is one document with env, engine and every layer's status", () => {
            assert.equal(doc.env, "dev");
            assert.equal(doc.engine, "offline");
            assert.equal(doc.ok, false);
            assert.deepEqual(doc.layers.map((l: any) => [l.layer, l.status]), [["cluster", "succeeded"], ["images", "failed"], ["monitoring", "not-selected"], ["mesh", "succeeded"], ["apps", "skipped"]]);
            assert.equal(doc.mandatoryViolations, 2);
        });
        it("counts resources by type and masks secret outputs", () => {
            assert.deepEqual(doc.layers[0].counts.byType, { "kubernetes:core/v1:Service": 2, "kubernetes:apps/v1:Deployment": 1 });
            assert.deepEqual(doc.layers[0].outputs, { clusterName: "dev-eks", kubeconfig: "[secret]" });
            assert.doesNotMatch(JSON.stringify(doc), /super-secret-token/);
        });
        it("lists several environments under `environments`", () => {
            const multi = JSON.parse(renderJson([summary(), summary({ env: "staging" })]));
            assert.deepEqual(multi.environments.map((e: any) => e.env), ["dev", "staging"]);
            assert.equal(multi.ok, false);
        });
    });

    describe("sarif", () => {
        const sarif = buildSarif([summary()], { toolVersion: "1.2.3" }) as any;
        const run = sarif.runs[0];
        it("is SARIF 2.1.0 with a schema and one run", () => {
            assert.equal(sarif.version, "2.1.0");
            assert.match(sarif.$schema, /sarif-2\.1\.0/);
            assert.equal(sarif.runs.length, 1);
            assert.equal(run.tool.driver.version, "1.2.3");
        });
        it("every result references a rule that exists, at the index it claims", () => {
            const ids = run.tool.driver.rules.map((r: any) => r.id);
            assert.equal(new Set(ids).size, ids.length, "rule ids unique");
            assert.equal(run.results.length, 4, "3 violations + 1 schema issue");
            for (const r of run.results) {
                assert.ok(ids.includes(r.ruleId), `rule ${r.ruleId} defined`);
                assert.equal(ids[r.ruleIndex], r.ruleId);
            }
            assert.ok(ids.includes(SCHEMA_RULE_ID));
        });
        it("rules carry descriptions, help and the control ids as tags", () => {
            const rule = run.tool.driver.rules.find((r: any) => r.id === "k8s-drop-all-capabilities");
            assert.equal(rule.shortDescription.text, "Containers drop ALL Linux capabilities");
            assert.ok(rule.fullDescription.text.length > 0);
            assert.match(rule.help.text, /Controls: PSS:restricted\/capabilities, C-0046/);
            assert.deepEqual(rule.properties.tags, ["security", "PSS:restricted/capabilities", "C-0046"]);
        });
        it("maps mandatory to error and advisory to warning, located at the layer program with the URN", () => {
            const advisory = run.results.find((r: any) => r.ruleId === "k8s-resource-limits");
            assert.equal(advisory.level, "warning");
            const mandatory = run.results.find((r: any) => r.ruleId === "k8s-drop-all-capabilities");
            assert.equal(mandatory.level, "error");
            assert.equal(mandatory.locations[0].physicalLocation.artifactLocation.uri, "stacks/mesh.ts");
            assert.match(mandatory.locations[0].logicalLocations[0].fullyQualifiedName, /^urn:pulumi:dev-mesh::platform::.*::istiod$/);
        });
        it("fingerprints are stable across runs and distinct per finding", () => {
            const again = buildSarif([summary()]) as any;
            const fp = (s: any) => s.runs[0].results.map((r: any) => r.partialFingerprints["infraFinding/v1"]);
            assert.deepEqual(fp(again), fp(sarif));
            assert.equal(new Set(fp(sarif)).size, 4);
        });
    });

    describe("markdown", () => {
        it("carries the marker, a row per env/layer and escaped cells", () => {
            const md = renderMarkdown([summary()]);
            assert.ok(md.startsWith(COMMENT_MARKER));
            assert.match(md, /\| dev \| images \| ❌ failed: registry throttled \| - \|/);
            assert.match(md, /\| dev \| mesh \| ✅ succeeded \| 3 \| create 3 \| 2 \| 1 \| 1 \|/);
            assert.match(md, /set limits \\\| pipes must be escaped/);
            assert.ok(md.indexOf("rbac-no-secret-access") < md.indexOf("k8s-resource-limits"), "mandatory first");
        });
        it("stays under 65,535 characters with 10,000 violations and says it truncated", () => {
            const big: RunSummary = summary();
            big.outcomes[3].result!.policy = Array.from({ length: 10_000 }, (_, i) => violation({ layer: "mesh", resourceName: `deploy-${i}`, message: `violation ${i} `.repeat(20) }));
            const md = renderMarkdown([big], { maxViolations: 10_000 });
            assert.ok(md.length < 65_535, `length ${md.length}`);
            assert.match(md, /Showing \d+ of 10000 violations/);
            assert.ok(md.startsWith(COMMENT_MARKER));
        });
    });

    describe("outputs masking", () => {
        const outputs = { kubeconfig: { value: "token-123", secret: true }, name: { value: "dev-eks", secret: false } };
        it("masks secret outputs as [secret] by default", () => {
            assert.deepEqual(maskOutputs(outputs), { kubeconfig: "[secret]", name: "dev-eks" });
        });
        it("shows them only with showSecrets", () => {
            assert.deepEqual(maskOutputs(outputs, true), { kubeconfig: "token-123", name: "dev-eks" });
        });
    });
});
