/**
 * SLOs, dashboards and request-rate autoscaling as code: every alert links to a runbook section
 * that exists, every PromQL expression (alerts, dashboard, adapter rule) parses with Prometheus'
 * own grammar and selects the app it is for, the dashboard reaches Grafana's sidecar, and the
 * HPA's custom metric is the one the adapter serves.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parser } from "@prometheus-io/lezer-promql";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { RecordedResource } from "../../automation/engine";
import { ofType, recordProgram } from "../../automation/offline/mock-runtime";
import { modelFor } from "../../automation/offline/k8s-schema";
import { ADAPTER_RELEASE_NAME, prometheusAdapterValues, requestsPerSecondRule } from "../../components/monitoring/adapter";
import { RUNBOOKS_PATH, runbookAnchor } from "../../components/alerting";
import { appAlertRules, validateAppAlertRulesArgs } from "../../components/monitoring/alerts";
import { MonitoringStackArgs, validateMonitoringStackArgs } from "../../components/monitoring/args";
import { AppDashboard, appDashboard, dashboardUid } from "../../components/monitoring/dashboard";
import { validateSlo } from "../../components/monitoring/slo";
import { MonitoringStack } from "../../components/monitoring/stack";
import { GRAFANA_DASHBOARD_LABEL, kubePrometheusStackValues } from "../../components/monitoring/values";
import { REQUESTS_PER_SECOND_METRIC } from "../../components/request-metrics";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const APP = { namespace: "apps", app: "web", selector: { app: "web" } };
const ARGS: MonitoringStackArgs = {
    charts: { kubePrometheusStack: "65.1.1", loki: "6.16.0", tempo: "1.10.3", alloy: "0.9.1", prometheusAdapter: "4.11.0" },
    prometheus: { retention: "15d", storageGiB: 50, resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } },
    grafana: { dashboardNamespaces: ["apps"] },
    logs: { retentionDays: 14 },
    metricsAdapter: { enabled: true, replicas: 2 },
};

/** Positions of the parse errors of a PromQL expression (none: it parses). */
function promqlErrors(expr: string): number[] {
    const errors: number[] = [];
    parser.parse(expr).iterate({ enter: (n) => { if (n.type.isError) errors.push(n.from); } });
    return errors;
}

/** The values of every label matcher in an expression, from the parse tree. */
function matcherValues(expr: string): string[] {
    const values: string[] = [];
    parser.parse(expr).iterate({
        enter: (n) => {
            if (n.name === "UnquotedLabelMatcher" || n.name === "LabelMatcher") {
                const text = expr.slice(n.from, n.to);
                const m = /"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
                if (m) values.push(m[1]);
            }
        },
    });
    return values;
}

/** True when an expression selects the app: a matcher on its name (workload, deployment, HPA) or on its pods. */
function selectsApp(expr: string, app: string): boolean {
    return matcherValues(expr).some((v) => v === app || v.startsWith(`${app}-`));
}

/** Heading anchors of a markdown file, slugged as GitHub does (lower case, spaces to "-", punctuation dropped). */
function anchors(file: string): Set<string> {
    const text = fs.readFileSync(file, "utf8");
    return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-")));
}

describe("SLO: objectives", () => {
    it("defaults to 99.9% availability, < 0.1% errors and a 1000 ms p99", () => {
        assert.deepStrictEqual(validateSlo(undefined), { availability: 0.999, errorRate: 0.001, latencyP99Ms: 1000 });
    });
    it("keeps availability and error rate distinct: 4xx and gRPC errors count only against the error rate", () => {
        const rules = appAlertRules(validateAppAlertRulesArgs(APP));
        const availability = rules.find((r) => r.alert === "AppAvailabilityFastBurn")!.expr;
        const errors = rules.find((r) => r.alert === "AppErrorRateFastBurn")!.expr;
        assert.match(availability, /response_code=~"5\.\.\|0"/);
        assert.doesNotMatch(availability, /\[23\]/);
        assert.match(errors, /response_code!~"\[23\]\.\."/);
        assert.match(errors, /grpc_response_status!~"0\|"/);
    });
});

describe("SLO: runbooks", () => {
    const file = path.join(PROJECT_DIR, RUNBOOKS_PATH);
    const sections = anchors(file);

    it("links every alert to a section of docs/runbooks.md that exists", () => {
        const rules = appAlertRules(validateAppAlertRulesArgs(APP));
        assert.ok(rules.length >= 8);
        for (const r of rules) {
            const url = r.annotations.runbook_url;
            assert.strictEqual(url, `${RUNBOOKS_PATH}#${runbookAnchor(r.alert)}`, r.alert);
            assert.ok(sections.has(url.split("#")[1]), `${r.alert}: no heading "## ${r.alert}" in ${RUNBOOKS_PATH} (have: ${[...sections].join(", ")})`);
        }
    });
    it("puts the configured base URL in front of the anchor", () => {
        const base = "https://git.example.com/platform/blob/main/docs/runbooks.md";
        for (const r of appAlertRules(validateAppAlertRulesArgs({ ...APP, runbookBaseUrl: base }))) {
            assert.strictEqual(r.annotations.runbook_url, `${base}#${r.alert.toLowerCase()}`);
        }
    });
    it("finds a missing section (the check can fail)", () => {
        assert.ok(!sections.has(runbookAnchor("AppNoSuchAlert")));
        assert.ok(sections.has("appavailabilityfastburn"));
    });
});

describe("SLO: every PromQL expression parses and selects its app", () => {
    const slo = validateSlo({ availability: 0.995, errorRate: 0.002, latencyP99Ms: 300 });
    const alerts = appAlertRules(validateAppAlertRulesArgs({ ...APP, slo }));
    const dashboard = appDashboard({ namespace: "apps", app: "web", slo, autoscaling: { cpuUtilization: 70, requestsPerSecond: 2.5 } });
    const targets = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `${p.title} / ${t.legendFormat}`, expr: t.expr })));

    it("rejects a broken expression (the check can fail)", () => {
        assert.notDeepStrictEqual(promqlErrors("sum(rate(istio_requests_total[5m]) by (pod"), []);
        assert.notDeepStrictEqual(promqlErrors('x{a="b"} > and y'), []);
        assert.strictEqual(selectsApp('up{job="other"}', "web"), false);
    });
    for (const r of alerts) {
        it(`alert ${r.alert}`, () => {
            assert.deepStrictEqual(promqlErrors(r.expr), [], r.expr);
            assert.ok(selectsApp(r.expr, "web"), `${r.alert} does not select web: ${r.expr}`);
        });
    }
    it("every dashboard query", () => {
        assert.ok(targets.length >= 14);
        for (const t of targets) {
            assert.deepStrictEqual(promqlErrors(t.expr), [], `${t.where}: ${t.expr}`);
            // Objective and target lines are constants; everything else is the app's own series.
            if (!/^vector\([\d.]+\)$/.test(t.expr)) assert.ok(selectsApp(t.expr, "web"), `${t.where} does not select web: ${t.expr}`);
        }
    });
    it("the adapter rule, with the adapter's template filled in as it fills it", () => {
        const rule = requestsPerSecondRule();
        assert.deepStrictEqual(promqlErrors(rule.seriesQuery), [], rule.seriesQuery);
        const query = rule.metricsQuery
            .replace("<<.Series>>", "istio_requests_total")
            .replace("<<.LabelMatchers>>", 'namespace="apps", pod=~"web-5d8f9c7b6-abcde|web-5d8f9c7b6-fghij"')
            .replace("<<.GroupBy>>", "pod");
        assert.doesNotMatch(query, /<<|>>/);
        assert.deepStrictEqual(promqlErrors(query), [], query);
        assert.ok(selectsApp(query, "web"));
        assert.match(query, /reporter="destination"/);
    });
});

describe("SLO: dashboard", () => {
    const slo = validateSlo(undefined);
    const d = appDashboard({ namespace: "apps", app: "web", slo, autoscaling: { cpuUtilization: 70, requestsPerSecond: 50 } });

    it("has a stable uid of at most 40 characters, hashed when the names are long", () => {
        assert.strictEqual(d.uid, "app-apps-web");
        assert.strictEqual(dashboardUid("apps", "web"), d.uid);
        const long = dashboardUid("a-very-long-namespace-name", "and-a-long-app-name");
        assert.ok(long.length <= 40, long);
        assert.strictEqual(long, dashboardUid("a-very-long-namespace-name", "and-a-long-app-name"));
        assert.notStrictEqual(long, dashboardUid("a-very-long-namespace-name", "and-a-long-app-namf"));
    });
    it("shows request rate, success vs objectives, p99 vs bound, budget left, replicas and CPU vs the HPA", () => {
        const titles = d.panels.map((p) => p.title);
        for (const want of ["Request rate", "Success rate vs objectives", "p99 latency vs bound", "Error budget remaining (30d)", "Replicas vs autoscaler", "CPU vs HPA target", "Requests per second per pod vs HPA target"]) {
            assert.ok(titles.includes(want), `no panel "${want}" (have: ${titles.join(", ")})`);
        }
        const exprs = d.panels.flatMap((p) => p.targets.map((t) => t.expr));
        assert.ok(exprs.includes("vector(0.999)"), "availability objective line");
        assert.ok(exprs.includes("vector(1000)"), "latency bound line");
        assert.ok(exprs.includes("vector(70)"), "CPU target line");
        assert.ok(exprs.includes("vector(50)"), "requests-per-second target line");
        assert.strictEqual(new Set(d.panels.map((p) => p.id)).size, d.panels.length, "panel ids are unique");
        const cpuOnly = appDashboard({ namespace: "apps", app: "web", slo, autoscaling: { cpuUtilization: 70 } });
        assert.ok(!cpuOnly.panels.flatMap((p) => p.targets.map((t) => t.expr)).includes("vector(50)"));
    });
    it("ships as a ConfigMap in the app's namespace with the label and namespace Grafana's sidecar watches", async () => {
        const rec = await recordProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new AppDashboard("web-dashboard", { namespace: "apps", app: "web", autoscaling: { cpuUtilization: 70 } }, { provider });
        });
        const [cm] = ofType(rec.resources, "kubernetes:core/v1:ConfigMap");
        assert.ok(cm, "no ConfigMap");
        const obj = { apiVersion: "v1", kind: "ConfigMap", ...JSON.parse(JSON.stringify(cm.inputs)) };
        new ConfigMap(obj).validate();
        assert.strictEqual(obj.metadata.labels[GRAFANA_DASHBOARD_LABEL.key], GRAFANA_DASHBOARD_LABEL.value);
        assert.strictEqual(obj.metadata.annotations.grafana_folder, "Apps");
        const json = JSON.parse(obj.data["apps-web.json"]);
        assert.strictEqual(json.uid, "app-apps-web");
        // The sidecar the monitoring stack configures looks for exactly this label, in this namespace.
        const sidecar = (kubePrometheusStackValues(validateMonitoringStackArgs(ARGS), "s") as any).grafana.sidecar.dashboards;
        assert.deepStrictEqual([sidecar.enabled, sidecar.label, sidecar.labelValue], [true, GRAFANA_DASHBOARD_LABEL.key, GRAFANA_DASHBOARD_LABEL.value]);
        assert.deepStrictEqual(sidecar.searchNamespace, ["monitoring", obj.metadata.namespace]);
    });
    it("refuses a folder Grafana could not file it under", () => {
        assert.throws(() => new AppDashboard("x", { namespace: "apps", app: "web", autoscaling: { cpuUtilization: 70 }, folder: "../etc" }), (e: any) => pulumi.InputPropertyError.isInstance(e) && /folder "\.\.\/etc"/.test(e.message));
    });
});

describe("SLO: prometheus-adapter", () => {
    const a = validateMonitoringStackArgs(ARGS);
    const values = prometheusAdapterValues(a) as any;

    it("serves only the per-pod request rate, under the name the HPAs ask for", () => {
        assert.strictEqual(values.rules.default, false);
        assert.deepStrictEqual(values.rules.custom, [requestsPerSecondRule()]);
        assert.strictEqual(values.rules.custom[0].name.as, REQUESTS_PER_SECOND_METRIC);
        assert.deepStrictEqual(values.rules.custom[0].resources.overrides, { namespace: { resource: "namespace" }, pod: { resource: "pod" } });
        assert.match(values.rules.custom[0].seriesQuery, /^istio_requests_total\{reporter="destination"/);
        assert.ok(!("resource" in values.rules), "must not take over metrics.k8s.io from metrics-server");
    });
    it("reads the stack's own Prometheus and runs non-root, read-only, with no capabilities", () => {
        assert.deepStrictEqual([values.prometheus.url, values.prometheus.port], ["http://kps-prometheus.monitoring.svc.cluster.local", 9090]);
        assert.strictEqual(values.securityContext.runAsNonRoot, true);
        assert.strictEqual(values.securityContext.readOnlyRootFilesystem, true);
        assert.strictEqual(values.securityContext.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(values.securityContext.capabilities.drop, ["ALL"]);
        assert.strictEqual(values.podDisruptionBudget.enabled, true);
        assert.strictEqual(values.replicas, 2);
    });
    async function releases(args: MonitoringStackArgs): Promise<RecordedResource[]> {
        const rec = await recordProgram(() => {
            new MonitoringStack("monitoring", args, { provider: new k8s.Provider("k8s", { kubeconfig: "{}" }) });
        });
        return ofType(rec.resources, "kubernetes:helm.sh/v3:Release");
    }
    it("installs the pinned chart after kube-prometheus-stack when enabled, and nothing when not", async () => {
        const on = await releases(ARGS);
        const adapter = on.find((r) => r.inputs.chart === "prometheus-adapter");
        assert.ok(adapter, "no prometheus-adapter release");
        assert.deepStrictEqual([adapter.inputs.name, adapter.inputs.version, adapter.inputs.namespace], [ADAPTER_RELEASE_NAME, "4.11.0", "monitoring"]);
        assert.strictEqual((adapter.inputs.repositoryOpts as any).repo, "https://prometheus-community.github.io/helm-charts");
        const kps = on.find((r) => r.inputs.chart === "kube-prometheus-stack")!;
        assert.ok(adapter.dependencies.includes(kps.urn), "adapter installed before Prometheus");
        const off = await releases({ ...ARGS, metricsAdapter: { enabled: false } });
        assert.ok(!off.some((r) => r.inputs.chart === "prometheus-adapter"));
    });
    it("refuses to enable the adapter without a pinned chart", () => {
        const charts = { ...ARGS.charts, prometheusAdapter: undefined };
        assert.throws(() => validateMonitoringStackArgs({ ...ARGS, charts }), (e: any) => /charts\.prometheusAdapter is missing/.test(e.message));
    });
    it("has a schema model for every custom resource kind this feature creates", () => {
        for (const [apiVersion, kind] of [["monitoring.coreos.com/v1", "PrometheusRule"], ["autoscaling.k8s.io/v1", "VerticalPodAutoscaler"], ["autoscaling/v2", "HorizontalPodAutoscaler"], ["v1", "ConfigMap"]]) {
            assert.ok(modelFor(apiVersion, kind), `${apiVersion} ${kind}`);
        }
    });
});
