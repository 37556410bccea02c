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
} as const satisfies Record<string, ResourceRequirements>;

/** The arguments with every default filled in. */
export interface ResolvedMonitoringArgs {
    namespace: string;
    nodeExporterNamespace: string;
    charts: MonitoringChartVersions;
    prometheus: { retention: string; storageGiB: number; replicas: number; resources: ResourceRequirements };
    alertmanager: { replicas: number; resources: ResourceRequirements };
    grafana: { replicas: number; resources: ResourceRequirements };
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
        if (!CHART_VERSION.test(String(version))) fail(`charts.${chart}`, `charts.${chart} "${version}" is not an exact chart version; pin one such as "65.1.1"`);
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
        grafana: { replicas: args.grafana?.replicas ?? 1, resources: args.grafana?.resources ?? DEFAULT_RESOURCES.grafana },
        logs: { retentionDays: args.logs.retentionDays, storageGiB: args.logs.storageGiB ?? 20 },
        tracing: { enabled: args.tracing?.enabled ?? true, retentionHours: args.tracing?.retentionHours ?? 72 },
        nodeExporter: { enabled: args.nodeExporter?.enabled ?? true },
    };
    checkInt("prometheus.replicas", resolved.prometheus.replicas, 1, 10, "use 1 to 10");
    checkInt("alertmanager.replicas", resolved.alertmanager.replicas, 1, 10, "use 1 to 10 (odd counts avoid split votes)");
    checkInt("grafana.replicas", resolved.grafana.replicas, 1, 10, "use 1 to 10");
    checkInt("logs.retentionDays", resolved.logs.retentionDays, 1, 3650, "give whole days, at least 1");
    checkInt("logs.storageGiB", resolved.logs.storageGiB, 1, 16384, "give whole GiB, at least 1");
    checkInt("tracing.retentionHours", resolved.tracing.retentionHours, 1, 24 * 365, "give whole hours, at least 1");
    checkResources("prometheus.resources", resolved.prometheus.resources);
    checkResources("alertmanager.resources", resolved.alertmanager.resources);
    checkResources("grafana.resources", resolved.grafana.resources);
    return resolved;
}
