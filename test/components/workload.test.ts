import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { DestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { recordProgram, resolve, ofType } from "../../automation/offline/mock-runtime";
import type { RecordedResource } from "../../automation/engine";
import { App, AppArgs, validateAppArgs } from "../../components/workload/app";
import { autoscalerMetrics, milliQuantity, vpaMode } from "../../components/workload/scaling";
import { requestsPerSecondRule } from "../../components/monitoring/adapter";
import { modelFor } from "../../automation/offline/k8s-schema";

const DIGEST_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app@sha256:${"ab".repeat(32)}`;
const BASE: AppArgs = { namespace: "apps", image: DIGEST_IMAGE };

const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    monitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    vs: "kubernetes:networking.istio.io/v1:VirtualService",
    dr: "kubernetes:networking.istio.io/v1:DestinationRule",
    vpa: "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler",
};

function one(resources: RecordedResource[], type: string, name?: string): Record<string, any> {
    const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
    assert.equal(found.length, 1, `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0].inputs as Record<string, any>;
}

async function record(args: AppArgs) {
    return recordProgram(() => {
        const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const app = new App("api", args, { provider });
        return { serviceHost: app.serviceHost, deploymentName: app.deploymentName, serviceName: app.serviceName, namespace: app.namespace };
    });
}

describe("workload App", function () {
    let resources: RecordedResource[];
    let outputs: Record<string, pulumi.Output<string>>;
    let pod: any;
    let container: any;

    before(async () => {
        const rec = await record({
            ...BASE,
            env: { LOG_LEVEL: "info" },
            ingressFromNamespaces: ["istio-ingress"],
            metricsFromNamespaces: ["monitoring"],
            monitoringLabels: { release: "kube-prometheus-stack" },
            mesh: { gateway: "istio-ingress/public", hosts: ["api.example.com"] },
            vpa: true,
        });
        resources = rec.resources;
        outputs = rec.result;
        pod = one(resources, T.deployment).spec.template.spec;
        container = pod.containers[0];
    });

    describe("Deployment security", () => {
        it("runs as non-root with numeric uid/gid 10001", () => {
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(pod.securityContext.runAsUser, 10001);
            assert.equal(pod.securityContext.runAsGroup, 10001);
            assert.equal(pod.securityContext.fsGroup, 10001);
        });
        it("uses the RuntimeDefault seccomp profile", () => assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault"));
        it("drops ALL capabilities", () => assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]));
        it("has a read-only root filesystem with an emptyDir on /tmp", () => {
            assert.equal(container.securityContext.readOnlyRootFilesystem, true);
            assert.deepEqual(container.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
            assert.ok(pod.volumes.find((v: any) => v.name === "tmp" && v.emptyDir));
        });
        it("forbids privilege escalation and privileged mode", () => {
            assert.equal(container.securityContext.allowPrivilegeEscalation, false);
            assert.equal(container.securityContext.privileged, false);
        });
        it("does not mount a service account token (pod and ServiceAccount)", () => {
            assert.equal(pod.automountServiceAccountToken, false);
            assert.equal(one(resources, T.serviceAccount).automountServiceAccountToken, false);
            assert.equal(pod.serviceAccountName, "api");
        });
        it("probes readiness, liveness and startup over HTTP on the named port", () => {
            for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
                assert.deepEqual(probe.httpGet, { path: "/healthz", port: "http" });
            }
        });
        it("requests 250m/256Mi and limits 500m/512Mi", () => {
            assert.deepEqual(container.resources, { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
        });
        it("runs 3 replicas with a rollout that never drops capacity", () => {
            const spec = one(resources, T.deployment).spec;
            assert.equal(spec.replicas, 3);
            assert.deepEqual(spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } });
        });
        it("pins the digest image, pulls IfNotPresent and sets PORT plus plain env", () => {
            assert.equal(container.image, DIGEST_IMAGE);
            assert.equal(container.imagePullPolicy, "IfNotPresent");
            assert.deepEqual(container.env, [{ name: "PORT", value: "8000" }, { name: "LOG_LEVEL", value: "info" }]);
            assert.deepEqual(container.ports, [{ name: "http", containerPort: 8000, protocol: "TCP" }]);
        });
        it("spreads pods over zones and hosts", () => {
            const keys = pod.topologySpreadConstraints.map((c: any) => `${c.topologyKey}:${c.whenUnsatisfiable}`);
            assert.deepEqual(keys, ["topology.kubernetes.io/zone:ScheduleAnyway", "kubernetes.io/hostname:DoNotSchedule"]);
        });
        it("asks Istio to merge app metrics into the sidecar endpoint", () => {
            assert.equal(one(resources, T.deployment).spec.template.metadata.annotations["prometheus.istio.io/merge-metrics"], "true");
        });
    });

    describe("scaling and disruption", () => {
        it("autoscales between 3 and 9 replicas at 70% CPU", () => {
            const spec = one(resources, T.hpa).spec;
            assert.equal(spec.minReplicas, 3);
            assert.equal(spec.maxReplicas, 9);
            assert.deepEqual(spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "api" });
            assert.equal(spec.metrics[0].resource.target.averageUtilization, 70);
        });
        it("keeps all but one pod available during a drain", () => {
            const spec = one(resources, T.pdb).spec;
            assert.equal(spec.minAvailable, 2);
            assert.deepEqual(spec.selector.matchLabels, { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" });
        });
        it("adds a recommend-only VerticalPodAutoscaler when asked", () => {
            assert.equal(one(resources, T.vpa).spec.updatePolicy.updateMode, "Off");
        });
        it("omits the PDB and allows one replica only with allowSingleReplica", async () => {
            const rec = await record({ ...BASE, replicas: 1, allowSingleReplica: true });
            assert.equal(ofType(rec.resources, T.pdb).length, 0);
            assert.equal(one(rec.resources, T.deployment).spec.replicas, 1);
            assert.equal(ofType(rec.resources, T.vpa).length, 0);
            assert.equal(ofType(rec.resources, T.vs).length, 0);
        });
    });

    describe("network policies", () => {
        const appSelector = { matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" } };
        it("denies all ingress and egress of the app's pods by default", () => {
            const spec = one(resources, T.netpol, "api-default-deny").spec;
            assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
            assert.deepEqual(spec.podSelector, appSelector);
            assert.equal(spec.ingress, undefined);
            assert.equal(spec.egress, undefined);
        });
        it("admits the app port only from its namespace and the listed namespaces", () => {
            const rule = one(resources, T.netpol, "api-allow-ingress").spec.ingress[0];
            assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 8000 }]);
            assert.deepEqual(rule.from[0], { podSelector: {} });
            assert.deepEqual(rule.from[1].namespaceSelector.matchExpressions[0].values, ["istio-ingress"]);
        });
        it("admits the merged-metrics port 15020 only from the monitoring namespace", () => {
            const spec = one(resources, T.netpol, "api-allow-metrics").spec;
            assert.deepEqual(spec.podSelector, appSelector);
            assert.deepEqual(spec.policyTypes, ["Ingress"]);
            assert.equal(spec.ingress.length, 1);
            assert.deepEqual(spec.ingress[0].ports, [{ protocol: "TCP", port: 15020 }]);
            // Exactly one peer: no podSelector {} (same namespace) and no other namespace.
            assert.deepEqual(spec.ingress[0].from, [{
                namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }] },
            }]);
            // No other policy opens 15020.
            const others = ofType(resources, T.netpol).filter((r) => r.name !== "api-allow-metrics");
            assert.ok(!JSON.stringify(others.map((r) => r.inputs)).includes("15020"));
        });
        it("allows DNS egress to kube-system on UDP and TCP 53", () => {
            const rule = one(resources, T.netpol, "api-allow-dns").spec.egress[0];
            assert.deepEqual(rule.to[0].namespaceSelector.matchExpressions[0].values, ["kube-system"]);
            assert.deepEqual(rule.ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
        });
        it("allows egress to istiod on 15012 only", () => {
            const rule = one(resources, T.netpol, "api-allow-istiod").spec.egress[0];
            assert.deepEqual(rule.to[0].namespaceSelector.matchExpressions[0].values, ["istio-system"]);
            assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 15012 }]);
        });
    });

    describe("monitoring and mesh", () => {
        it("scrapes Istio's merged metrics (15020 /stats/prometheus) every 5s with the Prometheus selector label", () => {
            const sm = one(resources, T.monitor);
            assert.deepEqual(sm.spec.endpoints, [{ port: "http-metrics", path: "/stats/prometheus", scheme: "http", interval: "5s", scrapeTimeout: "5s", honorLabels: false }]);
            assert.equal(sm.metadata.labels.release, "kube-prometheus-stack");
            assert.deepEqual(sm.spec.namespaceSelector.matchNames, ["apps"]);
            assert.deepEqual(sm.spec.selector.matchLabels, one(resources, T.service).spec.selector);
        });
        it("exposes 15020 on the Service under the port name the ServiceMonitor scrapes", () => {
            assert.deepEqual(one(resources, T.service).spec.ports, [
                { name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" },
                { name: "http-metrics", port: 15020, targetPort: 15020, protocol: "TCP", appProtocol: "http" },
            ]);
        });
        it("keeps the app's own metrics port and path in the annotations istio-agent merges from", () => {
            const annotations = one(resources, T.deployment).spec.template.metadata.annotations;
            assert.equal(annotations["prometheus.io/scrape"], "true");
            assert.equal(annotations["prometheus.io/port"], "8000");
            assert.equal(annotations["prometheus.io/path"], "/metrics");
        });
        it("scrapes the app port directly with metricsVia direct, and opens only that port to monitoring", async () => {
            const rec = await record({ ...BASE, metricsVia: "direct", metricsPath: "/prom", scrapeInterval: "10s" });
            assert.deepEqual(one(rec.resources, T.monitor).spec.endpoints, [{ port: "http", path: "/prom", scheme: "http", interval: "10s", scrapeTimeout: "10s", honorLabels: false }]);
            assert.deepEqual(one(rec.resources, T.service).spec.ports.map((p: any) => p.name), ["http"]);
            const rule = one(rec.resources, T.netpol, "api-allow-metrics").spec.ingress[0];
            assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 8000 }]);
            // The default monitoring namespace.
            assert.deepEqual(rule.from[0].namespaceSelector.matchExpressions[0].values, ["monitoring"]);
            assert.ok(!JSON.stringify(rec.resources.map((r) => r.inputs)).includes("15020"));
            for (const r of [...ofType(rec.resources, T.monitor), ...ofType(rec.resources, T.service), ...ofType(rec.resources, T.netpol)]) {
                const Model: any = r.type === T.monitor ? ServiceMonitor : r.type === T.service ? Service : NetworkPolicy;
                assert.doesNotThrow(() => new Model(JSON.parse(JSON.stringify(r.inputs))).validate(), `${r.name} is schema-valid`);
            }
        });
        it("routes the gateway hosts and in-mesh calls with timeouts and retries", () => {
            const spec = one(resources, T.vs).spec;
            assert.deepEqual(spec.hosts, ["api.example.com", "api.apps.svc.cluster.local"]);
            assert.deepEqual(spec.gateways, ["istio-ingress/public", "mesh"]);
            assert.equal(spec.http[0].timeout, "10s");
            assert.equal(spec.http[0].retries.attempts, 2);
        });
        it("keeps ISTIO_MUTUAL TLS, outlier detection and a connection pool", () => {
            const tp = one(resources, T.dr).spec.trafficPolicy;
            assert.equal(tp.tls.mode, "ISTIO_MUTUAL");
            assert.equal(tp.outlierDetection.consecutive5xxErrors, 5);
            assert.equal(tp.connectionPool.tcp.maxConnections, 100);
        });
    });

    describe("component contract", () => {
        it("gives every child the caller's Kubernetes provider and the App as parent", () => {
            const app = resources.find((r) => r.type === "platform:workload:App")!;
            const children = resources.filter((r) => r.parent === app.urn);
            assert.equal(children.length, 14);
            for (const c of children) assert.match(c.provider ?? "", /pulumi:providers:kubernetes::cluster::/, `${c.name} uses the caller's provider`);
        });
        it("outputs names, namespace and the in-cluster host", async () => {
            assert.equal(await resolve(outputs.serviceHost), "api.apps.svc.cluster.local");
            assert.equal(await resolve(outputs.deploymentName), "api");
            assert.equal(await resolve(outputs.serviceName), "api");
            assert.equal(await resolve(outputs.namespace), "apps");
        });
        it("takes the image, namespaces and gateway as outputs of other stacks", async () => {
            const rec = await record({
                ...BASE,
                image: pulumi.output(DIGEST_IMAGE),
                ingressFromNamespaces: [pulumi.output("istio-ingress")],
                mesh: { gateway: pulumi.output("istio-ingress/public"), hosts: ["api.example.com"] },
            });
            assert.equal(one(rec.resources, T.deployment).spec.template.spec.containers[0].image, DIGEST_IMAGE);
            assert.deepEqual(one(rec.resources, T.vs).spec.gateways, ["istio-ingress/public", "mesh"]);
            assert.deepEqual(one(rec.resources, T.netpol, "api-allow-ingress").spec.ingress[0].from[1].namespaceSelector.matchExpressions[0].values, ["istio-ingress"]);
        });
        it("labels pods with the stable selector plus app for telemetry", () => {
            const labels = one(resources, T.deployment).spec.template.metadata.labels;
            assert.equal(labels.app, "api");
            assert.equal(labels["app.kubernetes.io/name"], "api");
        });
    });

    describe("schema validation", () => {
        const valid = (type: string, Model: new (d: any) => { validate(): void }, apiVersion?: string) => () => {
            for (const r of ofType(resources, type)) {
                const obj = JSON.parse(JSON.stringify(r.inputs));
                if (apiVersion) obj.apiVersion = apiVersion;
                assert.doesNotThrow(() => new Model(obj).validate(), `${r.name} matches the ${type} schema`);
            }
            assert.ok(ofType(resources, type).length > 0, `${type} recorded`);
        };
        it("Deployment", valid(T.deployment, Deployment));
        it("Service", valid(T.service, Service));
        it("ServiceAccount", valid(T.serviceAccount, ServiceAccount));
        it("HorizontalPodAutoscaler", valid(T.hpa, HorizontalPodAutoscaler));
        it("PodDisruptionBudget", valid(T.pdb, PodDisruptionBudget));
        it("NetworkPolicies", valid(T.netpol, NetworkPolicy));
        it("ServiceMonitor", valid(T.monitor, ServiceMonitor));
        // The Istio schema package ships v1beta1 only; networking.istio.io/v1 has the same schema.
        it("VirtualService", valid(T.vs, VirtualService, "networking.istio.io/v1beta1"));
        it("DestinationRule", valid(T.dr, DestinationRule, "networking.istio.io/v1beta1"));
        it("rejects a Deployment with a wrong field type (the check can fail)", () => {
            const obj = JSON.parse(JSON.stringify(one(resources, T.deployment)));
            obj.spec.replicas = "three";
            assert.throws(() => new Deployment(obj).validate());
        });
    });
});

describe("validateAppArgs", () => {
    const bad = (args: Partial<AppArgs>, message: RegExp, name = "api") =>
        assert.throws(() => validateAppArgs(name, { ...BASE, ...args } as AppArgs), message);

    it("applies the documented defaults", () => {
        const s = validateAppArgs("api", BASE);
        assert.equal(s.replicas, 3);
        assert.equal(s.port, 8000);
        assert.deepEqual(s.requests, { cpu: "250m", memory: "256Mi" });
        assert.deepEqual(s.limits, { cpu: "500m", memory: "512Mi" });
        assert.deepEqual([s.minReplicas, s.maxReplicas, s.cpuUtilization], [3, 9, 70]);
        assert.deepEqual([s.readinessPath, s.livenessPath, s.metricsPath, s.scrapeInterval], ["/healthz", "/healthz", "/metrics", "5s"]);
    });
    it("requires a digest by default", () => bad({ image: "registry.example.com/app:1.2.3" }, /"registry.example.com\/app:1.2.3" is not digest-pinned/));
    it("accepts a tag without requireDigest but never latest or no tag", () => {
        assert.equal(validateAppArgs("api", { ...BASE, image: "app:1.2.3", requireDigest: false }).requireDigest, false);
        bad({ image: "app:latest", requireDigest: false }, /no fixed tag/);
        bad({ image: "localhost:5000/app", requireDigest: false }, /no fixed tag/);
    });
    it("requires 3 replicas unless allowSingleReplica", () => {
        bad({ replicas: 2 }, /replicas 2 is out of range; use at least 3/);
        assert.equal(validateAppArgs("api", { ...BASE, replicas: 1, allowSingleReplica: true }).replicas, 1);
        bad({ autoscaling: { minReplicas: 2 } }, /autoscaling.minReplicas 2/);
    });
    it("rejects ports a non-root container cannot bind and Istio's reserved ports", () => {
        bad({ port: 80 }, /port 80 is out of range/);
        bad({ port: 70000 }, /port 70000 is out of range/);
        bad({ port: 15020 }, /reserved by the Istio sidecar/);
    });
    it("requires minReplicas <= maxReplicas", () => bad({ autoscaling: { minReplicas: 5, maxReplicas: 4 } }, /maxReplicas 4 is below minReplicas 5/));
    it("requires limits >= requests", () => {
        bad({ resources: { requests: { cpu: "1" } } }, /limits.cpu "500m" is below the request "1"/);
        bad({ resources: { limits: { memory: "128Mi" } } }, /limits.memory "128Mi" is below the request "256Mi"/);
        assert.equal(validateAppArgs("api", { ...BASE, resources: { requests: { memory: "1Gi" }, limits: { memory: "1024Mi" } } }).limits.memory, "1024Mi");
    });
    it("rejects malformed quantities", () => bad({ resources: { requests: { cpu: "lots" } } }, /requests.cpu "lots" is not a positive Kubernetes quantity/));
    it("rejects secret-looking and reserved env names", () => {
        bad({ env: { DB_PASSWORD: "x" } }, /"DB_PASSWORD" looks like a secret/);
        bad({ env: { PORT: "1" } }, /set port instead/);
        bad({ env: { "bad-name": "x" } }, /not a valid variable name/);
    });
    it("rejects bad names, namespaces, paths and mesh settings", () => {
        bad({}, /name "Api" is not a DNS label/, "Api");
        bad({ namespace: "Apps" }, /namespace "Apps"/);
        bad({ probes: { readiness: "healthz" } }, /must be an absolute path/);
        bad({ autoscaling: { cpuUtilization: 150 } }, /cpuUtilization 150/);
        bad({ mesh: { gateway: "public", hosts: ["a.example.com"] } }, /"namespace\/name"/);
        bad({ mesh: { gateway: "istio-ingress/public", hosts: [] } }, /mesh.hosts is empty/);
    });
    it("defaults to Istio-merged metrics scraped from the monitoring namespace", () => {
        const s = validateAppArgs("api", BASE);
        assert.equal(s.metricsVia, "istio-merge");
        assert.deepEqual(s.metricsFromNamespaces, ["monitoring"]);
    });
    it("rejects an unknown metricsVia and bad or empty metricsFromNamespaces", () => {
        bad({ metricsVia: "sidecar" as any }, /metricsVia "sidecar" is unknown; use "istio-merge"/);
        bad({ metricsFromNamespaces: ["Monitoring"] }, /metricsFromNamespaces entry "Monitoring" is not a namespace name/);
        bad({ metricsFromNamespaces: [] }, /metricsFromNamespaces is empty/);
    });
    it("reports errors as InputPropertyError with the property path", () => {
        try {
            validateAppArgs("api", { ...BASE, replicas: 0 });
            assert.fail("expected an error");
        } catch (err) {
            assert.ok(pulumi.InputPropertyError.isInstance(err));
            assert.equal((err as pulumi.InputPropertyError).propertyPath, "replicas");
        }
    });
});

describe("workload autoscaling on request rate, and the VPA", () => {
    const hpaOf = async (args: AppArgs) => one((await record(args)).resources, T.hpa).spec;

    it("scales on CPU only unless a request-rate target is given", async () => {
        const spec = await hpaOf(BASE);
        assert.deepEqual(spec.metrics.map((m: any) => m.type), ["Resource"]);
    });
    it("adds a Pods metric on the adapter's requests-per-second metric, averaged per pod", async () => {
        const spec = await hpaOf({ ...BASE, autoscaling: { requestsPerSecond: 40 } });
        assert.deepEqual(spec.metrics.map((m: any) => m.type), ["Resource", "Pods"]);
        const pods = spec.metrics[1].pods;
        // The name the HPA asks the custom metrics API for is the one the adapter rule serves.
        assert.equal(pods.metric.name, requestsPerSecondRule().name.as);
        assert.deepEqual(pods.target, { type: "AverageValue", averageValue: "40" });
        assert.equal(spec.metrics[0].resource.target.averageUtilization, 70);
        new HorizontalPodAutoscaler({ metadata: { name: "api" }, spec }).validate();
    });
    it("writes fractional targets as exact milli-quantities", () => {
        assert.deepEqual([milliQuantity(50), milliQuantity(2.5), milliQuantity(0.001), milliQuantity(12.3456)], ["50", "2500m", "1m", "12346m"]);
    });
    it("refuses a target that is not a positive number of requests per second", () => {
        for (const bad of [0, -5, Number.NaN, 200000]) {
            assert.throws(() => validateAppArgs("api", { ...BASE, autoscaling: { requestsPerSecond: bad } }), (e: any) => pulumi.InputPropertyError.isInstance(e) && /autoscaling\.requestsPerSecond/.test(e.message), String(bad));
        }
    });
    it("keeps the VPA recommendation-only: any other mode is refused while the HPA scales on CPU", async () => {
        for (const updateMode of ["Auto", "Recreate", "Initial"] as const) {
            assert.throws(() => validateAppArgs("api", { ...BASE, vpa: { updateMode } }), (e: any) => pulumi.InputPropertyError.isInstance(e) && /keep "Off"/.test(e.message), updateMode);
        }
        const settings = validateAppArgs("api", { ...BASE, vpa: { updateMode: "Off" } });
        assert.equal(settings.vpaUpdateMode, "Off");
        assert.ok(autoscalerMetrics(settings).some((m) => m.type === "Resource"));
        // Settings built by hand cannot slip a mode past the builder either.
        assert.throws(() => vpaMode({ ...settings, vpaUpdateMode: "Auto" }), /keep "Off"/);
        const vpa = one((await record({ ...BASE, vpa: { updateMode: "Off" } })).resources, T.vpa);
        assert.equal(vpa.spec.updatePolicy.updateMode, "Off");
    });
    it("creates no VPA unless asked (no CR for a controller that is not installed)", async () => {
        assert.equal(ofType((await record(BASE)).resources, T.vpa).length, 0);
        assert.equal(ofType((await record({ ...BASE, vpa: false })).resources, T.vpa).length, 0);
    });
    it("validates the VPA against its schema, which refuses a misspelt field", async () => {
        const Model = modelFor("autoscaling.k8s.io/v1", "VerticalPodAutoscaler")!;
        const vpa = JSON.parse(JSON.stringify(one((await record({ ...BASE, vpa: true })).resources, T.vpa)));
        new Model(vpa).validate();
        assert.throws(() => new Model({ ...vpa, spec: { ...vpa.spec, updatePolicy: { mode: "Off" } } }).validate(), /updatePolicy\.mode: is not a field/);
        assert.throws(() => new Model({ ...vpa, spec: { ...vpa.spec, updatePolicy: { updateMode: "Sometimes" } } }).validate(), /updateMode: must be one of/);
        assert.throws(() => new Model({ ...vpa, spec: { updatePolicy: { updateMode: "Off" } } }).validate(), /targetRef: is required/);
    });
});
