/**
 * Arguments of the monitoring stack, their defaults, and their validation. Sizing arguments are
 * plain values rather than Inputs on purpose: they shape chart values and must be checked when
 * the program runs, not after a deployment has started.
 */
import { CHART_VERSION, DNS_LABEL, checkInt, checkResources, fail, type ResourceRequirements } from "../validation";


/** Exact chart versions; ranges are refused so an environment runs what it was tested with. */
export interface MonitoringChartVersions {
    /** prometheus-community/kube-prometheus-stack. */
    readonly kubePrometheusStack: string;
    /** grafana/loki (single binary mode). */
    readonly loki: string;
    /** grafana/tempo (single binary mode). */
    readonly tempo: string;
    /**
     * grafana/alloy, the log collector. Chosen over promtail (in maintenance since Alloy replaced
     * it) and over fluent-bit because it tails pod logs through the Kubernetes API
     * (`loki.source.kubernetes`): no hostPath mount of /var/log and no root, so it runs under the
     * baseline (even restricted) Pod Security level, and it is the collector Grafana maintains.
     */
    readonly alloy: string;
    /** prometheus-community/prometheus-adapter; required when metricsAdapter.enabled. */
    readonly prometheusAdapter?: string;
}

export interface MonitoringStackArgs {
    /** Namespace for the stack. Default "monitoring". */
    readonly namespace?: string;
    readonly charts: MonitoringChartVersions;
    readonly prometheus: {
        /** How long samples are kept, e.g. "15d". */
        readonly retention: string;
        /** Size of each Prometheus replica's volume. */
        readonly storageGiB: number;
        /** Default 1. Two give scrape redundancy (each replica scrapes everything). */
        readonly replicas?: number;
        readonly resources: ResourceRequirements;
    };
    readonly alertmanager?: {
        /** Default 1; 3 forms a gossip cluster that survives one lost pod without duplicate pages. */
        readonly replicas?: number;
        /** Default DEFAULT_RESOURCES.alertmanager. */
        readonly resources?: ResourceRequirements;
    };
    readonly grafana?: {
        /**
         * Default 1. More replicas share nothing but provisioned dashboards and data sources (the
         * chart's embedded SQLite is per pod), which is enough for read-mostly use.
         */
        readonly replicas?: number;
        /** Default DEFAULT_RESOURCES.grafana. */
        readonly resources?: ResourceRequirements;
        /**
         * Namespaces, besides the stack's own, whose ConfigMaps labelled `grafana_dashboard: "1"`
         * Grafana's sidecar loads as dashboards (the apps' namespace, where each app ships its
         * own). Default none. Listed rather than "ALL": the sidecar reads only where dashboards live.
         */
        readonly dashboardNamespaces?: string[];
    };
    readonly logs: {
        /** Days Loki keeps log lines before the compactor deletes them. */
        readonly retentionDays: number;
        /** Size of Loki's volume. Default 20. */
        readonly storageGiB?: number;
    };
    readonly tracing?: {
        /** Install Tempo and its Grafana data source. Default true (distributed tracing is a requirement). */
        readonly enabled?: boolean;
        /** Hours Tempo keeps traces. Default 72. */
        readonly retentionHours?: number;
    };
    readonly metricsAdapter?: {
        /**
         * Install prometheus-adapter, which serves the per-pod requests-per-second metric the
         * workloads' autoscalers scale on (adapter.ts). Default false: a component installs no
         * chart it was not asked for; the environment files turn it on.
         */
        readonly enabled?: boolean;
        /** Default 1. Two keep the custom metrics API up through a node drain (with a PDB). */
        readonly replicas?: number;
        /** Default DEFAULT_RESOURCES.adapter. */
        readonly resources?: ResourceRequirements;
    };
    readonly nodeExporter?: {
        /**
         * Default true. node-exporter needs the host's network, PID namespace and root
         * filesystem, which no Pod Security level but "privileged" admits; it therefore runs in
         * its own namespace `<namespace>-node-exporter` so the main namespace can stay at "baseline".
         */
        readonly enabled?: boolean;
    };
}

/** Container sizes used where the caller gives none; small enough for a development cluster. */
export const DEFAULT_RESOURCES = {
    alertmanager: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    grafana: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    operator: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "300m", memory: "256Mi" } },
    loki: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    tempo: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
    alloy: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    adapter: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
} as const satisfies Record<string, ResourceRequirements>;

/** The arguments with every default filled in. */
export interface ResolvedMonitoringArgs {
    namespace: string;
    nodeExporterNamespace: string;
    charts: MonitoringChartVersions;
    prometheus: { retention: string; storageGiB: number; replicas: number; resources: ResourceRequirements };
    alertmanager: { replicas: number; resources: ResourceRequirements };
    grafana: { replicas: number; resources: ResourceRequirements; dashboardNamespaces: string[] };
    metricsAdapter: { enabled: boolean; replicas: number; resources: ResourceRequirements };
    logs: { retentionDays: number; storageGiB: number };
    tracing: { enabled: boolean; retentionHours: number };
    nodeExporter: { enabled: boolean };
}

const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;


/** Validates the arguments and returns them with defaults applied. Throws InputPropertyError on the first problem. */
export function validateMonitoringStackArgs(args: MonitoringStackArgs): ResolvedMonitoringArgs {
    const namespace = args.namespace ?? "monitoring";
    if (!DNS_LABEL.test(namespace) || namespace.length > 47) {
        fail("namespace", `namespace "${namespace}" must be a DNS label of at most 47 characters (it also prefixes "-node-exporter"), e.g. "monitoring"`);
    }
    for (const [chart, version] of Object.entries(args.charts ?? {}) as [string, string][]) {
        if (version !== undefined && !CHART_VERSION.test(String(version))) fail(`charts.${chart}`, `charts.${chart} "${version}" is not an exact chart version; pin one such as "65.1.1"`);
    }
    for (const chart of ["kubePrometheusStack", "loki", "tempo", "alloy"] as const) {
        if (!args.charts?.[chart]) fail(`charts.${chart}`, `charts.${chart} is missing; pin the chart version`);
    }
    if (!DURATION.test(args.prometheus.retention)) {
        fail("prometheus.retention", `prometheus.retention "${args.prometheus.retention}" is not a Prometheus duration; use e.g. "15d"`);
    }
    checkInt("prometheus.storageGiB", args.prometheus.storageGiB, 1, 16384, "give whole GiB, at least 1");
    const resolved: ResolvedMonitoringArgs = {
        namespace,
        nodeExporterNamespace: `${namespace}-node-exporter`,
        charts: args.charts,
        prometheus: { ...args.prometheus, replicas: args.prometheus.replicas ?? 1 },
        alertmanager: { replicas: args.alertmanager?.replicas ?? 1, resources: args.alertmanager?.resources ?? DEFAULT_RESOURCES.alertmanager },
        grafana: { replicas: args.grafana?.replicas ?? 1, resources: args.grafana?.resources ?? DEFAULT_RESOURCES.grafana, dashboardNamespaces: args.grafana?.dashboardNamespaces ?? [] },
        metricsAdapter: { enabled: args.metricsAdapter?.enabled ?? false, replicas: args.metricsAdapter?.replicas ?? 1, resources: args.metricsAdapter?.resources ?? DEFAULT_RESOURCES.adapter },
        logs: { retentionDays: args.logs.retentionDays, storageGiB: args.logs.storageGiB ?? 20 },
        tracing: { enabled: args.tracing?.enabled ?? true, retentionHours: args.tracing?.retentionHours ?? 72 },
        nodeExporter: { enabled: args.nodeExporter?.enabled ?? true },
    };
    checkInt("prometheus.replicas", resolved.prometheus.replicas, 1, 10, "use 1 to 10");
    checkInt("alertmanager.replicas", resolved.alertmanager.replicas, 1, 10, "use 1 to 10 (odd counts avoid split votes)");
    checkInt("grafana.replicas", resolved.grafana.replicas, 1, 10, "use 1 to 10");
    checkInt("metricsAdapter.replicas", resolved.metricsAdapter.replicas, 1, 10, "use 1 to 10");
    if (resolved.metricsAdapter.enabled && !args.charts.prometheusAdapter) fail("charts.prometheusAdapter", "charts.prometheusAdapter is missing while metricsAdapter.enabled; pin the chart version or disable the adapter");
    resolved.grafana.dashboardNamespaces.forEach((ns, i) => {
        if (!DNS_LABEL.test(ns)) fail(`grafana.dashboardNamespaces.${i}`, `grafana.dashboardNamespaces.${i} "${ns}" is not a namespace name; use e.g. "apps"`);
    });
    checkInt("logs.retentionDays", resolved.logs.retentionDays, 1, 3650, "give whole days, at least 1");
    checkInt("logs.storageGiB", resolved.logs.storageGiB, 1, 16384, "give whole GiB, at least 1");
    checkInt("tracing.retentionHours", resolved.tracing.retentionHours, 1, 24 * 365, "give whole hours, at least 1");
    checkResources("prometheus.resources", resolved.prometheus.resources);
    checkResources("alertmanager.resources", resolved.alertmanager.resources);
    checkResources("grafana.resources", resolved.grafana.resources);
    checkResources("metricsAdapter.resources", resolved.metricsAdapter.resources);
    return resolved;
}
