import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { RecordedResource } from "../../automation/engine";
import { ofType, recordProgram, resolve } from "../../automation/offline/mock-runtime";
import { modelFor } from "../../automation/offline/k8s-schema";
import { IstioArgs, parseHostPort, validateIstioArgs } from "../../components/mesh/args";
import { Istio } from "../../components/mesh/istio";
import { envoyPodMonitor, gatewayValues, istiodValues, publicGateway } from "../../components/mesh/values";

const ARGS: IstioArgs = {
    version: "1.23.2",
    gateway: { replicas: 2 },
    appNamespaces: ["apps", "batch"],
    monitoringNamespace: "monitoring",
    tracing: { otlpEndpoint: "tempo.monitoring.svc.cluster.local:4317" },
};

/**
 * Istio's schema package has v1beta1 models only for these kinds; v1 has the same schema, so the
 * body is judged under the v1beta1 model's apiVersion.
 */
function validateModel(obj: Record<string, any>): void {
    const Model = modelFor(obj.apiVersion, obj.kind);
    assert.ok(Model, `no schema model for ${obj.apiVersion} ${obj.kind}`);
    const modelVersion = (Model as any).apiVersion as string | undefined;
    new Model({ ...obj, apiVersion: modelVersion ?? obj.apiVersion }).validate();
}

function byName(resources: RecordedResource[], name: string): RecordedResource {
    const r = resources.find((x) => x.name === name);
    assert.ok(r, `no resource named ${name}; have ${resources.map((x) => x.name).join(", ")}`);
    return r;
}

describe("mesh: validateIstioArgs", () => {
    it("applies the documented safe defaults", () => {
        const a = validateIstioArgs(ARGS);
        assert.strictEqual(a.namespace, "istio-system");
        assert.strictEqual(a.gateway.namespace, "istio-ingress");
        assert.strictEqual(a.gateway.serviceType, "ClusterIP");
        assert.strictEqual(a.gateway.maxReplicas, 6);
        assert.strictEqual(a.outboundTrafficPolicy, "REGISTRY_ONLY");
        assert.deepStrictEqual(a.cni, { enabled: true, namespace: "kube-system" });
        assert.strictEqual(a.pilot.replicas, 2);
    });
    const bad: [string, Partial<IstioArgs>, RegExp][] = [
        ["a version range", { version: "1.23.x" }, /version "1\.23\.x" is not an exact chart version/],
        ["no app namespaces", { appNamespaces: [] }, /appNamespaces is empty/],
        ["a duplicated app namespace", { appNamespaces: ["apps", "apps"] }, /lists "apps" twice/],
        ["the control plane namespace as an app namespace", { appNamespaces: ["istio-system"] }, /system namespace/],
        ["the gateway in the control plane namespace", { gateway: { replicas: 2, namespace: "istio-system" } }, /equals the control plane namespace/],
        ["zero gateway replicas", { gateway: { replicas: 0 } }, /gateway\.replicas 0/],
        ["a ceiling below the floor", { gateway: { replicas: 3, maxReplicas: 2 } }, /gateway\.maxReplicas 2/],
        ["an unknown service type", { gateway: { replicas: 1, serviceType: "NodePort" as any } }, /gateway\.serviceType "NodePort"/],
        ["two tracing backends", { tracing: { otlpEndpoint: "a:1", zipkinAddress: "b:2" } }, /choose one/],
        ["a sampling rate above 100%", { tracing: { samplingPercent: 150 } }, /samplingPercent 150/],
    ];
    for (const [what, patch, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(() => validateIstioArgs({ ...ARGS, ...patch }), (e: any) => pulumi.InputPropertyError.isInstance(e) && message.test(e.message));
        });
    }
    it("parses host:port endpoints and names a bad one", () => {
        assert.deepStrictEqual(parseHostPort("tempo.monitoring.svc.cluster.local:4317", "x"), { host: "tempo.monitoring.svc.cluster.local", port: 4317 });
        assert.deepStrictEqual(parseHostPort("http://zipkin:9411", "x"), { host: "zipkin", port: 9411 });
        assert.throws(() => parseHostPort("tempo", "tracing.otlpEndpoint"), /tracing\.otlpEndpoint "tempo" is not "host:port"/);
    });
});

describe("mesh: values (pure)", () => {
    const a = validateIstioArgs(ARGS);
    it("configures istiod's mesh: merged metrics, JSON access logs, registry-only egress, OTLP tracing", () => {
        const v = istiodValues(a, { otlp: { host: "tempo.monitoring.svc.cluster.local", port: 4317 } }) as any;
        assert.strictEqual(v.meshConfig.enablePrometheusMerge, true);
        assert.strictEqual(v.meshConfig.accessLogFile, "/dev/stdout");
        assert.deepStrictEqual(v.meshConfig.outboundTrafficPolicy, { mode: "REGISTRY_ONLY" });
        assert.deepStrictEqual(v.meshConfig.extensionProviders, [{ name: "otel-tracing", opentelemetry: { service: "tempo.monitoring.svc.cluster.local", port: 4317 } }]);
        assert.deepStrictEqual(v.meshConfig.defaultProviders, { tracing: ["otel-tracing"] });
        assert.strictEqual(v.pilot.cni.enabled, true);
        assert.deepStrictEqual(v.pilot.resources.requests, { cpu: "200m", memory: "512Mi" });
    });
    it("uses the legacy Zipkin tracer only when given a Zipkin address", () => {
        const v = istiodValues(a, { zipkinAddress: "zipkin.tracing:9411" }) as any;
        assert.deepStrictEqual(v.meshConfig.defaultConfig.tracing, { zipkin: { address: "zipkin.tracing:9411" }, sampling: 1 });
        assert.strictEqual(v.meshConfig.extensionProviders, undefined);
        const none = istiodValues(a, {}) as any;
        assert.strictEqual(none.meshConfig.enableTracing, false);
    });
    it("autoscales the gateway from its replica floor and keeps it ClusterIP by default", () => {
        const v = gatewayValues(a) as any;
        assert.deepStrictEqual(v.service, { type: "ClusterIP" });
        assert.deepStrictEqual([v.autoscaling.minReplicas, v.autoscaling.maxReplicas], [2, 6]);
        assert.deepStrictEqual(v.podDisruptionBudget, { minAvailable: 1 });
    });
    it("lets only the app namespaces bind routes to the public gateway, with TLS when a certificate is given", () => {
        const plain = publicGateway(a) as any;
        assert.deepStrictEqual(plain.spec.servers.map((s: any) => [s.port.number, s.hosts]), [[80, ["apps/*", "batch/*"]]]);
        const tls = publicGateway(validateIstioArgs({ ...ARGS, gateway: { replicas: 2, tlsCredentialName: "public-cert" } })) as any;
        assert.deepStrictEqual(tls.spec.servers[0].tls, { httpsRedirect: true });
        assert.deepStrictEqual(tls.spec.servers[1].tls, { mode: "SIMPLE", credentialName: "public-cert", minProtocolVersion: "TLSV1_2" });
        validateModel(tls);
    });
    it("scrapes every namespace's Envoys on their stats port", () => {
        const pm = envoyPodMonitor("monitoring") as any;
        assert.deepStrictEqual(pm.spec.namespaceSelector, { any: true });
        assert.deepStrictEqual(pm.spec.podMetricsEndpoints[0], { port: "http-envoy-prom", path: "/stats/prometheus", interval: "15s" });
    });
});

describe("mesh: Istio (recorded)", () => {
    let resources: RecordedResource[];
    let outputs: Record<string, unknown>;

    before(async () => {
        const rec = await recordProgram(async () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const istio = new Istio("mesh", { ...ARGS, monitoringNamespace: pulumi.output("monitoring") }, { provider });
            const out: Record<string, unknown> = {};
            for (const key of ["namespace", "gatewayNamespace", "gatewayService", "appNamespaces", "version"] as const) out[key] = await resolve(istio[key] as pulumi.Output<unknown>);
            return out;
        });
        resources = rec.resources;
        outputs = rec.result;
    });

    it("installs base, cni, istiod and gateway from the Istio repository at the pinned version", () => {
        const releases = ofType(resources, "kubernetes:helm.sh/v3:Release");
        assert.deepStrictEqual(releases.map((r) => r.inputs.chart).sort(), ["base", "cni", "gateway", "istiod"]);
        for (const r of releases) {
            assert.strictEqual(r.inputs.version, "1.23.2", r.name);
            assert.strictEqual((r.inputs.repositoryOpts as any).repo, "https://istio-release.storage.googleapis.com/charts", r.name);
            assert.strictEqual(r.inputs.atomic, true, r.name);
        }
    });
    it("orders the install: namespace -> base -> istiod -> gateway", () => {
        const ns = byName(resources, "mesh-namespace");
        const base = byName(resources, "mesh-base");
        const cni = byName(resources, "mesh-cni");
        const istiod = byName(resources, "mesh-istiod");
        const gateway = byName(resources, "mesh-gateway");
        assert.ok(base.dependencies.includes(ns.urn), "base waits for its namespace");
        assert.ok(istiod.dependencies.includes(base.urn), "istiod waits for base");
        assert.ok(istiod.dependencies.includes(cni.urn), "istiod waits for the CNI agent");
        assert.ok(gateway.dependencies.includes(istiod.urn), "gateway waits for istiod");
        assert.ok(!base.dependencies.includes(istiod.urn));
    });
    it("enforces STRICT mTLS mesh-wide from the root namespace, after istiod", () => {
        const [pa] = ofType(resources, "kubernetes:security.istio.io/v1:PeerAuthentication");
        assert.ok(pa, "no PeerAuthentication");
        assert.deepStrictEqual(pa.inputs.metadata, { name: "default", namespace: "istio-system" });
        assert.deepStrictEqual(pa.inputs.spec, { mtls: { mode: "STRICT" } });
        assert.ok(pa.dependencies.includes(byName(resources, "mesh-istiod").urn));
        validateModel(pa.inputs);
    });
    it("creates the app namespaces with sidecar injection and baseline Pod Security", () => {
        for (const ns of ["apps", "batch"]) {
            const meta = byName(resources, `mesh-app-${ns}`).inputs.metadata as any;
            assert.strictEqual(meta.name, ns);
            assert.strictEqual(meta.labels["istio-injection"], "enabled");
            assert.strictEqual(meta.labels["pod-security.kubernetes.io/enforce"], "baseline");
            validateModel({ apiVersion: "v1", kind: "Namespace", ...byName(resources, `mesh-app-${ns}`).inputs });
        }
        for (const r of ofType(resources, "kubernetes:core/v1:Namespace")) validateModel(r.inputs);
    });
    it("passes the Tempo OTLP endpoint to istiod's mesh config", () => {
        const values = byName(resources, "mesh-istiod").inputs.values as any;
        assert.deepStrictEqual(values.meshConfig.extensionProviders[0].opentelemetry, { service: "tempo.monitoring.svc.cluster.local", port: 4317 });
    });
    it("scrapes Envoy sidecars and istiod from the monitoring namespace", () => {
        const [pm] = ofType(resources, "kubernetes:monitoring.coreos.com/v1:PodMonitor");
        const [sm] = ofType(resources, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
        assert.ok(pm && sm, "PodMonitor and ServiceMonitor both registered");
        assert.strictEqual((pm.inputs.metadata as any).namespace, "monitoring");
        assert.strictEqual((sm.inputs.metadata as any).namespace, "monitoring");
        assert.deepStrictEqual((pm.inputs.spec as any).podMetricsEndpoints.map((e: any) => [e.port, e.path]), [["http-envoy-prom", "/stats/prometheus"]]);
        assert.deepStrictEqual((sm.inputs.spec as any).endpoints.map((e: any) => e.port), ["http-monitoring"]);
        assert.deepStrictEqual((sm.inputs.spec as any).namespaceSelector, { matchNames: ["istio-system"] });
        validateModel(pm.inputs);
        validateModel(sm.inputs);
    });
    it("registers the public Gateway after the gateway release, valid against Istio's schema", () => {
        const [gw] = ofType(resources, "kubernetes:networking.istio.io/v1:Gateway");
        assert.ok(gw.dependencies.includes(byName(resources, "mesh-gateway").urn));
        assert.deepStrictEqual((gw.inputs.spec as any).selector, { istio: "ingressgateway" });
        validateModel(gw.inputs);
    });
    it("deploys every child through the caller's Kubernetes provider", () => {
        const children = resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(children.length >= 12);
        for (const r of children) assert.match(String(r.provider), /pulumi:providers:kubernetes::k8s::/, r.name);
    });
    it("exports the namespaces, the gateway to bind to and the version", () => {
        assert.deepStrictEqual(outputs, {
            namespace: "istio-system",
            gatewayNamespace: "istio-ingress",
            gatewayService: "public",
            appNamespaces: ["apps", "batch"],
            version: "1.23.2",
        });
    });
});
