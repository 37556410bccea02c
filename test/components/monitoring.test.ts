import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { RecordedResource } from "../../automation/engine";
import { ofType, recordProgram, resolve, SECRET_MARKER } from "../../automation/offline/mock-runtime";
import { modelFor } from "../../automation/offline/k8s-schema";
import { AppAlertRules, appAlertRules, kubePodLabelName, validateAppAlertRulesArgs } from "../../components/monitoring/alerts";
import { MonitoringStackArgs, validateMonitoringStackArgs } from "../../components/monitoring/args";
import { alloyConfig, alloyValues, lokiValues, tempoValues } from "../../components/monitoring/logs-values";
import { MonitoringStack } from "../../components/monitoring/stack";
import { kubePrometheusStackValues } from "../../components/monitoring/values";

const ARGS: MonitoringStackArgs = {
    charts: { kubePrometheusStack: "65.1.1", loki: "6.16.0", tempo: "1.10.3", alloy: "0.9.1" },
    prometheus: { retention: "15d", storageGiB: 50, replicas: 2, resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } },
    alertmanager: { replicas: 3 },
    grafana: { replicas: 2 },
    logs: { retentionDays: 14 },
    tracing: { enabled: true },
};

const K8S_TYPES = ["kubernetes:core/v1:Namespace", "kubernetes:core/v1:Secret", "kubernetes:helm.sh/v3:Release", "kubernetes:monitoring.coreos.com/v1:PrometheusRule"];

function validateModel(obj: Record<string, any>): void {
    const Model = modelFor(obj.apiVersion, obj.kind);
    assert.ok(Model, `no schema model for ${obj.apiVersion} ${obj.kind}`);
    new Model(obj).validate();
}

function byName(resources: RecordedResource[], name: string): RecordedResource {
    const r = resources.find((x) => x.name === name);
    assert.ok(r, `no resource named ${name}; have ${resources.map((x) => x.name).join(", ")}`);
    return r;
}

/** Every securityContext-like object anywhere in a values tree. */
function securityContexts(values: unknown, path = ""): { path: string; ctx: Record<string, any> }[] {
    if (!values || typeof values !== "object") return [];
    const out: { path: string; ctx: Record<string, any> }[] = [];
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
        if (/securityContext$/i.test(k) && v && typeof v === "object") out.push({ path: `${path}.${k}`, ctx: v as Record<string, any> });
        else out.push(...securityContexts(v, `${path}.${k}`));
    }
    return out;
}

describe("monitoring: validateMonitoringStackArgs", () => {
    it("applies the documented defaults", () => {
        const a = validateMonitoringStackArgs({ ...ARGS, alertmanager: undefined, grafana: undefined, tracing: undefined });
        assert.strictEqual(a.namespace, "monitoring");
        assert.strictEqual(a.alertmanager.replicas, 1);
        assert.strictEqual(a.grafana.replicas, 1);
        assert.strictEqual(a.tracing.enabled, true);
        assert.strictEqual(a.nodeExporterNamespace, "monitoring-node-exporter");
    });
    const bad: [string, MonitoringStackArgs, RegExp][] = [
        ["a chart version range", { ...ARGS, charts: { ...ARGS.charts, loki: "^6.16.0" } }, /charts\.loki "\^6\.16\.0" is not an exact chart version/],
        ["a missing chart", { ...ARGS, charts: { ...ARGS.charts, alloy: "" } }, /charts\.alloy/],
        ["a retention that is not a duration", { ...ARGS, prometheus: { ...ARGS.prometheus, retention: "15 days" } }, /prometheus\.retention "15 days"/],
        ["zero storage", { ...ARGS, prometheus: { ...ARGS.prometheus, storageGiB: 0 } }, /prometheus\.storageGiB 0/],
        ["a malformed quantity", { ...ARGS, prometheus: { ...ARGS.prometheus, resources: { requests: { cpu: "lots", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } } }, /prometheus\.resources\.requests\.cpu "lots"/],
        ["a namespace that is not a DNS label", { ...ARGS, namespace: "Monitoring" }, /namespace "Monitoring"/],
        ["zero log retention", { ...ARGS, logs: { retentionDays: 0 } }, /logs\.retentionDays 0/],
    ];
    for (const [what, args, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(() => validateMonitoringStackArgs(args), (e: any) => pulumi.InputPropertyError.isInstance(e) && message.test(e.message));
        });
    }
});

describe("monitoring: chart values", () => {
    const a = validateMonitoringStackArgs(ARGS);
    const kps = kubePrometheusStackValues(a, "grafana-admin") as any;

    it("lets Prometheus select every ServiceMonitor, PodMonitor and PrometheusRule", () => {
        const spec = kps.prometheus.prometheusSpec;
        assert.strictEqual(spec.serviceMonitorSelectorNilUsesHelmValues, false);
        assert.strictEqual(spec.podMonitorSelectorNilUsesHelmValues, false);
        assert.strictEqual(spec.ruleSelectorNilUsesHelmValues, false);
    });
    it("sizes Prometheus retention, storage and replicas from the arguments", () => {
        const spec = kps.prometheus.prometheusSpec;
        assert.strictEqual(spec.retention, "15d");
        assert.strictEqual(spec.replicas, 2);
        assert.strictEqual(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "50Gi");
        assert.strictEqual(spec.retentionSize, "42GB");
        assert.deepStrictEqual(spec.resources, ARGS.prometheus.resources);
    });
    it("sets resources on Prometheus, Alertmanager, Grafana and the operator", () => {
        for (const r of [kps.prometheus.prometheusSpec.resources, kps.alertmanager.alertmanagerSpec.resources, kps.grafana.resources, kps.prometheusOperator.resources]) {
            assert.ok(r.requests.cpu && r.requests.memory && r.limits.cpu && r.limits.memory, JSON.stringify(r));
        }
        assert.strictEqual(kps.alertmanager.alertmanagerSpec.replicas, 3);
        assert.strictEqual(kps.grafana.replicas, 2);
    });
    it("gives Grafana its admin credentials by Secret reference only", () => {
        assert.deepStrictEqual(kps.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.ok(!("adminPassword" in kps.grafana), "adminPassword must not be set in values");
    });
    it("adds Loki and Tempo data sources pointing at the in-cluster services", () => {
        const ds = kps.grafana.additionalDataSources as any[];
        assert.deepStrictEqual(ds.map((d) => [d.type, d.url]), [
            ["loki", "http://loki.monitoring.svc.cluster.local:3100"],
            ["tempo", "http://tempo.monitoring.svc.cluster.local:3100"],
        ]);
        const noTracing = kubePrometheusStackValues(validateMonitoringStackArgs({ ...ARGS, tracing: { enabled: false } }), "s") as any;
        assert.deepStrictEqual(noTracing.grafana.additionalDataSources.map((d: any) => d.type), ["loki"]);
    });
    it("moves node-exporter out of the baseline namespace, or turns it off", () => {
        assert.strictEqual(kps["prometheus-node-exporter"].namespaceOverride, "monitoring-node-exporter");
        const off = kubePrometheusStackValues(validateMonitoringStackArgs({ ...ARGS, nodeExporter: { enabled: false } }), "s") as any;
        assert.strictEqual(off.nodeExporter.enabled, false);
    });
    it("runs every release non-root with no privilege escalation", () => {
        const all = { kps, loki: lokiValues(a), tempo: tempoValues(a), alloy: alloyValues(a) };
        for (const [chart, values] of Object.entries(all)) {
            const ctxs = securityContexts(values);
            assert.ok(ctxs.length >= 2, `${chart} sets no security contexts`);
            for (const { path, ctx } of ctxs) {
                if ("runAsNonRoot" in ctx) assert.strictEqual(ctx.runAsNonRoot, true, `${chart}${path}`);
                if ("runAsUser" in ctx) assert.notStrictEqual(ctx.runAsUser, 0, `${chart}${path}`);
                if ("allowPrivilegeEscalation" in ctx) assert.strictEqual(ctx.allowPrivilegeEscalation, false, `${chart}${path}`);
            }
            assert.ok(ctxs.some(({ ctx }) => ctx.runAsNonRoot === true), `${chart}: no pod runs as non-root`);
            assert.ok(ctxs.some(({ ctx }) => ctx.allowPrivilegeEscalation === false), `${chart}: escalation not disabled`);
        }
    });
    it("runs Loki as one filesystem-backed binary that deletes logs after the retention", () => {
        const loki = lokiValues(a) as any;
        assert.strictEqual(loki.deploymentMode, "SingleBinary");
        assert.strictEqual(loki.loki.storage.type, "filesystem");
        assert.strictEqual(loki.loki.limits_config.retention_period, "336h");
        assert.strictEqual(loki.loki.compactor.retention_enabled, true);
        assert.deepStrictEqual([loki.read.replicas, loki.write.replicas, loki.backend.replicas], [0, 0, 0]);
    });
    it("collects logs through the API, without host mounts, and pushes them to Loki", () => {
        const alloy = alloyValues(a) as any;
        assert.deepStrictEqual(alloy.alloy.mounts, { varlog: false, dockercontainers: false });
        assert.match(alloy.alloy.configMap.content, /url = "http:\/\/loki\.monitoring\.svc\.cluster\.local:3100\/loki\/api\/v1\/push"/);
        assert.match(alloyConfig("http://x/push"), /loki\.source\.kubernetes "pods"[\s\S]*clustering \{\s*enabled = true/);
        assert.match(alloyConfig("http://x/push"), /stage\.structured_metadata[\s\S]*correlation_id/);
    });
});

describe("monitoring: MonitoringStack (recorded)", () => {
    let resources: RecordedResource[];
    let outputs: Record<string, unknown>;
    let passwordIsSecret: boolean;

    before(async () => {
        const rec = await recordProgram(async () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const stack = new MonitoringStack("monitoring", ARGS, { provider });
            new AppAlertRules("web-alerts", { namespace: "apps", app: "web", selector: { "app.kubernetes.io/name": "web" } }, { provider });
            passwordIsSecret = await pulumi.isSecret(stack.grafanaAdminPassword);
            const out: Record<string, unknown> = {};
            for (const key of ["namespace", "prometheusUrl", "alertmanagerUrl", "grafanaUrl", "lokiUrl", "tempoOtlpEndpoint", "grafanaAdminPassword"] as const) {
                out[key] = await resolve(stack[key]);
            }
            return out;
        });
        resources = rec.resources;
        outputs = rec.result;
    });

    it("stores the generated Grafana password only as a secret", () => {
        const secret = byName(resources, "monitoring-grafana-admin");
        assert.strictEqual(secret.inputs.stringData, SECRET_MARKER);
        assert.strictEqual(passwordIsSecret, true);
        const password = String(outputs.grafanaAdminPassword);
        assert.ok(password.length >= 32);
        for (const release of ofType(resources, "kubernetes:helm.sh/v3:Release")) {
            const text = JSON.stringify(release.inputs);
            assert.ok(!text.includes(password), `${release.name} carries the Grafana password`);
            assert.ok(!/adminPassword/.test(text), `${release.name} sets adminPassword`);
        }
    });
    it("pins every chart to the version and repository given", () => {
        const releases = Object.fromEntries(ofType(resources, "kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.chart, r.inputs]));
        assert.deepStrictEqual(Object.keys(releases).sort(), ["alloy", "kube-prometheus-stack", "loki", "tempo"]);
        const want = { "kube-prometheus-stack": "65.1.1", loki: "6.16.0", tempo: "1.10.3", alloy: "0.9.1" } as Record<string, string>;
        for (const [chart, inputs] of Object.entries(releases) as [string, any][]) {
            assert.strictEqual(inputs.version, want[chart], chart);
            assert.strictEqual(inputs.atomic, true, chart);
            assert.strictEqual(inputs.cleanupOnFail, true, chart);
            assert.strictEqual(inputs.namespace, "monitoring", chart);
        }
        assert.strictEqual((releases["kube-prometheus-stack"] as any).repositoryOpts.repo, "https://prometheus-community.github.io/helm-charts");
        assert.strictEqual((releases.loki as any).repositoryOpts.repo, "https://grafana.github.io/helm-charts");
    });
    it("passes the recorded kube-prometheus-stack values through with retention, storage and the Secret name", () => {
        const values = byName(resources, "monitoring-kube-prometheus-stack").inputs.values as any;
        assert.strictEqual(values.prometheus.prometheusSpec.retention, "15d");
        assert.strictEqual(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "50Gi");
        assert.strictEqual(values.grafana.admin.existingSecret, "grafana-admin");
    });
    it("installs kube-prometheus-stack after its admin Secret, and Alloy after Loki", () => {
        const secret = byName(resources, "monitoring-grafana-admin");
        assert.ok(byName(resources, "monitoring-kube-prometheus-stack").dependencies.includes(secret.urn));
        assert.ok(byName(resources, "monitoring-alloy").dependencies.includes(byName(resources, "monitoring-loki").urn));
    });
    it("labels the namespaces for Pod Security: baseline enforced, node-exporter isolated", () => {
        const ns = byName(resources, "monitoring-namespace").inputs.metadata as any;
        assert.strictEqual(ns.labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.strictEqual(ns.labels["pod-security.kubernetes.io/warn"], "restricted");
        const node = byName(resources, "monitoring-node-exporter-namespace").inputs.metadata as any;
        assert.strictEqual(node.name, "monitoring-node-exporter");
        assert.strictEqual(node.labels["pod-security.kubernetes.io/enforce"], "privileged");
    });
    it("deploys every child through the caller's Kubernetes provider", () => {
        const children = resources.filter((r) => K8S_TYPES.includes(r.type));
        assert.ok(children.length >= 8);
        for (const r of children) assert.match(String(r.provider), /pulumi:providers:kubernetes::k8s::/, r.name);
    });
    it("exports in-cluster endpoints", () => {
        assert.deepStrictEqual({ ...outputs, grafanaAdminPassword: undefined }, {
            namespace: "monitoring",
            prometheusUrl: "http://kps-prometheus.monitoring.svc.cluster.local:9090",
            alertmanagerUrl: "http://kps-alertmanager.monitoring.svc.cluster.local:9093",
            grafanaUrl: "http://grafana.monitoring.svc.cluster.local:80",
            lokiUrl: "http://loki.monitoring.svc.cluster.local:3100",
            tempoOtlpEndpoint: "tempo.monitoring.svc.cluster.local:4317",
            grafanaAdminPassword: undefined,
        });
    });
    it("registers Namespaces and the Secret that pass the Kubernetes schema", () => {
        for (const r of [...ofType(resources, "kubernetes:core/v1:Namespace"), ...ofType(resources, "kubernetes:core/v1:Secret")]) {
            const obj: Record<string, any> = { ...r.inputs };
            // The masked secret map is checked above; the schema judges the rest of the object.
            if (obj.stringData === SECRET_MARKER) delete obj.stringData;
            validateModel(obj);
        }
    });
    it("registers an app PrometheusRule that passes the Prometheus Operator schema", () => {
        const [rule] = ofType(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        assert.ok(rule, "no PrometheusRule");
        validateModel(rule.inputs);
        const meta = rule.inputs.metadata as any;
        assert.deepStrictEqual([meta.name, meta.namespace, meta.labels.release], ["web-alerts", "apps", "kube-prometheus-stack"]);
        const alerts = (rule.inputs.spec as any).groups[0].rules.map((x: any) => x.alert);
        assert.deepStrictEqual(alerts, [
            "AppAvailabilityFastBurn", "AppAvailabilitySlowBurn", "AppErrorRateFastBurn", "AppErrorRateSlowBurn",
            "AppLatencyP99High", "AppPodRestarting", "AppReplicasUnavailable", "AppAutoscalerAtMax",
        ]);
    });
});

describe("monitoring: AppAlertRules rules (pure)", () => {
    const base = { namespace: "apps", app: "web", selector: { app: "web" } };

    it("derives burn-rate thresholds from the availability objective", () => {
        const [fast, slow] = appAlertRules(validateAppAlertRulesArgs(base));
        assert.match(fast.expr, / > 0\.0144 and /);
        assert.match(slow.expr, / > 0\.006 and /);
        assert.match(fast.expr, /\[1h\][\s\S]*\[5m\]/);
        assert.match(slow.expr, /\[6h\][\s\S]*\[30m\]/);
        const [fast99] = appAlertRules(validateAppAlertRulesArgs({ ...base, slo: { availability: 0.99 } }));
        assert.match(fast99.expr, / > 0\.144 and /);
        assert.match(fast.expr, /destination_workload_namespace="apps", destination_workload="web", response_code=~"5\.\.\|0"/);
        assert.strictEqual(fast.labels.severity, "critical");
        assert.strictEqual(slow.labels.severity, "warning");
    });
    it("derives the error-rate burn thresholds from its own objective, counting 4xx and gRPC errors", () => {
        const rules = appAlertRules(validateAppAlertRulesArgs({ ...base, slo: { availability: 0.99, errorRate: 0.002 } }));
        const fast = rules.find((r) => r.alert === "AppErrorRateFastBurn")!;
        const slow = rules.find((r) => r.alert === "AppErrorRateSlowBurn")!;
        assert.match(fast.expr, / > 0\.0288 and /);
        assert.match(slow.expr, / > 0\.012 and /);
        assert.match(fast.expr, /response_code!~"\[23\]\.\."/);
        assert.match(fast.expr, /grpc_response_status!~"0\|"/);
        assert.doesNotMatch(rules.find((r) => r.alert === "AppAvailabilityFastBurn")!.expr, /grpc_response_status/);
    });
    it("selects the app's pods by its selector labels, for restarts and for unavailable replicas", () => {
        const rules = appAlertRules(validateAppAlertRulesArgs({ ...base, selector: { "app.kubernetes.io/name": "web" } }));
        const restarts = rules.find((r) => r.alert === "AppPodRestarting")!;
        assert.match(restarts.expr, /kube_pod_labels\{namespace="apps", label_app_kubernetes_io_name="web"\}/);
        assert.match(restarts.expr, /> 3$/);
        // From the pods, so it holds whether a Deployment or an Argo Rollout runs them.
        const unavailable = rules.find((r) => r.alert === "AppReplicasUnavailable")!.expr;
        assert.match(unavailable, /kube_pod_status_ready\{namespace="apps", condition="false"\}/);
        assert.match(unavailable, /kube_pod_labels\{namespace="apps", label_app_kubernetes_io_name="web"\}\)\) > 0$/);
        assert.doesNotMatch(unavailable, /kube_deployment/);
        assert.match(rules.find((r) => r.alert === "AppLatencyP99High")!.expr, /histogram_quantile\(0\.99,[\s\S]* > 1000$/);
        const tight = appAlertRules(validateAppAlertRulesArgs({ ...base, slo: { latencyP99Ms: 250 } }));
        assert.match(tight.find((r) => r.alert === "AppLatencyP99High")!.expr, / > 250$/);
        assert.strictEqual(kubePodLabelName("app.kubernetes.io/name"), "label_app_kubernetes_io_name");
    });
    const bad: [string, object, RegExp][] = [
        ["a target of 100%", { slo: { availability: 1 } }, /slo\.availability 1 must be above 0\.9 and below 1/],
        ["a target given in percent", { slo: { availability: 99.9 } }, /slo\.availability 99\.9/],
        ["an error rate of 0", { slo: { errorRate: 0 } }, /slo\.errorRate 0 must be above 0/],
        ["an error rate given in percent", { slo: { errorRate: 0.5 } }, /slo\.errorRate 0\.5/],
        ["a runbook base with an anchor", { runbookBaseUrl: "docs/runbooks.md#x" }, /runbookBaseUrl "docs\/runbooks\.md#x"/],
        ["an empty selector", { selector: {} }, /selector is empty/],
        ["a bad selector key", { selector: { "bad key": "x" } }, /selector key "bad key"/],
        ["an app name that is not a DNS label", { app: "Web_App" }, /app "Web_App"/],
        ["a negative latency", { slo: { latencyP99Ms: -1 } }, /slo\.latencyP99Ms -1/],
    ];
    for (const [what, patch, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(() => validateAppAlertRulesArgs({ ...base, ...patch }), (e: any) => pulumi.InputPropertyError.isInstance(e) && message.test(e.message));
        });
    }
});
