/**
 * A Grafana dashboard per application, as code: the dashboard JSON is built here from the same
 * SLI queries the alerts use (slo.ts) and shipped as a ConfigMap that Grafana's dashboard sidecar
 * loads (label and folder annotation from values.ts; the monitoring stack lists the apps'
 * namespace in the sidecar's searchNamespace). Its uid is derived from namespace and app only,
 * so links to it survive every redeploy and Grafana never sees two copies of one app.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { REQUESTS_SERIES } from "../request-metrics";
import { DNS_LABEL, fail } from "../validation";
import { type AppSlo, type ResolvedSlo, num, sliQueries, validateSlo } from "./slo";
import { DATASOURCE_UIDS, GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER_ANNOTATION } from "./values";

export interface AppDashboardArgs {
    /** Namespace of the app, and of the ConfigMap (the sidecar must search it). Plain: it is written into the PromQL. */
    readonly namespace: string;
    /** The app's Deployment (and HPA) name. */
    readonly app: string;
    /** The objectives drawn as lines and budgets; defaults as in slo.ts. */
    readonly slo?: AppSlo;
    /** The autoscaler's settings, drawn as bounds and targets. */
    readonly autoscaling: { readonly cpuUtilization: number; readonly requestsPerSecond?: number };
    /** Grafana folder. Default "Apps". */
    readonly folder?: string;
}

/** The subset of Grafana's dashboard model written here. */
export interface GrafanaDashboard {
    uid: string;
    title: string;
    tags: string[];
    schemaVersion: number;
    time: { from: string; to: string };
    refresh: string;
    panels: GrafanaPanel[];
}

export interface GrafanaPanel {
    id: number;
    type: "timeseries" | "stat";
    title: string;
    description: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource: { type: "prometheus"; uid: string };
    targets: { refId: string; expr: string; legendFormat: string }[];
    fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
}

/** Grafana refuses uids over 40 characters; a longer namespace/app pair gets a stable hash instead. */
export function dashboardUid(namespace: string, app: string): string {
    const plain = `app-${namespace}-${app}`;
    return plain.length <= 40 ? plain : `app-${createHash("sha256").update(`${namespace}/${app}`).digest("hex").slice(0, 36)}`;
}

/** The pods of a Deployment: `<app>-<replicaset hash>-<suffix>`, so "web" does not match "web-worker-...". */
function podsOf(app: string): string {
    return `pod=~"${app}-[a-z0-9]+-[a-z0-9]+"`;
}

/** The dashboard JSON, as plain data. */
export function appDashboard(args: { namespace: string; app: string; slo: ResolvedSlo; autoscaling: AppDashboardArgs["autoscaling"] }): GrafanaDashboard {
    const { namespace, app, slo } = args;
    const q = sliQueries(namespace, app);
    const hpa = `namespace="${namespace}", horizontalpodautoscaler="${app}"`;
    const pods = `namespace="${namespace}", ${podsOf(app)}, container="app"`;
    let id = 0;
    const panel = (type: GrafanaPanel["type"], title: string, description: string, gridPos: GrafanaPanel["gridPos"], targets: [string, string][], defaults: Record<string, unknown>): GrafanaPanel => ({
        id: ++id,
        type,
        title,
        description,
        gridPos,
        datasource: { type: "prometheus", uid: DATASOURCE_UIDS.prometheus },
        targets: targets.map(([legendFormat, expr], i) => ({ refId: String.fromCharCode(65 + i), expr, legendFormat })),
        fieldConfig: { defaults, overrides: [] },
    });
    // 30 days, the budget period of the burn-rate alerts; with a shorter retention it is the budget over what is kept.
    const budgetLeft = (ratio: string, budget: number) => `1 - (${ratio}) / ${num(budget)}`;
    const rpsTarget: [string, string][] = args.autoscaling.requestsPerSecond === undefined ? [] : [["target per pod", `vector(${num(args.autoscaling.requestsPerSecond)})`]];
    return {
        uid: dashboardUid(namespace, app),
        title: `${namespace} / ${app}`,
        tags: ["app", "slo", namespace],
        schemaVersion: 39,
        time: { from: "now-6h", to: "now" },
        refresh: "30s",
        panels: [
            panel("timeseries", "Request rate", "Requests per second the app's sidecars received.", { x: 0, y: 0, w: 12, h: 8 },
                [["requests/s", q.requestRate("5m")]], { unit: "reqps" }),
            panel("timeseries", "Success rate vs objectives", "Availability (no 5xx or reset) and success (2xx/3xx, gRPC OK) against their objectives.", { x: 12, y: 0, w: 12, h: 8 },
                [["availability", `1 - ${q.unavailableRatio("5m")}`], ["success (no error)", `1 - (${q.errorRatio("5m")})`],
                    ["availability objective", `vector(${num(slo.availability)})`], ["error-rate objective", `vector(${num(1 - slo.errorRate)})`]],
                { unit: "percentunit", min: Math.min(0.9, slo.availability, 1 - slo.errorRate), max: 1 }),
            panel("timeseries", "p99 latency vs bound", "The slowest 1% of requests, against slo.latencyP99Ms.", { x: 0, y: 8, w: 12, h: 8 },
                [["p99", q.latencyQuantile(0.99, "5m")], ["p50", q.latencyQuantile(0.5, "5m")], ["bound", `vector(${num(slo.latencyP99Ms)})`]], { unit: "ms" }),
            panel("stat", "Error budget remaining (30d)", "Share of the 30-day budget left for each objective; below 0 the objective is missed.", { x: 12, y: 8, w: 12, h: 8 },
                [["availability", budgetLeft(q.unavailableRatio("30d"), 1 - slo.availability)], ["error rate", budgetLeft(q.errorRatio("30d"), slo.errorRate)]],
                { unit: "percentunit", thresholds: { mode: "absolute", steps: [{ color: "red", value: null }, { color: "orange", value: 0.25 }, { color: "green", value: 0.5 }] } }),
            panel("timeseries", "Replicas vs autoscaler", "Current and desired replicas of the HPA against its bounds.", { x: 0, y: 16, w: 8, h: 8 },
                [["current", `kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`], ["desired", `kube_horizontalpodautoscaler_status_desired_replicas{${hpa}}`],
                    ["min", `kube_horizontalpodautoscaler_spec_min_replicas{${hpa}}`], ["max", `kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`]], { unit: "short", decimals: 0 }),
            panel("timeseries", "CPU vs HPA target", "Average CPU use in percent of the request, the HPA's CPU metric, against its target.", { x: 8, y: 16, w: 8, h: 8 },
                [["cpu % of request", `100 * sum(rate(container_cpu_usage_seconds_total{${pods}}[5m])) / sum(kube_pod_container_resource_requests{${pods}, resource="cpu"})`],
                    ["target", `vector(${num(args.autoscaling.cpuUtilization)})`]], { unit: "percent" }),
            panel("timeseries", "Requests per second per pod vs HPA target", "What the custom metrics API serves the HPA (prometheus-adapter), per pod.", { x: 16, y: 16, w: 8, h: 8 },
                [["{{pod}}", `sum by (pod) (rate(${REQUESTS_SERIES}{reporter="destination", namespace="${namespace}", ${podsOf(app)}}[1m]))`], ...rpsTarget], { unit: "reqps" }),
        ],
    };
}

/** A ConfigMap holding an app's dashboard, in the app's namespace. */
export class AppDashboard extends pulumi.ComponentResource {
    /** Grafana uid of the dashboard (stable: /d/<uid> links keep working). */
    public readonly uid: pulumi.Output<string>;

    constructor(name: string, args: AppDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:monitoring:AppDashboard", name, {}, opts);
        if (!DNS_LABEL.test(args.namespace ?? "")) fail("namespace", `namespace "${args.namespace}" is not a DNS label; use e.g. "apps"`);
        if (!DNS_LABEL.test(args.app ?? "") || args.app.length > 50) fail("app", `app "${args.app}" is not a DNS label of at most 50 characters; use the Deployment's name`);
        const folder = args.folder ?? "Apps";
        if (!/^[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$/.test(folder)) fail("folder", `folder "${folder}" must be 1-63 letters, digits, spaces, "_" or "-", e.g. "Apps"`);
        const dashboard = appDashboard({ namespace: args.namespace, app: args.app, slo: validateSlo(args.slo), autoscaling: args.autoscaling });
        new k8s.core.v1.ConfigMap(`${name}-dashboard`, {
            metadata: {
                name: `${args.app}-dashboard`,
                namespace: args.namespace,
                labels: { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value, "app.kubernetes.io/name": args.app, "app.kubernetes.io/component": "dashboard" },
                annotations: { [GRAFANA_FOLDER_ANNOTATION]: folder },
            },
            data: { [`${args.namespace}-${args.app}.json`]: JSON.stringify(dashboard) },
        }, { parent: this });
        this.uid = pulumi.output(dashboard.uid);
        this.registerOutputs({ uid: this.uid });
    }
}
