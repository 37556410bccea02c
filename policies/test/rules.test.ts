/**
 * Every rule, called directly: each case file's compliant fixture passes every rule of the
 * pack, and each broken variant trips exactly the rule it is written for. Plus rule
 * metadata, pod-spec extraction across workload kinds, image parsing and config handling.
 */
import * as assert from "assert";
import { allRules, workloadRules } from "../rules";
import { RELATION_RULES } from "../rules/stack";
import { controlTags } from "../rules/util/controls";
import { privilegedContainer } from "../rules/workload/privileged-container";
import { minReplicas } from "../rules/workload/min-replicas";
import { isAllowedRegistry, parseImage } from "../rules/util/image";
import { containersOf, podViewOf } from "../rules/util/podspec";
import { buildPackConfig, DEFAULT_CONFIG, parseConfig } from "../config";
import { compliantDeployment } from "./cases/workload";
import { firedRules, loadCases, runRules, variant, type Finding } from "./support";

const SEVERITIES = ["low", "medium", "high", "critical"];
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
/** Availability rules no benchmark covers; every other rule names a standard control. */
/**
 * Rules no CIS benchmark or Kubescape control covers (the standards are silent on Istio mTLS
 * modes, ECR tag mutability and KMS-vs-AES ECR encryption, chart pinning and replica floors);
 * every other rule must name one.
 */
const WITHOUT_CONTROL = new Set([
    "min-replicas",
    "vpa-hpa-cpu",
    "mesh-peer-authentication-strict",
    "mesh-strict-mtls-mesh-wide",
    "mesh-namespace-injection-enabled",
    "mesh-workload-sidecar-injection",
    "mesh-destination-rule-istio-mutual",
    "ecr-immutable-tags",
    "ecr-kms-encryption",
    "chart-version-pinned",
    "topology-spread",
    "service-external-name",
    "priority-class",
    // Availability and wiring checks between objects: no benchmark speaks of them.
    "pdb-coverage",
    "hpa-target",
    "selector-matches-pods",
    // Reports the pack's own exemptions: an audit trail, not a control.
    "policy-exemptions",
]);

const loaded = loadCases();

/**
 * A single object is not a stack: the rules that relate objects (a Deployment to its PDB and
 * NetworkPolicies) are left out of the one-resource cases and tested by their stack cases.
 */
const singleObjectRules = allRules.filter((r) => !RELATION_RULES.has(r.name));

/** The variant trips its rule, and any other rule only if the case declares it in alsoViolates. */
function assertFired(findings: Finding[], rule: string, also: string[] = []): void {
    const fired = firedRules(findings);
    assert.ok(fired.includes(rule), `${rule} did not fire; fired: [${fired.join(", ")}]`);
    const unexpected = fired.filter((r) => r !== rule && !also.includes(r));
    assert.deepStrictEqual(unexpected, [], `other rules fired too (list them in alsoViolates if intended): ${JSON.stringify(findings, null, 1)}`);
    assert.deepStrictEqual(also.filter((r) => !fired.includes(r)), [], "alsoViolates lists rules that did not fire");
}

describe("policy rules (direct)", () => {
    for (const { file, cases, stackCases } of loaded) {
        describe(file, () => {
            for (const c of cases) {
                it(`${c.rule}: compliant ${c.type} passes every rule`, async () => {
                    const findings = await runRules(singleObjectRules, [{ type: c.type, name: "compliant", props: c.compliant }]);
                    assert.deepStrictEqual(findings, [], `compliant fixture for ${c.rule} is flagged`);
                });
                for (const b of c.broken) {
                    it(`${c.rule}: ${b.name}`, async () => {
                        const findings = await runRules(singleObjectRules, [{ type: c.type, name: "broken", props: b.props }], b.config);
                        assertFired(findings, c.rule, b.alsoViolates);
                    });
                }
            }
            for (const s of stackCases) {
                it(`${s.rule}: compliant stack passes every rule`, async () => {
                    assert.deepStrictEqual(await runRules(allRules, s.compliant), []);
                });
                for (const b of s.broken) {
                    it(`${s.rule}: ${b.name}`, async () => {
                        const findings = await runRules(allRules, b.resources, b.config);
                        assertFired(findings, s.rule, b.alsoViolates);
                    });
                }
            }
        });
    }

    it("every rule has a broken case", () => {
        const covered = new Set(loaded.flatMap((l) => [...l.cases, ...l.stackCases]).map((c) => c.rule));
        assert.deepStrictEqual(allRules.map((r) => r.name).filter((n) => !covered.has(n)), []);
    });

    it("every rule has id, description, severity, enforcement, remediation and controls", () => {
        const names = new Set<string>();
        for (const rule of allRules) {
            assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${rule.name}: id is not kebab-case`);
            assert.ok(!names.has(rule.name), `${rule.name}: duplicate id`);
            names.add(rule.name);
            assert.ok(rule.description.length > 10, `${rule.name}: no description`);
            assert.ok(SEVERITIES.includes(rule.severity), `${rule.name}: severity ${rule.severity}`);
            assert.ok(LEVELS.includes(rule.enforcementLevel ?? ""), `${rule.name}: no enforcementLevel`);
            assert.ok(rule.controls, `${rule.name}: no controls`);
            assert.ok(rule.remediationSteps.length > 10, `${rule.name}: no remediation steps`);
            const c = rule.controls;
            if (c.pss) assert.match(`${c.pss.level}/${c.pss.control}`, /^(baseline|restricted)\/[a-z-]+$/, `${rule.name}: PSS control`);
            for (const id of [...(c.cisKubernetes ?? []), ...(c.cisEks ?? []), ...(c.cisAws ?? [])]) assert.match(id, /^\d+(\.\d+)+$/, `${rule.name}: CIS id ${id}`);
            for (const id of c.awsFsbp ?? []) assert.match(id, /^[A-Z0-9]+\.\d+$/, `${rule.name}: FSBP id ${id}`);
            for (const id of c.kubescape ?? []) assert.match(id, /^C-\d{4}$/, `${rule.name}: kubescape id ${id}`);
            if (c.awsFsbp) assert.ok(rule.name.match(/^(eks|ec2|ecr|kms|s3|iam)-/), `${rule.name}: FSBP ids on an AWS rule only`);
        }
        const withoutControl = allRules
            .filter((r) => !WITHOUT_CONTROL.has(r.name))
            .filter((r) => controlTags(r.controls).filter((t) => !t.startsWith("NSA-CISA:")).length === 0)
            .map((r) => r.name);
        assert.deepStrictEqual(withoutControl, [], "rules without a standard control id");
        for (const rule of workloadRules) {
            if (rule.controls.pss) assert.strictEqual(rule.enforcementLevel, "mandatory", `${rule.name}: PSS rules are mandatory`);
        }
    });

    it("publishes controls as tags: PSS, CIS Kubernetes and EKS, NSA-CISA, AWS FSBP, Kubescape", () => {
        assert.deepStrictEqual(controlTags(privilegedContainer.controls), ["PSS:baseline/privileged", "CIS-K8s-5.2.2", "CIS-EKS-4.2.1", "NSA-CISA:pod-security", "C-0057"]);
        const eks = allRules.find((r) => r.name === "eks-endpoint-not-public")!;
        assert.deepStrictEqual(controlTags(eks.controls), ["CIS-EKS-5.4.1", "NSA-CISA:network-separation", "AWS-FSBP:EKS.1", "C-0227"]);
    });

    it("messages name the container and the field path", async () => {
        const broken = variant(compliantDeployment, (d) => (d.spec.template.spec.initContainers[0].securityContext.privileged = true));
        const findings = await runRules([privilegedContainer], [{ type: "kubernetes:apps/v1:Deployment", name: "x", props: broken }]);
        assert.strictEqual(findings.length, 1);
        assert.strictEqual(
            findings[0].message,
            'Deployment "api": initContainer "migrate" sets spec.template.spec.initContainers[0].securityContext.privileged to true; set it to false',
        );
    });

    it("skips exempt namespaces, from defaults and from config", async () => {
        const broken = (ns: string) => variant(compliantDeployment, (d) => {
            d.metadata.namespace = ns;
            d.spec.template.spec.containers[0].securityContext.privileged = true;
        });
        const run = (ns: string, config?: Record<string, unknown>) =>
            runRules([privilegedContainer], [{ type: "kubernetes:apps/v1:Deployment", name: "x", props: broken(ns) }], config);
        assert.strictEqual((await run("kube-system")).length, 0);
        assert.strictEqual((await run("apps")).length, 1);
        assert.strictEqual((await run("apps", { exemptNamespaces: ["apps"] })).length, 0);
        assert.strictEqual((await run("kube-system", { exemptNamespaces: [] })).length, 1);
        assert.strictEqual((await run("apps", { exemptObjects: ["apps/a*"] })).length, 0, "object exemption by wildcard");
        assert.strictEqual((await run("apps", { exemptObjects: ["apps/web"] })).length, 1, "other objects stay checked");
    });

    it("rejects bad config with a message naming the value", async () => {
        await assert.rejects(
            runRules([minReplicas], [{ type: "kubernetes:apps/v1:Deployment", name: "x", props: compliantDeployment }], { minReplicas: "3" }),
            /minReplicas is "3"; set it to an integer >= 1/,
        );
    });
});

describe("pod spec extraction", () => {
    const spec = { containers: [{ name: "c", image: "x:1" }], initContainers: [{ name: "i", image: "x:1" }], ephemeralContainers: [{ name: "e", image: "x:1" }] };
    const kinds: [string, Record<string, unknown>, string][] = [
        ["kubernetes:core/v1:Pod", { spec }, "spec"],
        ["kubernetes:apps/v1:StatefulSet", { spec: { template: { spec } } }, "spec.template.spec"],
        ["kubernetes:apps/v1:DaemonSet", { spec: { template: { spec } } }, "spec.template.spec"],
        ["kubernetes:apps/v1:ReplicaSet", { spec: { template: { spec } } }, "spec.template.spec"],
        ["kubernetes:batch/v1:Job", { spec: { template: { spec } } }, "spec.template.spec"],
        ["kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec } } } } }, "spec.jobTemplate.spec.template.spec"],
        ["kubernetes:core/v1:ReplicationController", { spec: { template: { spec } } }, "spec.template.spec"],
        ["kubernetes:argoproj.io/v1alpha1:Rollout", { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", spec: { template: { spec } } }, "spec.template.spec"],
        ["kubernetes:apiextensions.k8s.io:CustomResource", { apiVersion: "batch/v1", kind: "CronJob", spec: { jobTemplate: { spec: { template: { spec } } } } }, "spec.jobTemplate.spec.template.spec"],
    ];
    for (const [type, props, path] of kinds) {
        it(`${type}: finds ${path} and all three container lists`, () => {
            const pod = podViewOf(type, props, "r");
            assert.ok(pod, `no pod spec found in ${type}`);
            assert.strictEqual(pod.specPath, path);
            assert.deepStrictEqual(containersOf(pod).map((c) => c.path), [
                `${path}.containers[0]`, `${path}.initContainers[0]`, `${path}.ephemeralContainers[0]`,
            ]);
        });
    }
    it("checks a Rollout's pods like a Deployment's, and reads none from a Rollout that references a Deployment", async () => {
        const rollout = variant(compliantDeployment, (d) => {
            d.apiVersion = "argoproj.io/v1alpha1";
            d.kind = "Rollout";
            d.spec.template.spec.containers[0].securityContext.privileged = true;
        });
        const findings = await runRules([privilegedContainer], [{ type: "kubernetes:argoproj.io/v1alpha1:Rollout", name: "x", props: rollout }]);
        assert.deepStrictEqual(findings.map((f) => f.message), [
            'Rollout "api": container "api" sets spec.template.spec.containers[0].securityContext.privileged to true; set it to false',
        ]);
        const byRef = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", spec: { workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" } } };
        assert.strictEqual(podViewOf("kubernetes:argoproj.io/v1alpha1:Rollout", byRef, "r"), undefined);
    });
    it("ignores patches, non-Kubernetes resources and objects without a pod spec", () => {
        assert.strictEqual(podViewOf("kubernetes:apps/v1:DeploymentPatch", { spec: { template: { spec } } }, "r"), undefined);
        assert.strictEqual(podViewOf("aws:ecs/taskDefinition:TaskDefinition", { spec: { template: { spec } } }, "r"), undefined);
        assert.strictEqual(podViewOf("kubernetes:core/v1:ConfigMap", { data: {} }, "r"), undefined);
    });
});

describe("image references", () => {
    it("parses registry, repository, tag and digest", () => {
        assert.deepStrictEqual(parseImage("nginx"), { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined });
        assert.deepStrictEqual(parseImage("localhost:5000/app:1.0"), { registry: "localhost:5000", repository: "app", tag: "1.0", digest: undefined });
        assert.deepStrictEqual(parseImage("quay.io/prometheus/prometheus:v2.53.0@sha256:abc"), {
            registry: "quay.io", repository: "prometheus/prometheus", tag: "v2.53.0", digest: "sha256:abc",
        });
    });
    it("matches registries, path prefixes and wildcards segment by segment", () => {
        const ecr = parseImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1")!;
        assert.ok(isAllowedRegistry(ecr, ["*.dkr.ecr.*.amazonaws.com"]));
        assert.ok(!isAllowedRegistry(ecr, ["*.dkr.ecr.us-east-1.amazonaws.com"]), "region must match");
        assert.ok(isAllowedRegistry(parseImage("ghcr.io/acme/tool:1")!, ["ghcr.io/acme"]));
        assert.ok(!isAllowedRegistry(parseImage("ghcr.io/evil/tool:1")!, ["ghcr.io/acme"]));
        assert.ok(!isAllowedRegistry(parseImage("quay.io.evil.com/x:1")!, ["quay.io"]));
    });
});

describe("pack config", () => {
    it("fills defaults and rejects wrong types", () => {
        assert.deepStrictEqual(parseConfig({}), DEFAULT_CONFIG);
        assert.throws(() => parseConfig({ allowedRegistries: "quay.io" }), /allowedRegistries is "quay.io"; set it to a list of non-empty strings/);
        assert.throws(() => parseConfig({ requireDigest: "yes" }), /requireDigest is "yes"; set it to true or false/);
    });
    it("baseline profile relaxes restricted rules; enforceBestPractices makes hygiene mandatory", () => {
        const baseline = buildPackConfig({ profile: "baseline", minReplicas: 3 }, allRules);
        assert.strictEqual(baseline["run-as-non-root"].enforcementLevel, "advisory");
        assert.strictEqual(baseline["privileged-container"].enforcementLevel, "mandatory");
        assert.strictEqual(baseline["min-replicas"].minReplicas, 3);
        assert.strictEqual(baseline["privileged-container"].minReplicas, undefined, "only declared settings are passed");
        const prod = buildPackConfig({ enforceBestPractices: true, requireDigest: true }, allRules);
        assert.strictEqual(prod["run-as-non-root"].enforcementLevel, "mandatory");
        assert.strictEqual(prod["min-replicas"].enforcementLevel, "mandatory");
        assert.strictEqual(prod["image-tag"].requireDigest, true);
        assert.throws(() => buildPackConfig({ profile: "strict" as never }, allRules), /profile is "strict"/);
        const exempt = buildPackConfig({ ruleExemptions: { "host-network": ["monitoring/*-node-exporter"] } }, allRules);
        assert.deepStrictEqual(exempt["host-network"].exemptObjects, ["monitoring/*-node-exporter"]);
        assert.deepStrictEqual(exempt["host-pid"].exemptObjects, []);
        assert.throws(() => buildPackConfig({ ruleExemptions: { "host-net": [] } }, allRules), /unknown rule "host-net"/);
    });
});
