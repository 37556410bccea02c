/**
 * Mutation tests for the stack rules: the exact findings each one reports (object, message,
 * URN) at its boundaries - replicas and disruption budgets, selectors across namespaces,
 * default-deny and open ingress rules, HPA targets, naked Pods, ServiceAccount tokens,
 * TLS hosts, and the exemptions report.
 */
import * as assert from "assert";
import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { hpaTarget, scalesOnCpu } from "../../rules/stack/hpa-target";
import { ingressTls } from "../../rules/stack/ingress-tls";
import { nakedPod } from "../../rules/stack/naked-pod";
import { isDefaultDeny, networkDefaultDeny } from "../../rules/stack/network-default-deny";
import { allowsDisruption, pdbCoverage } from "../../rules/stack/pdb-coverage";
import { policyExemptions } from "../../rules/stack/policy-exemptions";
import { selectorMatchesPods } from "../../rules/stack/selector-matches-pods";
import { serviceAccountAutomount } from "../../rules/stack/service-account-automount";
import { openSource, serviceIngressScoped } from "../../rules/stack/service-ingress-scoped";
import { vpaHpaCpu } from "../../rules/stack/vpa-hpa-cpu";
import { stackRules, RELATION_RULES } from "../../rules/stack";
import { CONFIG_PROPERTIES } from "../../config";
import type { Rule } from "../../rules/types";
import type { StackObject } from "../../rules/util/stack";
import { runRules, urnOf, type FixtureResource } from "../support";

const DEP = "kubernetes:apps/v1:Deployment";
const STS = "kubernetes:apps/v1:StatefulSet";
const DS = "kubernetes:apps/v1:DaemonSet";
const POD = "kubernetes:core/v1:Pod";
const SVC = "kubernetes:core/v1:Service";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const SA = "kubernetes:core/v1:ServiceAccount";
const RB = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const GATEWAY = "kubernetes:networking.istio.io/v1:Gateway";
const CR = "kubernetes:apiextensions.k8s.io/v1:CustomResource";
const RELEASE = "kubernetes:helm.sh/v3:Release";

type Props = Record<string, any>;
const res = (type: string, name: string, props: Props): FixtureResource => ({ type, name, props });

function workload(kind: string, name: string, ns: string, labels: Record<string, string>, opts: { replicas?: unknown; containers?: Props[]; pod?: Props } = {}): Props {
    const spec: Props = { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: opts.containers ?? [{ name: "app", image: "nginx", resources: { requests: { cpu: "100m" } } }], ...(opts.pod ?? {}) } } };
    if ("replicas" in opts) spec.replicas = opts.replicas;
    return { apiVersion: "apps/v1", kind, metadata: { name, namespace: ns }, spec };
}
const deployment = (name: string, ns: string, labels: Record<string, string>, opts: Parameters<typeof workload>[4] = {}) => res(DEP, `${ns}-${name}`, workload("Deployment", name, ns, labels, opts));
const pdb = (name: string, ns: string, spec: Props) => res(PDB, `${ns}-${name}-pdb`, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: ns }, spec });
const netpol = (name: string, ns: string, spec: Props | undefined) => res(NETPOL, `${ns}-${name}-np`, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, ...(spec ? { spec } : {}) });
const service = (name: string, ns: string, selector: unknown) => res(SVC, `${ns}-${name}-svc`, { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { ...(selector !== undefined ? { selector } : {}) } });

const run = (rule: Rule, resources: FixtureResource[], config: Record<string, unknown> = {}) => runRules([rule], resources, config);
const f = (rule: string, r: FixtureResource, message: string) => ({ rule, message, urn: urnOf(r.type, r.name) });

describe("mutation: stack/pdb-coverage", () => {
    it("allowsDisruption: maxUnavailable wins, numbers and percentages", () => {
        const cases: [Props, number, boolean][] = [
            [{ maxUnavailable: 1 }, 3, true],
            [{ maxUnavailable: 2 }, 3, true],
            [{ maxUnavailable: 0 }, 3, false],
            [{ maxUnavailable: 0, minAvailable: 1 }, 3, false],
            [{ maxUnavailable: 1, minAvailable: 3 }, 3, true],
            [{ maxUnavailable: "1" }, 3, true],
            [{ maxUnavailable: "0" }, 3, false],
            [{ maxUnavailable: "0.5" }, 3, false],
            [{ maxUnavailable: "10%" }, 3, true],
            [{ maxUnavailable: "1%" }, 3, true],
            [{ maxUnavailable: "0%" }, 3, false],
            [{ maxUnavailable: "0%", minAvailable: 1 }, 3, false],
            [{ minAvailable: 2 }, 3, true],
            [{ minAvailable: 3 }, 3, false],
            [{ minAvailable: 4 }, 3, false],
            [{ minAvailable: 1 }, 2, true],
            [{ minAvailable: "2" }, 3, true],
            [{ minAvailable: "3" }, 3, false],
            [{ minAvailable: "50%" }, 3, true],
            [{ minAvailable: "66%" }, 3, true],
            [{ minAvailable: "67%" }, 3, false],
            [{ minAvailable: "90%" }, 3, false],
            [{ minAvailable: "100%" }, 10, false],
            [{ minAvailable: "80%" }, 10, true],
            [{ minAvailable: "0%" }, 2, true],
            [{ minAvailable: "2%" }, 60, true],
            [{}, 3, false],
            [{ maxUnavailable: null, minAvailable: null }, 3, false],
            [{ maxUnavailable: true }, 3, false],
        ];
        for (const [spec, replicas, want] of cases) assert.strictEqual(allowsDisruption(spec, replicas), want, `${JSON.stringify(spec)} of ${replicas}`);
    });

    const labels = { app: "api" };
    it("flags replicated Deployments and StatefulSets without a budget, not single replicas or other kinds", async () => {
        const d3 = deployment("api", "apps", labels, { replicas: 3 });
        const d2 = deployment("two", "apps", { app: "two" }, { replicas: 2 });
        const d1 = deployment("one", "apps", { app: "one" }, { replicas: 1 });
        const dUnset = deployment("unset", "apps", { app: "unset" });
        const dString = deployment("str", "apps", { app: "str" }, { replicas: "3" });
        const sts = res(STS, "db", workload("StatefulSet", "db", "apps", { app: "db" }, { replicas: 2 }));
        const ds = res(DS, "agent", workload("DaemonSet", "agent", "apps", { app: "agent" }, { replicas: 5 }));
        assert.deepStrictEqual(await run(pdbCoverage, [d3, d2, d1, dUnset, dString, sts, ds]), [
            f("pdb-coverage", d3, 'Deployment "api": spec.replicas is 3 but no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1'),
            f("pdb-coverage", d2, 'Deployment "two": spec.replicas is 2 but no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1'),
            f("pdb-coverage", sts, 'StatefulSet "db": spec.replicas is 2 but no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1'),
        ]);
    });

    it("a budget covers only its namespace and the pods its selector picks", async () => {
        const d = deployment("api", "apps", labels, { replicas: 3 });
        const msg = 'Deployment "api": spec.replicas is 3 but no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1';
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "apps", { maxUnavailable: 1, selector: { matchLabels: labels } })]), []);
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "other", { maxUnavailable: 1, selector: { matchLabels: labels } })]), [f("pdb-coverage", d, msg)]);
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "apps", { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } })]), [f("pdb-coverage", d, msg)]);
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "apps", { maxUnavailable: 1 })]), [f("pdb-coverage", d, msg)], "no selector selects nothing");
        const noSpec = res(PDB, "nospec", { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "nospec", namespace: "apps" } });
        assert.deepStrictEqual(await run(pdbCoverage, [d, noSpec]), [f("pdb-coverage", d, msg)]);
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "apps", { maxUnavailable: 1, selector: {} })]), [], "an empty selector selects every pod");
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "apps", { maxUnavailable: 1, selector: { matchExpressions: [{ key: "app", operator: "In", values: ["api"] }] } })]), []);
        assert.deepStrictEqual(await run(pdbCoverage, [d, pdb("api", "apps", { maxUnavailable: 1, selector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["api"] }] } })]), [f("pdb-coverage", d, msg)]);
        const foreign = res("kubernetes:example.io/v1:PodDisruptionBudget", "x", { metadata: { name: "x", namespace: "apps" }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } });
        assert.deepStrictEqual(await run(pdbCoverage, [d, foreign]), [f("pdb-coverage", d, msg)], "another API group's PodDisruptionBudget");
    });

    it("names every budget that allows no disruption; one that allows it is enough", async () => {
        const d = deployment("api", "apps", labels, { replicas: 3 });
        const strict = pdb("strict", "apps", { minAvailable: 3, selector: { matchLabels: labels } });
        const zero = pdb("zero", "apps", { maxUnavailable: 0, selector: { matchLabels: labels } });
        const ok = pdb("ok", "apps", { minAvailable: "50%", selector: { matchLabels: labels } });
        assert.deepStrictEqual(await run(pdbCoverage, [d, strict, zero]), [
            f("pdb-coverage", d, 'Deployment "api": PodDisruptionBudget "strict", "zero" allows no disruption of its 3 replicas, so drains block; set maxUnavailable: 1'),
        ]);
        assert.deepStrictEqual(await run(pdbCoverage, [d, strict, ok]), []);
        assert.deepStrictEqual(await run(pdbCoverage, [d, ok, zero]), []);
        const bare = res(PDB, "bare", { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "bare", namespace: "apps" }, spec: { selector: { matchLabels: labels } } });
        assert.deepStrictEqual(await run(pdbCoverage, [d, bare]), [
            f("pdb-coverage", d, 'Deployment "api": PodDisruptionBudget "bare" allows no disruption of its 3 replicas, so drains block; set maxUnavailable: 1'),
        ]);
    });
});

describe("mutation: stack/network-default-deny", () => {
    const obj = (spec: Props | undefined) => ({ props: spec === undefined ? {} : { spec } }) as unknown as StackObject;
    it("isDefaultDeny: type Ingress (the default) and no ingress rules", () => {
        assert.strictEqual(isDefaultDeny(obj(undefined)), true);
        assert.strictEqual(isDefaultDeny(obj({})), true);
        assert.strictEqual(isDefaultDeny(obj({ policyTypes: ["Ingress", "Egress"] })), true);
        assert.strictEqual(isDefaultDeny(obj({ policyTypes: ["Egress"] })), false);
        assert.strictEqual(isDefaultDeny(obj({ policyTypes: [] })), false);
        assert.strictEqual(isDefaultDeny(obj({ policyTypes: "Ingress", ingress: [] })), true);
        assert.strictEqual(isDefaultDeny(obj({ ingress: [{}] })), false);
        assert.strictEqual(isDefaultDeny(obj({ ingress: {} })), true);
        assert.strictEqual(isDefaultDeny(obj({ policyTypes: ["Ingress"], ingress: [{ from: [] }] })), false);
    });

    it("flags every workload no default-deny policy of its namespace selects", async () => {
        const a = deployment("a", "apps", { app: "a" });
        const b = deployment("b", "apps", { app: "b" });
        const c = deployment("c", "other", { app: "a" });
        const p = res(POD, "p", { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "apps", labels: { app: "p" } }, spec: { containers: [] } });
        const msg = (kind: string, name: string, ns: string) => `${kind} "${name}": no default-deny NetworkPolicy in namespace ${ns} selects its pods, so any pod in the cluster can reach them; add one`;
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, b, c, p]), [
            f("network-default-deny", a, msg("Deployment", "a", "apps")),
            f("network-default-deny", b, msg("Deployment", "b", "apps")),
            f("network-default-deny", c, msg("Deployment", "c", "other")),
            f("network-default-deny", p, msg("Pod", "p", "apps")),
        ]);
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, b, c, netpol("deny", "apps", { podSelector: {} })]), [f("network-default-deny", c, msg("Deployment", "c", "other"))]);
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, c, netpol("deny", "apps", { policyTypes: ["Ingress"] })]), [f("network-default-deny", c, msg("Deployment", "c", "other"))], "no podSelector: the whole namespace");
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, netpol("deny", "apps", undefined)]), [], "no spec at all denies all ingress");
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, b, netpol("deny", "apps", { podSelector: { matchLabels: { app: "b" } } })]), [f("network-default-deny", a, msg("Deployment", "a", "apps"))]);
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, netpol("allow", "apps", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]), [f("network-default-deny", a, msg("Deployment", "a", "apps"))]);
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, netpol("egress", "apps", { podSelector: {}, policyTypes: ["Egress"] })]), [f("network-default-deny", a, msg("Deployment", "a", "apps"))]);
        const foreign = res("kubernetes:crd.projectcalico.org/v1:NetworkPolicy", "cal", { metadata: { name: "cal", namespace: "apps" }, spec: { podSelector: {} } });
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, foreign]), [f("network-default-deny", a, msg("Deployment", "a", "apps"))], "another API group's NetworkPolicy");
        assert.deepStrictEqual(await run(networkDefaultDeny, [a, c, netpol("d1", "apps", {}), netpol("d2", "other", {})]), []);
    });
});

describe("mutation: stack/service-ingress-scoped", () => {
    it("openSource says why a rule admits traffic from anywhere", () => {
        assert.strictEqual(openSource({}), "has no from, so it admits every source");
        assert.strictEqual(openSource({ from: [] }), "has no from, so it admits every source");
        assert.strictEqual(openSource({ from: {} as any }), "has no from, so it admits every source");
        assert.strictEqual(openSource({ from: [{ namespaceSelector: {} }] }), "has namespaceSelector {}, which names every namespace");
        assert.strictEqual(openSource({ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: {} } }] }), "has namespaceSelector {}, which names every namespace");
        assert.strictEqual(openSource({ from: [{ namespaceSelector: { matchLabels: { team: "a" } } }] }), undefined);
        assert.strictEqual(openSource({ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }), "has ipBlock 0.0.0.0/0, which admits the internet");
        assert.strictEqual(openSource({ from: [{ ipBlock: { cidr: "::/0" } }] }), "has ipBlock ::/0, which admits the internet");
        assert.strictEqual(openSource({ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }), undefined);
        assert.strictEqual(openSource({ from: [{ ipBlock: {} }] }), undefined);
        assert.strictEqual(openSource({ from: [{ podSelector: {} }] }), undefined);
        assert.strictEqual(openSource({ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }, { ipBlock: { cidr: "0.0.0.0/0" } }] }), "has ipBlock 0.0.0.0/0, which admits the internet");
    });

    it("reports each open rule of each policy selecting a Service's pods, once", async () => {
        const a = deployment("a", "apps", { app: "a", tier: "web" });
        const b = deployment("b", "apps", { app: "b", tier: "web" });
        const svc = service("web", "apps", { tier: "web" });
        const open = netpol("open", "apps", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }, {}, { from: [{ namespaceSelector: {} }] }] });
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, b, svc, open]), [
            f("service-ingress-scoped", svc, 'Service "web": NetworkPolicy "open" spec.ingress[1] has no from, so it admits every source; name the calling namespaces'),
            f("service-ingress-scoped", svc, 'Service "web": NetworkPolicy "open" spec.ingress[2] has namespaceSelector {}, which names every namespace; name the calling namespaces'),
        ]);
        const noSelector = netpol("nosel", "apps", { ingress: [{}] });
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, svc, noSelector]), [
            f("service-ingress-scoped", svc, 'Service "web": NetworkPolicy "nosel" spec.ingress[0] has no from, so it admits every source; name the calling namespaces'),
        ]);
        const aOnly = netpol("a-only", "apps", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] });
        const svcB = service("b", "apps", { app: "b" });
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, b, svcB, aOnly]), []);
        const otherNs = netpol("open", "other", { podSelector: {}, ingress: [{}] });
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, svc, otherNs]), []);
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, service("x", "apps", {}), service("y", "apps", undefined), open]), []);
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, svc, netpol("odd", "apps", { podSelector: {}, ingress: { from: [] } })]), []);
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, svc, netpol("nospec", "apps", undefined)]), []);
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, res(SVC, "bare-svc", { apiVersion: "v1", kind: "Service", metadata: { name: "bare", namespace: "apps" } }), open]), []);
        const knative = res("kubernetes:serving.knative.dev/v1:Service", "kn", { metadata: { name: "kn", namespace: "apps" }, spec: { selector: { tier: "web" } } });
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, knative, open]), [], "a Service of another API group");
        const foreign = res("kubernetes:crd.projectcalico.org/v1:NetworkPolicy", "cal", { metadata: { name: "cal", namespace: "apps" }, spec: { podSelector: {}, ingress: [{}] } });
        assert.deepStrictEqual(await run(serviceIngressScoped, [a, svc, foreign]), []);
    });
});

describe("mutation: stack/hpa-target", () => {
    it("scalesOnCpu: the v1 target, no metrics (the CPU default) or a cpu Resource metric", () => {
        assert.strictEqual(scalesOnCpu({}), true);
        assert.strictEqual(scalesOnCpu({ metrics: [] }), true);
        assert.strictEqual(scalesOnCpu({ metrics: "x" as any }), true);
        assert.strictEqual(scalesOnCpu({ targetCPUUtilizationPercentage: 70, metrics: [{ type: "Pods" }] }), true);
        assert.strictEqual(scalesOnCpu({ targetCPUUtilizationPercentage: null, metrics: [{ type: "Pods" }] }), true);
        assert.strictEqual(scalesOnCpu({ metrics: [{ type: "Resource", resource: { name: "cpu" } }] }), true);
        assert.strictEqual(scalesOnCpu({ metrics: [{ type: "ContainerResource", resource: { name: "cpu" } }] }), true);
        assert.strictEqual(scalesOnCpu({ metrics: [{ type: "Resource", resource: { name: "memory" } }] }), false);
        assert.strictEqual(scalesOnCpu({ metrics: [{ type: "Pods", resource: { name: "cpu" } }] }), false);
        assert.strictEqual(scalesOnCpu({ metrics: [{ type: "Resource" }] }), false);
        assert.strictEqual(scalesOnCpu({ metrics: [{ type: "External" }, { type: "Resource", resource: { name: "cpu" } }] }), true);
    });

    const hpa = (name: string, ns: string, spec: Props | undefined, type = HPA, apiVersion = "autoscaling/v2") =>
        res(type, `${ns}-${name}-hpa`, { apiVersion, kind: "HorizontalPodAutoscaler", metadata: { name, namespace: ns }, ...(spec ? { spec } : {}) });
    const ref = (kind: unknown, name: unknown) => ({ scaleTargetRef: { apiVersion: "apps/v1", kind, name } });

    it("requires the target to exist in the HPA's namespace with that kind and name", async () => {
        const d = deployment("api", "apps", { app: "api" });
        const missing = (h: FixtureResource, text: string) => f("hpa-target", h, `HorizontalPodAutoscaler "${(h.props as Props).metadata.name}": ${text}`);
        assert.deepStrictEqual(await run(hpaTarget, [d, hpa("ok", "apps", ref("Deployment", "api"))]), []);
        const typo = hpa("typo", "apps", ref("Deployment", "apii"));
        const kind = hpa("kind", "apps", ref("StatefulSet", "api"));
        const ns = hpa("ns", "other", ref("Deployment", "api"));
        const none = hpa("none", "apps", undefined);
        const num = hpa("num", "apps", ref("Deployment", 7));
        const seven = deployment("7", "apps", { app: "seven" });
        assert.deepStrictEqual(await run(hpaTarget, [d, seven, typo, kind, ns, none, num]), [
            missing(typo, 'spec.scaleTargetRef names Deployment "apii", which this stack does not define in namespace apps; fix the kind and name'),
            missing(kind, 'spec.scaleTargetRef names StatefulSet "api", which this stack does not define in namespace apps; fix the kind and name'),
            missing(ns, 'spec.scaleTargetRef names Deployment "api", which this stack does not define in namespace other; fix the kind and name'),
            missing(none, "spec.scaleTargetRef does not name a workload (kind and name); fix the kind and name"),
            missing(num, 'spec.scaleTargetRef names Deployment "7", which this stack does not define in namespace apps; fix the kind and name'),
        ]);
        const foreign = hpa("foreign", "apps", ref("Deployment", "nope"), "kubernetes:keda.sh/v1alpha1:HorizontalPodAutoscaler", "keda.sh/v1alpha1");
        assert.deepStrictEqual(await run(hpaTarget, [d, foreign]), [], "another API group's HPA");
    });

    it("requires CPU requests on the target's containers when it scales on CPU", async () => {
        const containers = [
            { name: "a", resources: { requests: { memory: "1Gi" } } },
            { name: "b", resources: { requests: { cpu: "100m" } } },
            { name: "c" },
            { name: "d", resources: {} },
        ];
        const d = deployment("api", "apps", { app: "api" }, { containers, pod: { initContainers: [{ name: "init" }] } });
        const h = hpa("api", "apps", ref("Deployment", "api"));
        assert.deepStrictEqual(await run(hpaTarget, [d, h]), [
            f("hpa-target", h, 'HorizontalPodAutoscaler "api": scales Deployment "api" on CPU, but container "a", container "c", container "d" request no CPU; set spec.template.spec.containers[0].resources.requests.cpu'),
        ]);
        const onlyC = deployment("api", "apps", { app: "api" }, { containers: [containers[1], containers[2], containers[3]] });
        assert.deepStrictEqual(await run(hpaTarget, [onlyC, h]), [
            f("hpa-target", h, 'HorizontalPodAutoscaler "api": scales Deployment "api" on CPU, but container "c", container "d" request no CPU; set spec.template.spec.containers[1].resources.requests.cpu'),
        ]);
        const memory = hpa("api", "apps", { ...ref("Deployment", "api"), metrics: [{ type: "Resource", resource: { name: "memory" } }] });
        assert.deepStrictEqual(await run(hpaTarget, [d, memory]), []);
        const withCpu = deployment("api", "apps", { app: "api" }, { containers: [containers[1]], pod: { initContainers: [{ name: "init" }] } });
        assert.deepStrictEqual(await run(hpaTarget, [withCpu, h]), []);
        const sts = res(STS, "db", workload("StatefulSet", "db", "apps", { app: "db" }, { containers: [{ name: "db" }] }));
        const hs = hpa("db", "apps", { ...ref("StatefulSet", "db"), targetCPUUtilizationPercentage: 80 });
        assert.deepStrictEqual(await run(hpaTarget, [sts, hs]), [
            f("hpa-target", hs, 'HorizontalPodAutoscaler "db": scales StatefulSet "db" on CPU, but container "db" request no CPU; set spec.template.spec.containers[0].resources.requests.cpu'),
        ]);
    });
});

describe("mutation: stack/naked-pod", () => {
    it("flags Pods without owner references only", async () => {
        const pod = (name: string, metadata: Props) => res(POD, name, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "apps", ...metadata }, spec: { containers: [] } });
        const bare = pod("bare", {});
        const empty = pod("empty", { ownerReferences: [] });
        const odd = pod("odd", { ownerReferences: { kind: "Job" } });
        const owned = pod("owned", { ownerReferences: [{ kind: "Job", name: "j" }] });
        const msg = (n: string) => `Pod "${n}": is a naked Pod: no controller recreates it when its node fails; run it from a Deployment or Job`;
        const bareNoMeta = res(POD, "nometa", { spec: { containers: [] } });
        assert.deepStrictEqual(await run(nakedPod, [bareNoMeta]), [f("naked-pod", bareNoMeta, msg("nometa"))]);
        assert.deepStrictEqual(await run(nakedPod, [bare, empty, odd, owned, deployment("web", "apps", { app: "web" })]), [
            f("naked-pod", bare, msg("bare")), f("naked-pod", empty, msg("empty")), f("naked-pod", odd, msg("odd")),
        ]);
    });
});

describe("mutation: stack/service-account-automount", () => {
    const sa = (name: string, ns: string, automount?: unknown) => res(SA, `${ns}-${name}-sa`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns }, ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}) });
    const binding = (type: string, ns: string | undefined, subjects: unknown) => res(type, `b-${Math.random()}`, {
        apiVersion: "rbac.authorization.k8s.io/v1", kind: type.split(":")[2], metadata: { name: "b", ...(ns ? { namespace: ns } : {}) }, roleRef: { kind: "Role", name: "r" }, subjects,
    });
    const msg = (name: string, value: string, who = "no pod of the stack uses it") => `ServiceAccount "${name}": automountServiceAccountToken is ${value}, no binding grants it anything and ${who}; set it to false`;

    it("flags accounts whose token nothing needs, saying what it is set to", async () => {
        const unset = sa("unset", "apps");
        const on = sa("on", "apps", true);
        const off = sa("off", "apps", false);
        const str = sa("str", "apps", "false");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [unset, on, off, str]), [
            f("service-account-automount", unset, msg("unset", "unset")),
            f("service-account-automount", on, msg("on", "true")),
            f("service-account-automount", str, msg("str", "false")),
        ]);
    });

    it("skips accounts a binding grants something, matched by namespace", async () => {
        const a = sa("a", "apps");
        const none = await run(serviceAccountAutomount, [a, binding(RB, "apps", [{ kind: "ServiceAccount", name: "a" }])]);
        assert.deepStrictEqual(none, []);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(CRB, undefined, [{ kind: "ServiceAccount", name: "a", namespace: "apps" }])]), []);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(RB, "other", [{ kind: "ServiceAccount", name: "a", namespace: "apps" }])]), []);
        const flagged = [f("service-account-automount", a, msg("a", "unset"))];
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(RB, "other", [{ kind: "ServiceAccount", name: "a" }])]), flagged, "subject defaults to the binding's namespace");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(CRB, undefined, [{ kind: "ServiceAccount", name: "a" }])]), flagged, "default namespace");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(RB, "apps", [{ kind: "User", name: "a" }])]), flagged);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(RB, "apps", [{ kind: "ServiceAccount" }])]), flagged);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, binding(RB, "apps", "not-a-list")]), flagged);
        const foreign = res("kubernetes:example.io/v1:RoleBinding", "fb", { metadata: { name: "b", namespace: "apps" }, subjects: [{ kind: "ServiceAccount", name: "a" }] });
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, foreign]), flagged, "a RoleBinding of another API group");
        const defaultSa = sa("d", "default");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [defaultSa, binding(CRB, undefined, [{ kind: "ServiceAccount", name: "d" }])]), []);
    });

    it("skips accounts a pod asks the token for, and names the pods that do not", async () => {
        const a = sa("a", "apps");
        const user = (name: string, pod: Props, ns = "apps") => deployment(name, ns, { app: name }, { pod });
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, user("w", { serviceAccountName: "a", automountServiceAccountToken: true })]), []);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, user("w", { serviceAccount: "a", automountServiceAccountToken: true })]), []);
        const w1 = user("w1", { serviceAccountName: "a" });
        const w2 = user("w2", { serviceAccount: "a", automountServiceAccountToken: false });
        const p = res(POD, "p", { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "apps" }, spec: { serviceAccountName: "a", containers: [] } });
        const elsewhere = user("w3", { serviceAccountName: "a", automountServiceAccountToken: true }, "other");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, w1, w2, p, elsewhere]), [
            f("service-account-automount", a, msg("a", "unset", 'none of its pods (Deployment "w1", Deployment "w2", Pod "p") asks for the token')),
        ]);
        const named = sa("undefined", "apps");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [named, user("w6", { automountServiceAccountToken: true })]), [
            f("service-account-automount", named, msg("undefined", "unset")),
        ], "a pod naming no account uses none");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, user("w4", { serviceAccountName: "b", automountServiceAccountToken: true })]), [
            f("service-account-automount", a, msg("a", "unset")),
        ]);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, user("w5", { serviceAccountName: "a", automountServiceAccountToken: "true" })]), [
            f("service-account-automount", a, msg("a", "unset", 'none of its pods (Deployment "w5") asks for the token')),
        ]);
    });

    it("pods that name no account (or no string) run as the namespace's default ServiceAccount", async () => {
        const def = sa("default", "apps");
        const user = (name: string, pod: Props, ns = "apps") => deployment(name, ns, { app: name }, { pod });
        assert.deepStrictEqual(await run(serviceAccountAutomount, [def, user("w", { automountServiceAccountToken: true })]), []);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [def, user("w", { serviceAccountName: "", automountServiceAccountToken: true })]), []);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [def, user("w", { serviceAccountName: 5, automountServiceAccountToken: true })]), []);
        assert.deepStrictEqual(await run(serviceAccountAutomount, [def, user("w", {}), user("n", { serviceAccountName: ["x"] })]), [
            f("service-account-automount", def, msg("default", "unset", 'none of its pods (Deployment "w", Deployment "n") asks for the token')),
        ]);
        // Another namespace's default account, and a pod on a named account, are not its users.
        assert.deepStrictEqual(await run(serviceAccountAutomount, [def, user("w", { automountServiceAccountToken: true }, "other"), user("x", { serviceAccountName: "x", automountServiceAccountToken: true })]), [
            f("service-account-automount", def, msg("default", "unset")),
        ]);
        // The deprecated field names the account when serviceAccountName is empty, as the API server reads it.
        const a = sa("a", "apps");
        assert.deepStrictEqual(await run(serviceAccountAutomount, [a, user("w", { serviceAccountName: "", serviceAccount: "a", automountServiceAccountToken: true })]), []);
    });

    it("matches pods to the account by a property dependency too", async () => {
        const mk = (type: string, name: string, props: Props, deps: Record<string, PolicyResource[]> = {}): PolicyResource => ({
            type, name, urn: urnOf(type, name), props, opts: {} as PolicyResource["opts"], dependencies: [], propertyDependencies: deps,
            isType: () => false, asType: (() => undefined) as PolicyResource["asType"],
        } as PolicyResource);
        const account = mk(SA, "acct", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "acct", namespace: "apps" } });
        const other = mk(SA, "other", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "other", namespace: "apps" }, automountServiceAccountToken: false });
        const asks = mk(DEP, "w", workload("Deployment", "w", "apps", { app: "w" }, { pod: { serviceAccountName: "generated-name", automountServiceAccountToken: true } }), { "spec.template.spec.serviceAccountName": [account] });
        const quiet = mk(DEP, "q", workload("Deployment", "q", "apps", { app: "q" }, { pod: { serviceAccountName: "generated-name" } }), { a: [account, other], b: [account] });
        const runStack = async (resources: PolicyResource[]) => {
            const seen: [string, string | undefined][] = [];
            const report: ReportViolation = (m, u) => { seen.push([m, u]); };
            const args = { resources, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error("n/a"); } } as unknown as StackValidationArgs;
            await serviceAccountAutomount.validateStack!(args, report);
            return seen;
        };
        assert.deepStrictEqual(await runStack([account, other, asks]), []);
        assert.deepStrictEqual(await runStack([account, other, quiet]), [[msg("acct", "unset", 'none of its pods (Deployment "q") asks for the token'), account.urn]]);
    });
});

describe("mutation: stack/selector-matches-pods", () => {
    it("flags Service and PDB selectors that select no workload of their namespace", async () => {
        const d = deployment("api", "apps", { app: "api", tier: "web" });
        const good = service("good", "apps", { app: "api" });
        const typo = service("typo", "apps", { app: "apii" });
        const elsewhere = service("api", "other", { app: "api" });
        const empty = service("empty", "apps", {});
        const none = service("none", "apps", undefined);
        const badPdb = pdb("bad", "apps", { selector: { matchLabels: { app: "web" } } });
        const goodPdb = pdb("good", "apps", { selector: { matchExpressions: [{ key: "tier", operator: "Exists" }] } });
        const noSel = pdb("nosel", "apps", {});
        const emptyNs = pdb("any", "empty-ns", { selector: {} });
        assert.deepStrictEqual(await run(selectorMatchesPods, [service("all", "lonely", {}), service("none", "lonely", undefined)]), [], "no selector terms: nothing to match");
        const specless = [res(SVC, "nospec-svc", { apiVersion: "v1", kind: "Service", metadata: { name: "nospec", namespace: "apps" } }), res(PDB, "nospec-pdb", { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "nospec", namespace: "apps" } })];
        assert.deepStrictEqual(await run(selectorMatchesPods, [d, ...specless]), []);
        assert.deepStrictEqual(await run(selectorMatchesPods, [d, good, typo, elsewhere, empty, none, badPdb, goodPdb, noSel, emptyNs]), [
            f("selector-matches-pods", typo, 'Service "typo": spec.selector {"app":"apii"} selects no workload in namespace apps; match the pod template labels'),
            f("selector-matches-pods", elsewhere, 'Service "api": spec.selector {"app":"api"} selects no workload in namespace other; match the pod template labels'),
            f("selector-matches-pods", badPdb, 'PodDisruptionBudget "bad": spec.selector {"matchLabels":{"app":"web"}} selects no workload in namespace apps; match the pod template labels'),
            f("selector-matches-pods", emptyNs, 'PodDisruptionBudget "any": spec.selector {} selects no workload in namespace empty-ns; match the pod template labels'),
        ]);
    });

    it("skips namespaces a Helm release or chart installs into", async () => {
        const svc = service("chart-svc", "monitoring", { app: "grafana" });
        const p = pdb("chart-pdb", "monitoring", { selector: { matchLabels: { app: "grafana" } } });
        const defSvc = service("d", "default", { app: "x" });
        const release = (type: string, props: Props) => res(type, `rel-${type}`, props);
        const flagged = await run(selectorMatchesPods, [svc, p, defSvc]);
        assert.strictEqual(flagged.length, 3);
        assert.deepStrictEqual(await run(selectorMatchesPods, [svc, p, defSvc, release(RELEASE, { chart: "grafana", namespace: "monitoring" }), release("kubernetes:helm.sh/v4:Chart", { chart: "x" })]), []);
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release(RELEASE, { chart: "grafana", namespace: 5 })])).map((x) => x.urn), [svc, p].map((r) => urnOf(r.type, r.name)));
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release("kubernetes:helm.sh/v3:ReleaseX", { namespace: "monitoring" })])).length, 3);
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release("kubernetes:helm.sh/vx:Release", { namespace: "monitoring" })])).length, 3);
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release("xkubernetes:helm.sh/v3:Release", { namespace: "monitoring" })])).length, 3);
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release("kubernetes:helmxsh/v3:Release", { namespace: "monitoring" })])).length, 3);
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release("kubernetes:helm.sh/v10:Release", { namespace: "monitoring" })])).length, 1);
        assert.deepStrictEqual((await run(selectorMatchesPods, [svc, p, defSvc, release("kubernetes:xhelm.sh/v3:Release", { namespace: "monitoring" })])).length, 3);
        const foreignSvc = res("kubernetes:serving.knative.dev/v1:Service", "kn", { metadata: { name: "kn", namespace: "apps" }, spec: { selector: { app: "none" } } });
        const foreignPdb = res("kubernetes:example.io/v1:PodDisruptionBudget", "fp", { metadata: { name: "fp", namespace: "apps" }, spec: { selector: { matchLabels: { app: "none" } } } });
        assert.deepStrictEqual(await run(selectorMatchesPods, [foreignSvc, foreignPdb]), []);
    });
});

describe("mutation: stack/ingress-tls", () => {
    const ingress = (spec: Props) => res(INGRESS, "ing", { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "apps" }, spec });
    const msgs = async (r: FixtureResource) => (await run(ingressTls, [r])).map((x) => { assert.strictEqual(x.urn, urnOf(r.type, r.name)); return x.message; });

    it("requires every Ingress host under spec.tls, wildcards covering one label", async () => {
        const tls = [{ hosts: ["*.example.com", "exact.org"] }, null, { secretName: "s" }];
        const hosts = ["a.example.com", "exact.org", "example.com", "a.b.example.com", "sub.exact.org", "aexample.com", "x.example.com.evil"];
        assert.deepStrictEqual(await msgs(ingress({ tls, rules: hosts.map((host) => ({ host })) })), [
            'Ingress "web": host example.com (spec.rules[2]) is not listed under spec.tls; add it with a certificate Secret',
            'Ingress "web": host a.b.example.com (spec.rules[3]) is not listed under spec.tls; add it with a certificate Secret',
            'Ingress "web": host sub.exact.org (spec.rules[4]) is not listed under spec.tls; add it with a certificate Secret',
            'Ingress "web": host aexample.com (spec.rules[5]) is not listed under spec.tls; add it with a certificate Secret',
            'Ingress "web": host x.example.com.evil (spec.rules[6]) is not listed under spec.tls; add it with a certificate Secret',
        ]);
        assert.deepStrictEqual(await msgs(ingress({ tls: [{ hosts: ["*.a.io"] }], rules: [{ host: "x.a.io" }, { host: "*.a.io" }] })), []);
        assert.deepStrictEqual(await msgs(ingress({ tls: [{ hosts: ["a.io"] }], rules: [{ host: "x.a.io" }] })), [
            'Ingress "web": host x.a.io (spec.rules[0]) is not listed under spec.tls; add it with a certificate Secret',
        ]);
        assert.deepStrictEqual(await msgs(ingress({ tls: [{ hosts: ["ab.io"] }], rules: [{ host: "xb.io" }] })), [
            'Ingress "web": host xb.io (spec.rules[0]) is not listed under spec.tls; add it with a certificate Secret',
        ]);
        assert.deepStrictEqual(await msgs(ingress({ tls: [{ hosts: ["*a.io"] }], rules: [{ host: "xa.io" }] })), [
            'Ingress "web": host xa.io (spec.rules[0]) is not listed under spec.tls; add it with a certificate Secret',
        ]);
    });

    it("a rule without a host is plain HTTP unless spec.tls is set", async () => {
        assert.deepStrictEqual(await msgs(ingress({ rules: [{ http: {} }, null] })), [
            'Ingress "web": spec.rules[0] has no host and spec.tls is empty: it serves plain HTTP; add spec.tls',
            'Ingress "web": spec.rules[1] has no host and spec.tls is empty: it serves plain HTTP; add spec.tls',
        ]);
        assert.deepStrictEqual(await msgs(ingress({ tls: [], rules: [{}] })), ['Ingress "web": spec.rules[0] has no host and spec.tls is empty: it serves plain HTTP; add spec.tls']);
        assert.deepStrictEqual(await msgs(ingress({ tls: {}, rules: [{}] })), ['Ingress "web": spec.rules[0] has no host and spec.tls is empty: it serves plain HTTP; add spec.tls']);
        assert.deepStrictEqual(await msgs(ingress({ tls: [{ hosts: ["a.io"] }], rules: [{}] })), []);
        assert.deepStrictEqual(await msgs(ingress({ tls: { hosts: ["a.io"] }, rules: [{ host: "a.io" }] })), [
            'Ingress "web": host a.io (spec.rules[0]) is not listed under spec.tls; add it with a certificate Secret',
        ]);
        assert.deepStrictEqual(await msgs(ingress({ rules: "x" })), []);
        assert.deepStrictEqual(await msgs(res(INGRESS, "bare", { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "bare" } })), []);
    });

    it("requires plain-HTTP Istio Gateway servers to redirect to HTTPS", async () => {
        const gw = (servers: unknown, type = GATEWAY, apiVersion: string | undefined = "networking.istio.io/v1") =>
            res(type, "gw", { ...(apiVersion ? { apiVersion, kind: "Gateway" } : {}), metadata: { name: "public", namespace: "istio-ingress" }, spec: { servers } });
        const servers = [
            { port: { protocol: "HTTP" }, hosts: ["apps/*", "b.io"] },
            { port: { protocol: "http" } },
            { port: { protocol: "HTTP" }, hosts: [], tls: { httpsRedirect: "true" } },
            { port: { protocol: "HTTP" }, hosts: ["c.io"], tls: { httpsRedirect: true } },
            { port: { protocol: "HTTPS" }, hosts: ["d.io"] },
            { port: {} },
            {},
            null,
        ];
        const want = [
            'Gateway "public": spec.servers[0] serves apps/*, b.io over plain HTTP; serve them on an HTTPS server and set spec.servers[0].tls.httpsRedirect: true',
            'Gateway "public": spec.servers[1] serves its hosts over plain HTTP; serve them on an HTTPS server and set spec.servers[1].tls.httpsRedirect: true',
            'Gateway "public": spec.servers[2] serves its hosts over plain HTTP; serve them on an HTTPS server and set spec.servers[2].tls.httpsRedirect: true',
        ];
        assert.deepStrictEqual(await msgs(gw(servers)), want);
        assert.deepStrictEqual(await msgs(gw(servers, GATEWAY, undefined)), want, "typed Gateway without apiVersion in its inputs");
        assert.deepStrictEqual(await msgs(gw(servers, CR, "networking.istio.io/v1beta1")), want);
        assert.deepStrictEqual(await msgs(gw(servers, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway.networking.k8s.io/v1")), [], "a Gateway API Gateway");
        assert.deepStrictEqual(await msgs(gw(servers, CR, "xnetworking.istio.io/v1")), []);
        assert.deepStrictEqual(await msgs(gw({ port: { protocol: "HTTP" } })), []);
        assert.deepStrictEqual(await msgs(res(GATEWAY, "g", { apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "g" } })), []);
        assert.deepStrictEqual(await msgs(res(SVC, "s", { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { servers, rules: [{}] } })), []);
    });
});

describe("mutation: stack/policy-exemptions", () => {
    it("lists each resource every exemption covers, with its rules and reason", async () => {
        const d = deployment("agent", "apps", { app: "agent" });
        const bucket = res("aws:s3/bucket:Bucket", "logs", {});
        const typed = res(SVC, "svc-r", { metadata: { name: "svc", namespace: "apps" } });
        const unnamed = res("kubernetes:core/v1:ConfigMap", "cm-r", {});
        const exemptions = [
            { namespace: "apps", reason: "platform agents" },
            { namePrefix: "agent", rules: ["pdb-coverage", "naked-pod"], reason: "agents run alone" },
            { urn: urnOf(bucket.type, bucket.name), rules: ["s3-encryption"], reason: "public logs" },
            { namespace: "default", namePrefix: "cm", reason: "legacy" },
        ];
        assert.deepStrictEqual(await run(policyExemptions, [d, bucket, typed, unnamed], { exemptions }), [
            f("policy-exemptions", d, 'Deployment "agent": exempt from every rule that honours exemptions: platform agents'),
            f("policy-exemptions", d, 'Deployment "agent": exempt from pdb-coverage, naked-pod: agents run alone'),
            f("policy-exemptions", bucket, 'Bucket "logs": exempt from s3-encryption: public logs'),
            f("policy-exemptions", typed, 'Service "svc": exempt from every rule that honours exemptions: platform agents'),
            f("policy-exemptions", unnamed, 'ConfigMap "cm-r": exempt from every rule that honours exemptions: legacy'),
        ]);
        assert.deepStrictEqual(await run(policyExemptions, [d, bucket]), []);
        assert.deepStrictEqual(await run(policyExemptions, [d], { exemptions: [{ namespace: "other", reason: "x" }] }), []);
        assert.deepStrictEqual(await run(policyExemptions, [d], { exemptNamespaces: ["apps"], exemptions: [{ namespace: "apps", reason: "x" }] }), [
            f("policy-exemptions", d, 'Deployment "agent": exempt from every rule that honours exemptions: x'),
        ], "not itself subject to exemptions");
    });
});

describe("mutation: stack/vpa-hpa-cpu", () => {
    const VPA = "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler";
    const hpa = (name: string, ns: string, metrics: Props[] | undefined, target = "api") => res(HPA, `${ns}-${name}-hpa`, {
        apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name, namespace: ns },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, ...(metrics ? { metrics } : {}) },
    });
    const vpa = (name: string, ns: string, spec: Props) => res(VPA, `${ns}-${name}-vpa`, { apiVersion: "autoscaling.k8s.io/v1", kind: "VerticalPodAutoscaler", metadata: { name, namespace: ns }, spec });
    const target = (name = "api", kind = "Deployment") => ({ targetRef: { apiVersion: "apps/v1", kind, name } });
    const cpu = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }];
    const rps = [{ type: "Pods", pods: { metric: { name: "istio_requests_per_second" }, target: { type: "AverageValue", averageValue: "50" } } }];
    const d = deployment("api", "apps", { app: "api" });
    const msg = (mode: string, name = "api") => `VerticalPodAutoscaler "${name}": spec.updatePolicy.updateMode is "${mode}" while HorizontalPodAutoscaler scales Deployment "api" on CPU; set updateMode: "Off" or controlledResources: [memory]`;

    it("passes a recommendation-only VPA, a memory-only one, and VPAs of workloads no HPA scales on CPU", async () => {
        assert.deepStrictEqual(await run(vpaHpaCpu, [d, hpa("api", "apps", [...cpu, ...rps]), vpa("off", "apps", { ...target(), updatePolicy: { updateMode: "Off" } }),
            vpa("mem", "apps", { ...target(), updatePolicy: { updateMode: "Auto" }, resourcePolicy: { containerPolicies: [{ containerName: "app", controlledResources: ["memory"] }] } })]), []);
        // An HPA on request rate only, an HPA in another namespace, or one on another workload leaves the VPA free.
        assert.deepStrictEqual(await run(vpaHpaCpu, [d, hpa("api", "apps", rps), vpa("auto", "apps", { ...target(), updatePolicy: { updateMode: "Auto" } })]), []);
        assert.deepStrictEqual(await run(vpaHpaCpu, [d, hpa("api", "other", cpu), vpa("auto", "apps", { ...target(), updatePolicy: { updateMode: "Auto" } })]), []);
        assert.deepStrictEqual(await run(vpaHpaCpu, [d, hpa("web", "apps", cpu, "web"), vpa("auto", "apps", { ...target(), updatePolicy: { updateMode: "Auto" } })]), []);
        assert.deepStrictEqual(await run(vpaHpaCpu, [d, hpa("api", "apps", cpu), vpa("sts", "apps", { ...target("api", "StatefulSet"), updatePolicy: { updateMode: "Auto" } })]), []);
    });
    it("flags any applying mode on a CPU-scaled workload, the VPA's Auto default included, when it controls cpu", async () => {
        const auto = vpa("auto", "apps", { ...target(), updatePolicy: { updateMode: "Auto" } });
        const dflt = vpa("dflt", "apps", { ...target() });
        const initial = vpa("initial", "apps", { ...target(), updatePolicy: { updateMode: "Initial" }, resourcePolicy: { containerPolicies: [{ containerName: "app" }] } });
        const both = vpa("both", "apps", { ...target(), updatePolicy: { updateMode: "Recreate" }, resourcePolicy: { containerPolicies: [{ containerName: "a", controlledResources: ["memory"] }, { containerName: "b", controlledResources: ["cpu"] }] } });
        // No metrics at all: the HPA's CPU default.
        assert.deepStrictEqual(await run(vpaHpaCpu, [d, hpa("api", "apps", undefined), auto, dflt, initial, both]), [
            f("vpa-hpa-cpu", auto, msg("Auto", "auto")),
            f("vpa-hpa-cpu", dflt, msg("Auto", "dflt")),
            f("vpa-hpa-cpu", initial, msg("Initial", "initial")),
            f("vpa-hpa-cpu", both, msg("Recreate", "both")),
        ]);
    });
});

describe("mutation: stack rule metadata", () => {
    it("declares what reports show: id, description, severity, enforcement, controls, remediation and settings", () => {
        const expected = [
        {"name":"pdb-coverage","description":"Replicated Deployments, StatefulSets and Argo Rollouts must have a PodDisruptionBudget that selects their pods and allows a disruption.","severity":"medium","enforcementLevel":"advisory","controls":{},"remediationSteps":"Add a policy/v1 PodDisruptionBudget in the workload's namespace whose spec.selector matches the pod template labels, with maxUnavailable: 1 (or minAvailable below spec.replicas).","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"network-default-deny","description":"Every workload's pods must be covered by a default-deny ingress NetworkPolicy.","severity":"medium","enforcementLevel":"advisory","controls":{"cisKubernetes":["5.3.2"],"cisEks":["4.3.2"],"nsaCisa":"network-separation"},"remediationSteps":"Add a NetworkPolicy in the namespace with podSelector: {} (or the workload's labels), policyTypes: [Ingress, Egress] and no rules; then allow what is needed with separate policies.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"service-ingress-scoped","description":"NetworkPolicies must admit traffic to a Service's pods only from the namespaces they name.","severity":"medium","enforcementLevel":"advisory","controls":{"cisKubernetes":["5.3.2"],"cisEks":["4.3.2"],"nsaCisa":"network-separation"},"remediationSteps":"In each ingress rule selecting the Service's pods, list from: entries with podSelector (same namespace) or namespaceSelector matching kubernetes.io/metadata.name of the calling namespaces.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"hpa-target","description":"HorizontalPodAutoscalers must target a workload of the stack whose containers request CPU.","severity":"medium","enforcementLevel":"advisory","controls":{},"remediationSteps":"Point spec.scaleTargetRef at the Deployment or StatefulSet (kind and metadata.name) in the HPA's namespace, and set resources.requests.cpu on each of its containers.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"naked-pod","description":"Pods must be created by a controller (Deployment, StatefulSet, DaemonSet, Job), not on their own.","severity":"low","enforcementLevel":"advisory","controls":{"kubescape":["C-0073"]},"remediationSteps":"Wrap the pod spec in a Deployment (or a Job for run-to-completion work) instead of creating the Pod directly.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"service-account-automount","description":"ServiceAccounts whose token no pod needs must set automountServiceAccountToken: false.","severity":"low","enforcementLevel":"advisory","controls":{"cisKubernetes":["5.1.6"],"cisEks":["4.1.6"],"nsaCisa":"pod-security","kubescape":["C-0034"]},"remediationSteps":"Set automountServiceAccountToken: false on the ServiceAccount; a pod that calls the API sets automountServiceAccountToken: true in its own spec.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"selector-matches-pods","description":"Service and PodDisruptionBudget selectors must select at least one workload of the stack.","severity":"medium","enforcementLevel":"advisory","controls":{},"remediationSteps":"Make the selector's labels equal the pod template labels (spec.template.metadata.labels) of the workload it is meant for.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"ingress-tls","description":"Ingress and Istio Gateway hosts must be served over TLS (HTTP only to redirect to HTTPS).","severity":"high","enforcementLevel":"advisory","controls":{"nsaCisa":"network-separation","kubescape":["C-0263"]},"remediationSteps":"List every Ingress host under spec.tls with a certificate Secret; on an Istio Gateway serve the hosts on an HTTPS server and set tls.httpsRedirect: true on the HTTP one.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"policy-exemptions","description":"Lists every resource an exemption covers, with the exemption's reason.","severity":"low","enforcementLevel":"advisory","controls":{},"remediationSteps":"Nothing to fix while the reason holds; remove the exemption from the environment's policy.exemptions once it no longer does.","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}},
        {"name":"vpa-hpa-cpu","description":"A VerticalPodAutoscaler must stay in updateMode \"Off\" for a workload an HPA scales on CPU.","severity":"high","enforcementLevel":"mandatory","controls":{},"remediationSteps":"Set spec.updatePolicy.updateMode: \"Off\" on the VerticalPodAutoscaler (read its recommendations instead), or limit its containerPolicies to controlledResources: [memory].","schemaKeys":["exemptNamespaces","exemptObjects","exemptions"],"settings":{}}
        ];
        assert.deepStrictEqual(stackRules.map((r) => {
            const props = (r.configSchema?.properties ?? {}) as Record<string, unknown>;
            const settings = Object.fromEntries(Object.entries(props).filter(([k, v]) => (CONFIG_PROPERTIES as Record<string, unknown>)[k] !== v));
            return { name: r.name, description: r.description, severity: r.severity, enforcementLevel: r.enforcementLevel, controls: r.controls, remediationSteps: r.remediationSteps, schemaKeys: Object.keys(props), settings };
        }), expected);
    });
});

describe("mutation: stack rule set", () => {
    it("lists the relation rules in order", () => {
        assert.deepStrictEqual(stackRules.map((r) => r.name), [
            "pdb-coverage", "network-default-deny", "service-ingress-scoped", "hpa-target", "naked-pod", "service-account-automount", "selector-matches-pods", "ingress-tls", "policy-exemptions", "vpa-hpa-cpu",
        ]);
        assert.deepStrictEqual([...RELATION_RULES], ["pdb-coverage", "network-default-deny", "service-ingress-scoped", "hpa-target", "naked-pod", "service-account-automount", "selector-matches-pods", "policy-exemptions", "vpa-hpa-cpu"]);
    });
});
