/**
 * A rule's remediation steps reach the result model: the pack publishes them in GetAnalyzerInfo
 * (PolicyInfo.remediationSteps), and each violation the Analyzer reports carries its rule's.
 */
import { strict as assert } from "assert";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as path from "path";
import type { RecordedResource } from "../../automation/engine";
import { startPolicyPack, type PolicyServer } from "../../automation/policy/analyzer";
import { policyMetaOf, toViolation } from "../../automation/policy/convert";
import { buildSarif } from "../../automation/reports/sarif";
import { allRules } from "../../policies/rules";
import { summary } from "../cli/fixtures";

function policyInfo(name: string, remediationSteps: string): analyzerproto.PolicyInfo {
    const p = new analyzerproto.PolicyInfo();
    p.setName(name);
    p.setDescription("Containers drop ALL Linux capabilities");
    p.setEnforcementlevel(analyzerproto.EnforcementLevel.MANDATORY);
    p.setRemediationSteps(remediationSteps);
    p.setTagsList(["PSS:restricted/capabilities"]);
    return p;
}

function diagnostic(name: string): analyzerproto.AnalyzeDiagnostic {
    const d = new analyzerproto.AnalyzeDiagnostic();
    d.setPolicyname(name);
    d.setPolicypackname("platform-security");
    d.setMessage('Deployment "app": container "app" keeps capabilities');
    d.setEnforcementlevel(analyzerproto.EnforcementLevel.MANDATORY);
    d.setUrn("urn:pulumi:dev-apps::platform::kubernetes:apps/v1:Deployment::app");
    return d;
}

describe("remediation steps in the result model", () => {
    const rule = allRules.find((r) => r.name === "capabilities-restricted")!;
    before(() => assert.ok(rule?.remediationSteps, "the pack's capabilities-restricted rule has remediation steps"));

    it("a violation carries the remediation steps its rule publishes", () => {
        const policies = new Map([[rule.name, policyMetaOf(policyInfo(rule.name, rule.remediationSteps!))]]);
        const v = toViolation(diagnostic(rule.name), "apps", policies, new Map());
        assert.equal(v.remediation, rule.remediationSteps);
    });

    it("a rule that publishes none leaves the field absent", () => {
        const policies = new Map([[rule.name, policyMetaOf(policyInfo(rule.name, ""))]]);
        const v = toViolation(diagnostic(rule.name), "apps", policies, new Map());
        assert.equal(v.remediation, undefined);
        assert.ok(!("remediation" in v), "no empty field in the JSON report");
    });
});

describe("remediation steps from the real pack to the SARIF rule help", function () {
    this.timeout(180_000);
    let server: PolicyServer;
    before(async () => {
        server = await startPolicyPack(path.resolve(__dirname, "../../policies"));
    });
    after(async () => {
        await server?.close();
    });

    const privileged: RecordedResource = {
        urn: "urn:pulumi:dev-apps::platform::kubernetes:apps/v1:Deployment::web",
        type: "kubernetes:apps/v1:Deployment",
        name: "web",
        inputs: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web", namespace: "web" },
            spec: { template: { spec: { containers: [{ name: "app", image: "registry.local/web:1.0", securityContext: { privileged: true } }] } } },
        },
        dependencies: [],
        custom: true,
    };

    it("every violation of a rule with remediation steps carries them, and the SARIF help shows them", async () => {
        const violations = await server.analyze([privileged], "apps");
        const steps = new Map(allRules.map((r) => [r.name, r.remediationSteps] as const));
        const hit = violations.find((v) => v.rule === "privileged-container");
        assert.ok(hit, `privileged-container fired among ${violations.map((v) => v.rule).join(", ")}`);
        for (const v of violations) assert.equal(v.remediation, steps.get(v.rule) || undefined, v.rule);

        const s = summary();
        s.outcomes = [{ layer: "apps", status: "succeeded", attempts: 1, result: { ...s.outcomes[0].result!, layer: "apps", policy: violations, schema: [] } }];
        const rule = (buildSarif([s]) as any).runs[0].tool.driver.rules.find((r: any) => r.id === "privileged-container");
        assert.ok(rule.help.text.startsWith(steps.get("privileged-container")!), rule.help.text);
    });
});
