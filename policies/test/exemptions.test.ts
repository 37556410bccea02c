/**
 * Exemptions users set without forking the pack: by namespace, name prefix, image and URN,
 * limited to named rules or not, each printed with its reason by policy-exemptions; and the
 * host-port ranges that replace the blanket hostPort ban.
 */
import * as assert from "assert";
import { InputError } from "../../common/errors";
import { policyConfig } from "../../automation/policy/config";
import { loadEnvironment } from "../../environments/load";
import { buildPackConfig, parseConfig } from "../config";
import { allRules } from "../rules";
import { policyExemptions } from "../rules/stack/policy-exemptions";
import { defaultNamespace } from "../rules/workload/default-namespace";
import { hostPorts } from "../rules/workload/host-ports";
import { privilegedContainer } from "../rules/workload/privileged-container";
import { compliantDeployment } from "./cases/workload";
import { runRules, urnOf, variant } from "./support";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const privileged = (name: string, namespace = "apps") =>
    variant(compliantDeployment, (d) => {
        d.metadata.name = name;
        d.metadata.namespace = namespace;
        d.spec.template.spec.containers[0].securityContext.privileged = true;
    });
const run = (props: Record<string, unknown>, config: Record<string, unknown>, resourceName = "r") =>
    runRules([privilegedContainer, policyExemptions], [{ type: DEPLOYMENT, name: resourceName, props }], config);
const rulesOf = (findings: { rule: string }[]) => findings.map((f) => f.rule).sort();

describe("exemptions", () => {
    it("exempts by namespace, name prefix, image and URN, and prints the reason for each object", async () => {
        const selectors: Record<string, unknown>[] = [
            { namespace: "apps" },
            { namePrefix: "agent-" },
            { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform" },
            { urn: urnOf(DEPLOYMENT, "r") },
        ];
        for (const selector of selectors) {
            const findings = await run(privileged("agent-x"), { exemptions: [{ ...selector, reason: "reviewed in SEC-12" }] });
            assert.deepStrictEqual(rulesOf(findings), ["policy-exemptions"], JSON.stringify(selector));
            assert.strictEqual(findings[0].message, 'Deployment "agent-x": exempt from every rule that honours exemptions: reviewed in SEC-12');
            assert.strictEqual(findings[0].urn, urnOf(DEPLOYMENT, "r"));
        }
    });

    it("checks objects the selectors do not match, and every selector of an entry must match", async () => {
        const config = { exemptions: [{ namespace: "apps", namePrefix: "agent-", reason: "node agents" }] };
        assert.deepStrictEqual(rulesOf(await run(privileged("web"), config)), ["privileged-container"]);
        assert.deepStrictEqual(rulesOf(await run(privileged("agent-x", "other"), config)), ["privileged-container"]);
        const otherImage = { exemptions: [{ image: "quay.io/prometheus", reason: "upstream image" }] };
        assert.deepStrictEqual(rulesOf(await run(privileged("agent-x"), otherImage)), ["privileged-container"]);
    });

    it("lists every object it exempts, also one that relies on the default namespace and its resource name", async () => {
        const unnamed = variant(privileged("x"), (d) => {
            delete d.metadata.name;
            delete d.metadata.namespace;
        });
        const findings = await run(unnamed, { exemptions: [{ namespace: "default", reason: "legacy apps" }] }, "legacy");
        assert.deepStrictEqual(rulesOf(findings), ["policy-exemptions"], "exempted from privileged-container, and said so");
        assert.strictEqual(findings[0].message, 'Deployment "legacy": exempt from every rule that honours exemptions: legacy apps');
    });

    it("default-namespace skips exemptNamespaces and exemptObjects like every other workload rule", async () => {
        const inDefault = variant(compliantDeployment, (d) => {
            d.metadata.name = "legacy";
            d.metadata.namespace = "default";
        });
        const check = (config: Record<string, unknown>) => runRules([defaultNamespace], [{ type: DEPLOYMENT, name: "r", props: inDefault }], config);
        assert.deepStrictEqual(rulesOf(await check({})), ["default-namespace"]);
        assert.deepStrictEqual(rulesOf(await check({ exemptObjects: ["default/legacy"] })), [], "exemptObjects");
        assert.deepStrictEqual(rulesOf(await check({ exemptNamespaces: ["default"] })), [], "exemptNamespaces");
    });

    it("applies only to the rules an entry names", async () => {
        const onlyHostNetwork = { exemptions: [{ namespace: "apps", rules: ["host-network"], reason: "CNI agent" }] };
        const findings = await run(privileged("agent-x"), onlyHostNetwork);
        assert.deepStrictEqual(rulesOf(findings), ["policy-exemptions", "privileged-container"]);
        assert.match(findings.find((f) => f.rule === "policy-exemptions")!.message, /exempt from host-network: CNI agent$/);
    });

    it("rejects entries without a selector or a reason, unknown keys and unknown rules, naming the entry", () => {
        assert.throws(() => parseConfig({ exemptions: [{ reason: "x" }] }), /exemptions\[0\] selects nothing; set namespace, namePrefix, image or urn/);
        assert.throws(() => parseConfig({ exemptions: [{ namespace: "apps" }] }), /exemptions\[0\] has no reason/);
        assert.throws(() => parseConfig({ exemptions: [{ namespace: "apps", reason: "x", name: "y" }] }), /exemptions\[0\] has unknown key "name"/);
        assert.throws(() => buildPackConfig({ exemptions: [{ namespace: "a", rules: ["no-such"], reason: "x" }] }, allRules), /exemptions\[0\].rules names unknown rule "no-such"/);
    });

    it("is passed to every rule that honours it, and policy-exemptions is never raised to mandatory", () => {
        const cfg = buildPackConfig({ enforceBestPractices: true, exemptions: [{ namespace: "apps", reason: "x" }] }, allRules);
        assert.deepStrictEqual(cfg["privileged-container"].exemptions, [{ namespace: "apps", reason: "x" }]);
        assert.deepStrictEqual(cfg["pdb-coverage"].exemptions, [{ namespace: "apps", reason: "x" }]);
        assert.strictEqual(cfg["policy-exemptions"].enforcementLevel, "advisory");
        assert.strictEqual(cfg["pdb-coverage"].enforcementLevel, "mandatory");
    });
});

describe("host-port ranges", () => {
    const withPort = (port: number) => variant(compliantDeployment, (d) => (d.spec.template.spec.containers[0].ports[0].hostPort = port));
    const runPorts = (port: number, allowedHostPorts?: string[]) =>
        runRules([hostPorts], [{ type: DEPLOYMENT, name: "r", props: withPort(port) }], allowedHostPorts ? { allowedHostPorts } : {});
    it("allows ports inside a range and flags the rest", async () => {
        assert.strictEqual((await runPorts(9100)).length, 1, "no range: every hostPort is flagged");
        assert.strictEqual((await runPorts(9100, ["9100"])).length, 0);
        assert.strictEqual((await runPorts(30500, ["9100", "30000-32767"])).length, 0);
        const [f] = await runPorts(8080, ["9100", "30000-32767"]);
        assert.match(f.message, /hostPort to 8080 \(allowed: 9100, 30000-32767\)/);
    });
    it("rejects a malformed range", () => {
        assert.throws(() => parseConfig({ allowedHostPorts: ["9100-80"] }), /allowedHostPorts is \["9100-80"\]; set it to a list of ports or ranges/);
        assert.throws(() => parseConfig({ allowedHostPorts: ["70000"] }), /allowedHostPorts/);
    });
});

describe("exemptions in an environment file", () => {
    it("reach the pack config, and a bad rule id is a one-line input error naming the file", () => {
        const prod = loadEnvironment("prod");
        assert.ok(prod.policy.exemptions.length > 0, "prod.yaml declares its exemptions");
        assert.deepStrictEqual(policyConfig(prod)["ingress-tls"].exemptions, prod.policy.exemptions);
        const bad = { ...prod, policy: { ...prod.policy, exemptions: [{ namespace: "apps", rules: ["ingres-tls"], reason: "x" }] } } as typeof prod;
        assert.throws(() => policyConfig(bad), (err: Error) => err instanceof InputError &&
            /^environments\/prod\.yaml: policy: exemptions\[0\]\.rules names unknown rule "ingres-tls"/.test(err.message));
    });
});

describe("exemptions in every rule family", () => {
    it("an RBAC rule skips roles by name prefix (system:), and an AWS rule a resource by URN", async () => {
        const { rbacNoWildcardPermissions } = require("../rules/rbac/wildcard-permissions");
        const { ecrScanOnPush } = require("../rules/aws/ecr-scan-on-push");
        const role = (name: string) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] });
        const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
        const systemPrefix = { exemptions: [{ namePrefix: "system:", reason: "Kubernetes' own roles, managed by the API server" }] };
        const roles = [{ type: CLUSTER_ROLE, name: "a", props: role("system:controller:x") }, { type: CLUSTER_ROLE, name: "b", props: role("app-admin") }];
        const found = await runRules([rbacNoWildcardPermissions, policyExemptions], roles, systemPrefix);
        assert.deepStrictEqual(found.map((f) => [f.rule, f.urn]).sort(), [
            ["policy-exemptions", urnOf(CLUSTER_ROLE, "a")],
            ["rbac-no-wildcard-permissions", urnOf(CLUSTER_ROLE, "b")],
        ]);
        const REPO = "aws:ecr/repository:Repository";
        const repos = [{ type: REPO, name: "legacy", props: {} }, { type: REPO, name: "app", props: {} }];
        const byUrn = { exemptions: [{ urn: urnOf(REPO, "legacy"), rules: ["ecr-scan-on-push"], reason: "scanned by the registry-wide rule" }] };
        const ecr = await runRules([ecrScanOnPush], repos, byUrn);
        assert.deepStrictEqual(ecr.map((f) => f.urn), [urnOf(REPO, "app")]);
    });
});
