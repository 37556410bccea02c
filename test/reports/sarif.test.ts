/**
 * SARIF for code scanning: one run per environment under a stable category, rule help from the
 * pack's remediation steps, and every log valid against the SARIF 2.1.0 JSON schema (the copy
 * @microsoft/jest-sarif ships, so the test needs no network).
 */
import { strict as assert } from "assert";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { buildSarif, SCHEMA_RULE_ID } from "../../automation/reports/sarif";
import type { RunSummary } from "../../automation/pipeline/runner";
import { summary, violation } from "../cli/fixtures";

const SARIF_SCHEMA = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

// The schema's language-tag pattern is not a valid `u`-flag regular expression; ajv compiles it
// without the flag, as a draft-04 validator would.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(SARIF_SCHEMA);

function schemaErrors(doc: unknown): string[] {
    return validateSarif(doc) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const REMEDIATION = 'Set securityContext.capabilities to { drop: ["ALL"] } (add: ["NET_BIND_SERVICE"] only if needed).';

function withRemediation(): RunSummary {
    const s = summary();
    s.outcomes[3].result!.policy = s.outcomes[3].result!.policy.map((v) => (v.rule === "k8s-drop-all-capabilities" ? { ...v, remediation: REMEDIATION } : v));
    return s;
}

describe("sarif", () => {
    describe("one run per environment", () => {
        const log = buildSarif([summary(), summary({ env: "staging" }), summary({ env: "prod" })]) as any;

        it("has a run for each environment, categorised infra-check/<env>/", () => {
            assert.deepEqual(log.runs.map((r: any) => r.automationDetails.id), ["infra-check/dev/", "infra-check/staging/", "infra-check/prod/"]);
        });

        it("keeps each environment's run the same when another environment is added", () => {
            const devOnly = (buildSarif([summary()]) as any).runs[0];
            assert.deepEqual(log.runs[0], devOnly);
        });

        it("gives an environment with no findings an empty run, so code scanning closes its old alerts", () => {
            const clean = summary({ env: "local" });
            clean.outcomes = clean.outcomes.filter((o) => o.layer === "cluster");
            const run = (buildSarif([clean]) as any).runs[0];
            assert.equal(run.automationDetails.id, "infra-check/local/");
            assert.deepEqual(run.results, []);
        });

        it("indexes rules within each run", () => {
            for (const run of log.runs) {
                const ids = run.tool.driver.rules.map((r: any) => r.id);
                for (const r of run.results) assert.equal(ids[r.ruleIndex], r.ruleId);
            }
        });

        it("names a stack-level finding by its stack, env-layer", () => {
            const stackFinding = log.runs[1].results.find((r: any) => r.ruleId === "rbac-no-secret-access");
            assert.equal(stackFinding.locations[0].logicalLocations[0].fullyQualifiedName, "staging-mesh");
            assert.match(stackFinding.message.text, /stack staging-mesh:/);
        });
    });

    describe("rule help", () => {
        const run = (buildSarif([withRemediation()]) as any).runs[0];
        const rule = run.tool.driver.rules.find((r: any) => r.id === "k8s-drop-all-capabilities");

        it("is the rule's remediation steps, in text and Markdown", () => {
            assert.ok(rule.help.text.startsWith(REMEDIATION), rule.help.text);
            assert.ok(rule.help.markdown.includes(REMEDIATION), rule.help.markdown);
            assert.match(rule.help.text, /Controls: PSS:restricted\/capabilities, C-0046/);
            assert.match(rule.help.markdown, /`PSS:restricted\/capabilities`/);
        });

        it("does not take one finding's message as the rule's help when remediation steps exist", () => {
            assert.doesNotMatch(rule.help.text, /container app keeps capabilities/);
        });

        it("falls back to the description and the finding's message without remediation steps", () => {
            const other = run.tool.driver.rules.find((r: any) => r.id === "k8s-resource-limits");
            assert.match(other.help.text, /set limits/);
            assert.ok(other.help.markdown.length > 0);
        });

        it("the schema rule has Markdown help too", () => {
            const schemaRule = run.tool.driver.rules.find((r: any) => r.id === SCHEMA_RULE_ID);
            assert.ok(schemaRule.help.markdown.length > 0);
        });
    });

    describe("SARIF 2.1.0 schema", () => {
        it("accepts the log of several environments with every kind of finding", () => {
            const log = buildSarif([withRemediation(), summary({ env: "staging" })], { toolVersion: "0.1.0", informationUri: "https://example.com/platform" });
            assert.deepEqual(schemaErrors(log), []);
        });

        it("accepts a log with no findings at all", () => {
            const clean = summary();
            clean.outcomes = clean.outcomes.filter((o) => o.layer === "cluster");
            assert.deepEqual(schemaErrors(buildSarif([clean])), []);
        });

        it("rejects a log that breaks it (the validator is live)", () => {
            const log = buildSarif([summary()]) as any;
            log.runs[0].results[0].level = "fatal";
            delete log.runs[0].tool;
            assert.ok(schemaErrors(log).length >= 2, schemaErrors(log).join("; "));
        });

        it("keeps a stack-level violation of a rule without controls valid", () => {
            const s = summary();
            s.outcomes[0].result!.policy = [violation({ layer: "cluster", rule: "aws-x", controls: [], urn: undefined, resourceName: undefined, resourceType: undefined, description: undefined })];
            assert.deepEqual(schemaErrors(buildSarif([s])), []);
        });
    });
});
