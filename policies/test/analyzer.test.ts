/**
 * The same cases as rules.test.ts, but through the real pack process over the Analyzer
 * gRPC protocol (automation/policy/analyzer.ts), as the Pulumi CLI runs it: proves the
 * pack starts, publishes its rules with their controls, honours Configure, and that
 * diagnostics map onto the orchestrator's PolicyViolation.
 */
import * as assert from "assert";
import * as path from "path";
import type { RecordedResource } from "../../automation/engine";
import { buildConfigureRequest, startPolicyPack, type PolicyServer } from "../../automation/policy/analyzer";
import { toWire } from "../../automation/policy/convert";
import { allRules } from "../rules";
import { RELATION_RULES } from "../rules/stack";
import { controlTags } from "../rules/util/controls";
import { compliantDeployment } from "./cases/workload";
import { loadCases, urnOf, variant, type FixtureResource } from "./support";

const PACK_DIR = path.resolve(__dirname, "..");
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function recorded(r: FixtureResource): RecordedResource {
    return { urn: urnOf(r.type, r.name), type: r.type, name: r.name, inputs: r.props, dependencies: [], custom: true };
}

function fired(violations: { rule: string }[]): string[] {
    return [...new Set(violations.map((v) => v.rule))].sort();
}

describe("policy pack over the Analyzer protocol", function () {
    this.timeout(180_000);
    let server: PolicyServer;
    const logs: string[] = [];

    before(async () => {
        server = await startPolicyPack(PACK_DIR, {}, { onLog: (line) => logs.push(line) });
    });
    after(async () => {
        await server?.close();
    });

    const analyze = (resources: FixtureResource[]) => server.analyze(resources.map(recorded), "apps");
    /** One object on its own: findings of the rules that relate objects are left out (rules.test.ts says why). */
    const analyzeOne = async (resource: FixtureResource) =>
        (await analyze([resource])).filter((v) => !RELATION_RULES.has(v.rule));

    it("publishes every rule with its enforcement, severity and controls", () => {
        assert.strictEqual(server.name, "platform-security");
        assert.strictEqual(server.version, require("../package.json").version);
        assert.deepStrictEqual([...server.policies.keys()].sort(), allRules.map((r) => r.name).sort());
        for (const rule of allRules) {
            const meta = server.policies.get(rule.name)!;
            assert.strictEqual(meta.enforcement, rule.enforcementLevel, rule.name);
            assert.strictEqual(meta.severity, rule.severity, rule.name);
            // Every control tag the pack publishes reaches the client (one filter, isControlTag).
            assert.deepStrictEqual(meta.controls, controlTags(rule.controls), rule.name);
        }
    });

    for (const { file, cases, stackCases } of loadCases()) {
        describe(file, () => {
            for (const c of cases) {
                it(`${c.rule}: compliant ${c.type} passes every rule`, async () => {
                    assert.deepStrictEqual(await analyzeOne({ type: c.type, name: "compliant", props: c.compliant }), []);
                });
                for (const b of c.broken) {
                    it(`${c.rule}: ${b.name}`, async () => {
                        if (b.config) await server.configure({ all: b.config });
                        try {
                            const violations = await analyzeOne({ type: c.type, name: "broken", props: b.props });
                            assert.deepStrictEqual(fired(violations), [c.rule, ...(b.alsoViolates ?? [])].sort(), JSON.stringify(violations, null, 1));
                        } finally {
                            if (b.config) await server.configure({});
                        }
                    });
                }
            }
            for (const s of stackCases) {
                it(`${s.rule}: compliant stack passes every rule`, async () => {
                    assert.deepStrictEqual(await analyze(s.compliant), []);
                });
                for (const b of s.broken) {
                    it(`${s.rule}: ${b.name}`, async () => {
                        if (b.config) await server.configure({ all: b.config });
                        try {
                            const violations = await analyze(b.resources);
                            assert.deepStrictEqual(fired(violations), [s.rule, ...(b.alsoViolates ?? [])].sort(), JSON.stringify(violations, null, 1));
                        } finally {
                            if (b.config) await server.configure({});
                        }
                    });
                }
            }
        });
    }

    it("maps a diagnostic onto PolicyViolation with resource, layer and controls", async () => {
        const props = variant(compliantDeployment, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true));
        const [v, ...rest] = await analyzeOne({ type: DEPLOYMENT, name: "api", props });
        assert.deepStrictEqual(rest, []);
        assert.deepStrictEqual(v, {
            policyPack: "platform-security",
            policyPackVersion: server.version,
            rule: "privileged-container",
            description: "Containers must not run privileged.",
            message: 'Deployment "api": container "api" sets spec.template.spec.containers[0].securityContext.privileged to true; set it to false',
            severity: "critical",
            enforcement: "mandatory",
            layer: "apps",
            controls: ["PSS:baseline/privileged", "CIS-K8s-5.2.2", "CIS-EKS-4.2.1", "NSA-CISA:pod-security", "C-0057"],
            remediation: "Remove securityContext.privileged or set it to false on every container.",
            urn: urnOf(DEPLOYMENT, "api"),
            resourceType: DEPLOYMENT,
            resourceName: "api",
        });
    });

    it("Configure changes enforcement levels and settings; unknown policies are rejected", async () => {
        const one = variant(compliantDeployment, (d) => (d.spec.replicas = 1));
        try {
            await server.configure({ "min-replicas": "mandatory" });
            const [v] = await analyzeOne({ type: DEPLOYMENT, name: "api", props: one });
            assert.strictEqual(v.rule, "min-replicas");
            assert.strictEqual(v.enforcement, "mandatory");
            await server.configure({ "min-replicas": { enforcementLevel: "disabled" } });
            assert.deepStrictEqual(await analyzeOne({ type: DEPLOYMENT, name: "api", props: one }), []);
            await server.configure({ all: { minReplicas: 4 } });
            const [v4] = await analyzeOne({ type: DEPLOYMENT, name: "api", props: compliantDeployment });
            assert.match(v4.message, /spec.replicas is 3; set it to at least 4/);
            assert.strictEqual(v4.enforcement, "advisory", "the rule's own level applies when config sets none");
        } finally {
            await server.configure({});
        }
        assert.throws(() => buildConfigureRequest({ "no-such-rule": "mandatory" }, server.policies), /unknown policy "no-such-rule"/);
    });

    it("sends [secret] markers as secret values the rules can still read around", async () => {
        assert.deepStrictEqual(toWire({ a: "[secret]", b: [undefined, 1] }), {
            a: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "[secret]" },
            b: [null, 1],
        });
        const props = variant(compliantDeployment, (d) => (d.spec.template.spec.containers[0].env = [{ name: "TOKEN", value: "[secret]" }]));
        assert.deepStrictEqual(await analyzeOne({ type: DEPLOYMENT, name: "api", props }), []);
    });

    it("a value unknown during preview stops only the rules that read it, with the SDK's advisory", async () => {
        // The engine's sentinel for an unknown string, as `pulumi preview` sends an image built in the same run.
        const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const props = variant(compliantDeployment, (d) => {
            d.spec.template.spec.containers[0].image = UNKNOWN;
            d.spec.template.spec.containers[0].securityContext.privileged = true;
        });
        const violations = await analyzeOne({ type: DEPLOYMENT, name: "api", props });
        const byRule = new Map(violations.map((v) => [v.rule, v] as const));
        assert.strictEqual(byRule.get("privileged-container")?.enforcement, "mandatory", "a rule that does not read the unknown value still checks the object");
        for (const rule of ["image-tag", "allowed-registries"]) {
            const v = byRule.get(rule);
            assert.ok(v, `${rule} reads the image: ${JSON.stringify(violations, null, 1)}`);
            assert.strictEqual(v.enforcement, "advisory", rule);
            assert.match(v.message, /can't run policy .* during preview: string value at \.spec\.template\.spec\.containers\.0\.image/, rule);
        }
        // The same object with the image known is read without the SDK's proxy and checked as before.
        const known = variant(compliantDeployment, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true));
        assert.deepStrictEqual(fired(await analyzeOne({ type: DEPLOYMENT, name: "api", props: known })), ["privileged-container"]);
    });

    // Mocha runs a suite's own tests before its child suites; as the last child suite this runs last.
    describe("shutdown", () => {
        it("close() stops the pack process", async () => {
            const pid = server.pid;
            assert.ok(pid > 0);
            process.kill(pid, 0); // alive
            await server.close();
            assert.throws(() => process.kill(pid, 0), /ESRCH/);
            await server.close(); // idempotent
        });
    });
});
