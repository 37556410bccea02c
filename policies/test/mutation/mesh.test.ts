/**
 * Mutation tests for the mesh rules: exact messages for every plaintext path (PeerAuthentication
 * modes at each level, the mesh-wide STRICT policy and its root namespace, namespace and
 * workload injection opt-outs, weak DestinationRule TLS), the exempt namespaces and the helpers.
 */
import * as assert from "assert";
import { isMeshHost, meshDestinationRuleIstioMutual } from "../../rules/mesh/destination-rule-tls";
import { meshStrictMtlsMeshWide } from "../../rules/mesh/mesh-wide-strict";
import { meshNamespaceInjectionEnabled } from "../../rules/mesh/namespace-injection";
import { meshPeerAuthenticationStrict } from "../../rules/mesh/peer-authentication-mode";
import { DESTINATION_RULE, exemptNamespacesSchema, helmChartName, isKind, PEER_AUTHENTICATION, SYSTEM_NAMESPACES } from "../../rules/mesh/util";
import { meshWorkloadSidecarInjection } from "../../rules/mesh/workload-injection";
import { meshRules } from "../../rules/mesh";
import { CONFIG_PROPERTIES } from "../../config";
import type { Rule } from "../../rules/types";
import { runRules, urnOf, type FixtureResource } from "../support";

type Props = Record<string, any>;
const PA = "kubernetes:security.istio.io/v1:PeerAuthentication";
const DR = "kubernetes:networking.istio.io/v1:DestinationRule";
const NS = "kubernetes:core/v1:Namespace";
const DEP = "kubernetes:apps/v1:Deployment";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CR = "kubernetes:apiextensions.k8s.io/v1:CustomResource";

const res = (type: string, name: string, props: Props): FixtureResource => ({ type, name, props });
const run = (rule: Rule, resources: FixtureResource[], config: Record<string, unknown> = {}) => runRules([rule], resources, config);
const f = (rule: string, r: FixtureResource | undefined, message: string) => ({ rule, message, urn: r ? urnOf(r.type, r.name) : undefined });

describe("mutation: mesh/util", () => {
    it("isKind matches group and kind", () => {
        assert.strictEqual(isKind(PA, {}, "security.istio.io", "PeerAuthentication"), true);
        assert.strictEqual(isKind(PA, {}, "networking.istio.io", "PeerAuthentication"), false);
        assert.strictEqual(isKind(PA, {}, "security.istio.io", "AuthorizationPolicy"), false);
        assert.strictEqual(isKind("aws:s3/bucket:Bucket", {}, "", "Bucket"), false);
        assert.strictEqual(isKind(CR, { apiVersion: "v1", kind: "Namespace" }, "", "Namespace"), true);
        assert.deepStrictEqual(PEER_AUTHENTICATION, { group: "security.istio.io", kind: "PeerAuthentication" });
        assert.deepStrictEqual(DESTINATION_RULE, { group: "networking.istio.io", kind: "DestinationRule" });
    });

    it("helmChartName strips repos, OCI paths, trailing slashes, .tgz and versions", () => {
        const name = (chart: unknown, type = RELEASE) => helmChartName(type, { chart });
        assert.strictEqual(name("istiod"), "istiod");
        assert.strictEqual(name("istio/istiod"), "istiod");
        assert.strictEqual(name("oci://registry/charts/istiod"), "istiod");
        assert.strictEqual(name("istio/istiod/"), "istiod");
        assert.strictEqual(name("istio/istiod//"), "istiod");
        assert.strictEqual(name("./charts/istiod-1.27.1.tgz"), "istiod");
        assert.strictEqual(name("istiod.tgz"), "istiod");
        assert.strictEqual(name("istiod-1.27.1-rc.0"), "istiod");
        assert.strictEqual(name("istiod-canary"), "istiod-canary");
        assert.strictEqual(name("istiod-1.27"), "istiod-1.27");
        assert.strictEqual(name("istiod-10.1.2"), "istiod");
        assert.strictEqual(name("istiod-1.2.30"), "istiod");
        assert.strictEqual(name("istiod.tgz.bak"), "istiod.tgz.bak");
        assert.strictEqual(name("istiod", "kubernetes:helm.sh/v4:Chart"), "istiod");
        assert.strictEqual(name("istiod", "kubernetes:helm.sh/v3:Chart"), "istiod");
        assert.strictEqual(name("istiod", "kubernetes:helm.sh/v10:Release"), "istiod");
        assert.strictEqual(name("istiod", "kubernetes:helm.sh/vx:Release"), undefined);
        assert.strictEqual(name("istiod", "kubernetes:helm.sh/v3:ReleaseX"), undefined);
        assert.strictEqual(name("istiod", "xkubernetes:helm.sh/v3:Release"), undefined);
        assert.strictEqual(name("istiod", "kubernetes:helmxsh/v3:Release"), undefined);
        assert.strictEqual(name("istiod", "kubernetes:helm.sh/v3:Releas"), undefined);
        assert.strictEqual(name(7), undefined);
        assert.strictEqual(name(undefined), undefined);
    });

    it("declares the system namespaces and their schema", () => {
        assert.deepStrictEqual(SYSTEM_NAMESPACES, ["kube-system", "kube-public", "kube-node-lease", "istio-system"]);
        assert.deepStrictEqual(exemptNamespacesSchema, {
            exemptNamespaces: {
                type: "array", items: { type: "string" }, default: SYSTEM_NAMESPACES,
                description: "Namespaces outside the mesh data plane (control plane and Kubernetes system namespaces).",
            },
        });
    });
});

describe("mutation: mesh/peer-authentication-mode", () => {
    const pa = (name: string | undefined, namespace: string | undefined, spec: unknown, type = PA) =>
        res(type, "pa-r", { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { ...(name ? { name } : {}), ...(namespace ? { namespace } : {}) }, ...(spec !== undefined ? { spec } : {}) });
    const msgs = async (r: FixtureResource) => (await run(meshPeerAuthenticationStrict, [r])).map((x) => { assert.strictEqual(x.urn, urnOf(r.type, r.name)); return x.message; });

    it("flags PERMISSIVE and DISABLE at every level, any case, naming where", async () => {
        assert.deepStrictEqual(await msgs(pa("default", "istio-system", { mtls: { mode: "PERMISSIVE" } })), [
            "PeerAuthentication istio-system/default sets spec.mtls.mode=PERMISSIVE: use STRICT (or UNSET to inherit the mesh-wide STRICT policy).",
        ]);
        assert.deepStrictEqual(await msgs(pa("web", "apps", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "disable" }, "9090": { mode: "STRICT" }, "7070": { mode: "Permissive" }, "6060": null, "5050": { mode: 1 } } })), [
            "PeerAuthentication apps/web sets spec.portLevelMtls.7070.mode=Permissive: use STRICT (or UNSET to inherit the mesh-wide STRICT policy).",
            "PeerAuthentication apps/web sets spec.portLevelMtls.8080.mode=disable: use STRICT (or UNSET to inherit the mesh-wide STRICT policy).",
        ]);
        assert.deepStrictEqual(await msgs(pa("web", undefined, { mtls: { mode: "DISABLE" }, portLevelMtls: [{ mode: "STRICT" }, { mode: "PERMISSIVE" }] })), [
            "PeerAuthentication web sets spec.mtls.mode=DISABLE: use STRICT (or UNSET to inherit the mesh-wide STRICT policy).",
            "PeerAuthentication web sets spec.portLevelMtls.1.mode=PERMISSIVE: use STRICT (or UNSET to inherit the mesh-wide STRICT policy).",
        ]);
        assert.deepStrictEqual(await msgs(pa(undefined, undefined, { mtls: { mode: "PERMISSIVE" } })), [
            "PeerAuthentication pa-r sets spec.mtls.mode=PERMISSIVE: use STRICT (or UNSET to inherit the mesh-wide STRICT policy).",
        ]);
    });

    it("leaves STRICT, UNSET, missing modes and other kinds alone", async () => {
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: { mode: "STRICT" } })), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: { mode: "UNSET" } })), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: { mode: 3 } })), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: {} })), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", undefined)), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { portLevelMtls: null })), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: { mode: "PERMISSIVE" } }, "kubernetes:security.example.io/v1:PeerAuthentication")), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: { mode: "PERMISSIVE" } }, "kubernetes:security.istio.io/v1:AuthorizationPolicy")), []);
        assert.deepStrictEqual(await msgs(pa("a", "apps", { mtls: { mode: "PERMISSIVE" } }, "kubernetes:security.istio.io/v1:PeerAuthenticationPatch")).then((m) => m.length), 1, "patches are checked too");
    });

    it("honours reasoned exemptions but not exemptNamespaces", async () => {
        const r = pa("default", "kube-system", { mtls: { mode: "PERMISSIVE" } });
        assert.strictEqual((await run(meshPeerAuthenticationStrict, [r], { exemptNamespaces: ["kube-system"] })).length, 1);
        assert.deepStrictEqual(await run(meshPeerAuthenticationStrict, [r], { exemptions: [{ namespace: "kube-system", reason: "legacy" }] }), []);
    });
});

describe("mutation: mesh/mesh-wide-strict", () => {
    const pa = (name: string, namespace: string | undefined, spec: Props) =>
        res(PA, `pa-${name}`, { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name, ...(namespace ? { namespace } : {}) }, spec });
    const istiod = (values?: Props, chart = "istio/istiod") => res(RELEASE, "istiod", { chart, namespace: "istio-system", ...(values ? { values } : {}) });
    const msg = (root: string) => `The stack installs or configures Istio but has no mesh-wide STRICT PeerAuthentication: add a PeerAuthentication in namespace ${root} with no selector and spec.mtls.mode STRICT.`;
    const RULE = "mesh-strict-mtls-mesh-wide";
    const strictRoot = pa("root", "istio-system", { mtls: { mode: "STRICT" } });

    it("says nothing for a stack without Istio", async () => {
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [res(DEP, "d", { metadata: { name: "d" } }), res(RELEASE, "grafana", { chart: "grafana" })]), []);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, []), []);
    });

    it("reports on istiod when the mesh-wide STRICT policy is missing, else on the stack", async () => {
        const i = istiod();
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i]), [f(RULE, i, msg("istio-system"))]);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, strictRoot]), []);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [pa("ns", "apps", { mtls: { mode: "STRICT" } })]), [f(RULE, undefined, msg("istio-system"))]);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [strictRoot]), []);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [res("kubernetes:helm.sh/v4:Chart", "c", { chart: "oci://r/istiod" })]).then((x) => x.map((y) => y.urn)), [urnOf("kubernetes:helm.sh/v4:Chart", "c")]);
    });

    it("requires the root namespace, no selector and STRICT", async () => {
        const i = istiod();
        const fail = [f(RULE, i, msg("istio-system"))];
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", "istio-system", { mtls: { mode: "PERMISSIVE" } })]), fail);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", "istio-system", {})]), fail);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", "istio-system", { mtls: { mode: "strict" } })]), fail);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", undefined, { mtls: { mode: "STRICT" } })]), fail);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", "istio-system", { selector: { matchLabels: { app: "x" } }, mtls: { mode: "STRICT" } })]), fail);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", "istio-system", { selector: {}, mtls: { mode: "STRICT" } })]), []);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("r", "istio-system", { selector: { matchLabels: {} }, mtls: { mode: "STRICT" } })]), []);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, pa("a", "apps", { mtls: { mode: "STRICT" } }), strictRoot]), []);
        const wrongKind = res("kubernetes:security.istio.io/v1:RequestAuthentication", "ra", { metadata: { name: "ra", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } });
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i, wrongKind]), fail);
    });

    it("takes the root namespace from config, else istiod's meshConfig, else istio-system", async () => {
        const moved = istiod({ meshConfig: { rootNamespace: "istio-config" } });
        const inConfig = pa("r", "istio-config", { mtls: { mode: "STRICT" } });
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [moved, strictRoot]), [f(RULE, moved, msg("istio-config"))]);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [moved, inConfig]), []);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [moved, inConfig], { rootNamespace: "mesh-root" }), [f(RULE, moved, msg("mesh-root"))]);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [moved, pa("r", "mesh-root", { mtls: { mode: "STRICT" } })], { rootNamespace: "mesh-root" }), []);
        const numeric = istiod({ meshConfig: { rootNamespace: 5 } });
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [numeric]), [f(RULE, numeric, msg("istio-system"))]);
        const noMesh = istiod({ pilot: {} });
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [noMesh]), [f(RULE, noMesh, msg("istio-system"))]);
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [inConfig], { rootNamespace: "istio-config" }), []);
    });

    it("honours reasoned exemptions on istiod only", async () => {
        const i = istiod();
        assert.deepStrictEqual(await run(meshStrictMtlsMeshWide, [i], { exemptions: [{ urn: urnOf(i.type, i.name), reason: "bootstrap" }] }), []);
        assert.strictEqual((await run(meshStrictMtlsMeshWide, [i], { exemptNamespaces: ["default"], exemptObjects: ["default/istiod"] })).length, 1);
    });
});

describe("mutation: mesh/namespace-injection", () => {
    const ns = (name: string | undefined, labels?: Props, type = NS) => res(type, "ns-r", { apiVersion: "v1", kind: "Namespace", metadata: { ...(name ? { name } : {}), ...(labels ? { labels } : {}) } });
    const RULE = "mesh-namespace-injection-enabled";
    const msg = (n: string) => `Namespace ${n} sets label istio-injection=disabled: set it to "enabled" (or an istio.io/rev label), or add the namespace to exemptNamespaces if it is not part of the mesh.`;

    it("flags application namespaces that disable injection", async () => {
        const apps = ns("apps", { "istio-injection": "disabled" });
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [apps]), [f(RULE, apps, msg("apps"))]);
        const unnamed = ns(undefined, { "istio-injection": "disabled" });
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [unnamed]), [f(RULE, unnamed, msg("ns-r"))]);
        for (const labels of [{ "istio-injection": "enabled" }, { "istio-injection": "Disabled" }, {}, undefined]) {
            assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [ns("apps", labels)]), [], JSON.stringify(labels));
        }
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [ns("apps", { "istio-injection": "disabled" }, "kubernetes:example.io/v1:Namespace")]), []);
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [res(DEP, "d", { metadata: { name: "apps", labels: { "istio-injection": "disabled" } } })]), []);
    });

    it("skips the system namespaces by default, or the configured ones", async () => {
        for (const name of SYSTEM_NAMESPACES) {
            assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [ns(name, { "istio-injection": "disabled" })]), [], name);
        }
        const sys = ns("istio-system", { "istio-injection": "disabled" });
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [sys], { exemptNamespaces: ["legacy"] }), [f(RULE, sys, msg("istio-system"))]);
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [ns("legacy", { "istio-injection": "disabled" })], { exemptNamespaces: ["legacy"] }), []);
        const unnamed = ns(undefined, { "istio-injection": "disabled" });
        assert.deepStrictEqual(await run(meshNamespaceInjectionEnabled, [unnamed], { exemptNamespaces: ["ns-r"] }), [f(RULE, unnamed, msg("ns-r"))], "exempt by metadata.name only");
    });
});

describe("mutation: mesh/workload-injection", () => {
    const RULE = "mesh-workload-sidecar-injection";
    const KEY = "sidecar.istio.io/inject";
    const template = (meta: Props) => ({ metadata: meta, spec: { containers: [{ name: "c" }] } });
    const dep = (meta: Props, namespace: string | null = "apps", type = DEP, kind = "Deployment") =>
        res(type, "w-r", { apiVersion: "apps/v1", kind, metadata: { name: "web", ...(namespace ? { namespace } : {}) }, spec: { template: template(meta) } });
    const msg = (kind: string, name: string, where: string) =>
        `${kind} ${name} disables sidecar injection with the ${KEY} ${where}: remove it so the pod joins the mesh with mTLS, or move the workload to an exempt namespace.`;

    it("flags the annotation, else the label, set to false", async () => {
        const ann = dep({ annotations: { [KEY]: "false" } });
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [ann]), [f(RULE, ann, msg("Deployment", "apps/web", "annotation"))]);
        const label = dep({ labels: { [KEY]: "false" } }, null);
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [label]), [f(RULE, label, msg("Deployment", "web", "label"))]);
        const both = dep({ annotations: { [KEY]: "false" }, labels: { [KEY]: "false" } });
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [both]), [f(RULE, both, msg("Deployment", "apps/web", "annotation"))]);
        const bool = dep({ annotations: { [KEY]: false } });
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [bool]), [f(RULE, bool, msg("Deployment", "apps/web", "annotation"))]);
        const boolLabel = dep({ annotations: { [KEY]: "true" }, labels: { [KEY]: false } });
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [boolLabel]), [f(RULE, boolLabel, msg("Deployment", "apps/web", "label"))]);
        for (const meta of [{ annotations: { [KEY]: "true" } }, { labels: { [KEY]: "False" } }, {}, { annotations: { other: "false" } }]) {
            assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [dep(meta)]), [], JSON.stringify(meta));
        }
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [res(DEP, "w-r", { metadata: { name: "web" }, spec: {} })]), []);
    });

    it("checks every workload kind at its template path", async () => {
        const off = { annotations: { [KEY]: "false" } };
        const pod = res("kubernetes:core/v1:Pod", "p", { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "apps", ...off }, spec: {} });
        const cron = res("kubernetes:batch/v1:CronJob", "cj", { metadata: { name: "cj", namespace: "apps" }, spec: { jobTemplate: { spec: { template: template(off) } } } });
        const cronWrongPath = res("kubernetes:batch/v1:CronJob", "cj2", { metadata: { name: "cj2", namespace: "apps" }, spec: { template: template(off) } });
        const job = res("kubernetes:batch/v1:Job", "j", { metadata: { name: "j", namespace: "apps" }, spec: { template: template(off) } });
        const kinds = ["StatefulSet", "DaemonSet", "ReplicaSet"].map((k) => res(`kubernetes:apps/v1:${k}`, k, { metadata: { name: k.toLowerCase(), namespace: "apps" }, spec: { template: template(off) } }));
        const rc = res("kubernetes:core/v1:ReplicationController", "rc", { metadata: { name: "rc", namespace: "apps" }, spec: { template: template(off) } });
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [pod, cron, cronWrongPath, job, ...kinds, rc]), [
            f(RULE, pod, msg("Pod", "apps/p", "annotation")),
            f(RULE, cron, msg("CronJob", "apps/cj", "annotation")),
            f(RULE, job, msg("Job", "apps/j", "annotation")),
            f(RULE, kinds[0], msg("StatefulSet", "apps/statefulset", "annotation")),
            f(RULE, kinds[1], msg("DaemonSet", "apps/daemonset", "annotation")),
            f(RULE, kinds[2], msg("ReplicaSet", "apps/replicaset", "annotation")),
            f(RULE, rc, msg("ReplicationController", "apps/rc", "annotation")),
        ]);
        const cr = res(CR, "ro", { apiVersion: "argoproj.io/v1alpha1", kind: "Deployment", metadata: { name: "ro", namespace: "apps" }, spec: { template: template(off) } });
        const svc = res("kubernetes:core/v1:Service", "s", { metadata: { name: "s", namespace: "apps", ...off }, spec: { template: template(off) } });
        const wrongGroup = res("kubernetes:batch/v1:Deployment", "bd", { metadata: { name: "bd", namespace: "apps" }, spec: { template: template(off) } });
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [cr, svc, res("aws:s3/bucket:Bucket", "b", {})]), []);
        assert.deepStrictEqual((await run(meshWorkloadSidecarInjection, [wrongGroup])).length, 1, "kind and group each from the allowed lists");
    });

    it("skips exempt namespaces: the system ones by default, or the configured ones", async () => {
        const off = { annotations: { [KEY]: "false" } };
        for (const ns of SYSTEM_NAMESPACES) assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [dep(off, ns)]), [], ns);
        const sys = dep(off, "kube-system");
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [sys], { exemptNamespaces: ["batch"] }), [f(RULE, sys, msg("Deployment", "kube-system/web", "annotation"))]);
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [dep(off, "batch")], { exemptNamespaces: ["batch"] }), []);
        assert.deepStrictEqual((await run(meshWorkloadSidecarInjection, [dep(off, null)], { exemptNamespaces: ["default"] })).length, 1, "an unset namespace is not exempt by name");
    });
});

describe("mutation: mesh/destination-rule-tls", () => {
    it("isMeshHost: short names, *.svc and *.svc.<cluster domain>", () => {
        const cases: [string, string, boolean][] = [
            ["web", "cluster.local", true],
            ["WEB", "cluster.local", true],
            ["web.apps.svc", "cluster.local", true],
            ["web.apps.svc.cluster.local", "cluster.local", true],
            ["WEB.Apps.SVC.Cluster.Local", "cluster.local", true],
            ["web.apps.svc.corp.internal", "corp.internal", true],
            ["web.apps.svc.cluster.local", "corp.internal", false],
            ["api.example.com", "cluster.local", false],
            ["web.apps.svcx", "cluster.local", false],
            ["web.apps.svc.cluster.localx", "cluster.local", false],
            ["web.apps.svc.cluster", "cluster.local", false],
            ["svc.cluster.local", "cluster.local", false],
        ];
        for (const [host, domain, want] of cases) assert.strictEqual(isMeshHost(host, domain), want, `${host} in ${domain}`);
    });

    it("isMeshHost: name.namespace for the rule's own namespace, never a two-label domain elsewhere", () => {
        const cases: [string, string | undefined, boolean][] = [
            ["reviews.prod", "prod", true],
            ["Reviews.PROD", "prod", true],
            ["reviews.prod", "apps", false],
            ["reviews.prod", undefined, false],
            ["example.com", "prod", false],
            ["httpbin.org", "apps", false],
            ["reviews.prod.x", "prod", false],
            [".prod", "prod", false],
            ["reviews.", "prod", false],
        ];
        for (const [host, ns, want] of cases) assert.strictEqual(isMeshHost(host, "cluster.local", ns), want, `${host} from namespace ${ns}`);
    });

    const RULE = "mesh-destination-rule-istio-mutual";
    const dr = (spec: Props, metadata: Props = { name: "web", namespace: "apps" }, type = DR) =>
        res(type, "dr-r", { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata, spec });
    const msg = (name: string, where: string, mode: string, host: string) =>
        `DestinationRule ${name} sets ${where}=${mode} for in-mesh host ${host}: use ISTIO_MUTUAL or remove the tls block to use auto mTLS.`;

    it("flags DISABLE and SIMPLE wherever TLS is set, naming the field", async () => {
        const host = "web.apps.svc.cluster.local";
        const r = dr({
            host,
            trafficPolicy: { tls: { mode: "simple" }, portLevelSettings: [{ port: { number: 80 }, tls: { mode: "ISTIO_MUTUAL" } }, { tls: { mode: "DISABLE" } }, null, { tls: {} }, { port: { number: 81 } }] },
            subsets: [
                { name: "v1" },
                { name: "v2", trafficPolicy: { tls: { mode: "Disable" }, portLevelSettings: [{ tls: { mode: "SIMPLE" } }] } },
                null,
                { name: "v3", trafficPolicy: { tls: { mode: "MUTUAL" } } },
            ],
        });
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [r]), [
            f(RULE, r, msg("apps/web", "spec.trafficPolicy.tls.mode", "simple", host)),
            f(RULE, r, msg("apps/web", "spec.trafficPolicy.portLevelSettings[1].tls.mode", "DISABLE", host)),
            f(RULE, r, msg("apps/web", "spec.subsets[1].trafficPolicy.tls.mode", "Disable", host)),
            f(RULE, r, msg("apps/web", "spec.subsets[1].trafficPolicy.portLevelSettings[0].tls.mode", "SIMPLE", host)),
        ]);
        const portOnly = dr({ host: "web", trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: "SIMPLE" } }] } });
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [portOnly]), [f(RULE, portOnly, msg("apps/web", "spec.trafficPolicy.portLevelSettings[0].tls.mode", "SIMPLE", "web"))]);
        const short = dr({ host: "web", trafficPolicy: { tls: { mode: "DISABLE" } } }, {});
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [short]), [f(RULE, short, msg("dr-r", "spec.trafficPolicy.tls.mode", "DISABLE", "web"))]);
    });

    it("flags name.namespace hosts of the DestinationRule's namespace (\"default\" when unset)", async () => {
        const own = dr({ host: "reviews.prod", trafficPolicy: { tls: { mode: "DISABLE" } } }, { name: "reviews", namespace: "prod" });
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [own]), [f(RULE, own, msg("prod/reviews", "spec.trafficPolicy.tls.mode", "DISABLE", "reviews.prod"))]);
        const unset = dr({ host: "reviews.default", trafficPolicy: { tls: { mode: "SIMPLE" } } }, { name: "reviews" });
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [unset]), [f(RULE, unset, msg("reviews", "spec.trafficPolicy.tls.mode", "SIMPLE", "reviews.default"))]);
        // TLS origination to a two-label external domain is not in-mesh traffic.
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [dr({ host: "httpbin.org", trafficPolicy: { tls: { mode: "SIMPLE" } } })]), []);
    });

    it("leaves external hosts, ISTIO_MUTUAL, missing hosts and other kinds alone", async () => {
        const none = async (r: FixtureResource, config: Record<string, unknown> = {}) => assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [r], config), [], JSON.stringify(r));
        await none(dr({ host: "api.example.com", trafficPolicy: { tls: { mode: "SIMPLE" } } }));
        await none(dr({ host: "web", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } }));
        await none(dr({ host: "web", trafficPolicy: { tls: { mode: 1 } } }));
        await none(dr({ host: "web" }));
        await none(dr({ trafficPolicy: { tls: { mode: "DISABLE" } } }));
        await none(dr({ host: 5, trafficPolicy: { tls: { mode: "DISABLE" } } }));
        await none(res(DR, "nospec", { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "x" } }));
        await none(dr({ host: "web", trafficPolicy: { tls: { mode: "DISABLE" } } }, { name: "x" }, "kubernetes:networking.example.io/v1:DestinationRule"));
        await none(dr({ host: "web", trafficPolicy: { tls: { mode: "DISABLE" } } }, { name: "x" }, "kubernetes:networking.istio.io/v1:VirtualService"));
        await none(dr({ host: "web.apps.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } }), { clusterDomain: "corp.internal" });
    });

    it("reads the cluster domain from config", async () => {
        const r = dr({ host: "web.apps.svc.corp.internal", trafficPolicy: { tls: { mode: "DISABLE" } } });
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [r]), []);
        assert.deepStrictEqual(await run(meshDestinationRuleIstioMutual, [r], { clusterDomain: "corp.internal" }), [
            f(RULE, r, msg("apps/web", "spec.trafficPolicy.tls.mode", "DISABLE", "web.apps.svc.corp.internal")),
        ]);
        assert.strictEqual((await run(meshDestinationRuleIstioMutual, [dr({ host: "web.apps.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } })], { clusterDomain: undefined })).length, 1);
        assert.deepStrictEqual(meshDestinationRuleIstioMutual.configSchema?.properties?.clusterDomain, { type: "string", default: "cluster.local", description: "Kubernetes cluster DNS domain." });
    });
});

describe("mutation: mesh rule metadata", () => {
    it("declares what reports show: id, description, severity, enforcement, controls, remediation and settings", () => {
        const expected = [
    {"name":"mesh-peer-authentication-strict","description":"PeerAuthentication must not set mTLS mode PERMISSIVE or DISABLE at any level.","severity":"high","enforcementLevel":"mandatory","controls":{"nsaCisa":"network-separation"},"remediationSteps":"Set spec.mtls.mode (and every portLevelMtls mode) to STRICT.","schemaKeys":["exemptions"],"settings":{}},
        {"name":"mesh-strict-mtls-mesh-wide","description":"A stack with Istio must define a mesh-wide STRICT PeerAuthentication in the root namespace.","severity":"high","enforcementLevel":"mandatory","controls":{"nsaCisa":"network-separation"},"remediationSteps":"Add a PeerAuthentication in the Istio root namespace (istio-system) with no selector and spec.mtls.mode STRICT.","schemaKeys":["exemptions","rootNamespace"],"settings":{"rootNamespace":{"type":"string","description":"Istio root namespace (meshConfig.rootNamespace); defaults to istiod's values, else istio-system."}}},
        {"name":"mesh-namespace-injection-enabled","description":"Application namespaces must not disable Istio sidecar injection (istio-injection=disabled).","severity":"high","enforcementLevel":"mandatory","controls":{"nsaCisa":"network-separation"},"remediationSteps":"Label the namespace istio-injection=enabled (or istio.io/rev=<revision>), or remove the \"disabled\" label.","schemaKeys":["exemptions","exemptNamespaces"],"settings":{"exemptNamespaces":{"type":"array","items":{"type":"string"},"default":["kube-system","kube-public","kube-node-lease","istio-system"],"description":"Namespaces outside the mesh data plane (control plane and Kubernetes system namespaces)."}}},
        {"name":"mesh-workload-sidecar-injection","description":"Workloads should not opt out of Istio sidecar injection with sidecar.istio.io/inject: \"false\".","severity":"medium","enforcementLevel":"advisory","controls":{"nsaCisa":"network-separation"},"remediationSteps":"Remove sidecar.istio.io/inject: \"false\" from the pod template (label and annotation).","schemaKeys":["exemptions","exemptNamespaces"],"settings":{"exemptNamespaces":{"type":"array","items":{"type":"string"},"default":["kube-system","kube-public","kube-node-lease","istio-system"],"description":"Namespaces outside the mesh data plane (control plane and Kubernetes system namespaces)."}}},
        {"name":"mesh-destination-rule-istio-mutual","description":"DestinationRules for in-mesh hosts should not set TLS mode DISABLE or SIMPLE.","severity":"medium","enforcementLevel":"advisory","controls":{"nsaCisa":"network-separation"},"remediationSteps":"Set trafficPolicy.tls.mode to ISTIO_MUTUAL, or remove the tls block to use auto mTLS.","schemaKeys":["exemptions","clusterDomain"],"settings":{"clusterDomain":{"type":"string","default":"cluster.local","description":"Kubernetes cluster DNS domain."}}}
        ];
        assert.deepStrictEqual(meshRules.map((r) => {
            const props = (r.configSchema?.properties ?? {}) as Record<string, unknown>;
            const settings = Object.fromEntries(Object.entries(props).filter(([k, v]) => (CONFIG_PROPERTIES as Record<string, unknown>)[k] !== v));
            return { name: r.name, description: r.description, severity: r.severity, enforcementLevel: r.enforcementLevel, controls: r.controls, remediationSteps: r.remediationSteps, schemaKeys: Object.keys(props), settings };
        }), expected);
    });
});
