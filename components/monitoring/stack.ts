/**
 * The cluster's monitoring stack: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the
 * Prometheus Operator), Loki for logs, Tempo for traces and Alloy shipping pod logs to Loki.
 * Grafana's admin password is generated here and handed to the chart by Secret reference only.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { MonitoringStackArgs, validateMonitoringStackArgs } from "./args";
import { ADAPTER_RELEASE_NAME, prometheusAdapterValues } from "./adapter";
import { alloyValues, lokiValues, tempoValues } from "./logs-values";
import { helmReleaseSafety } from "../helm";
import { podSecurityLabels } from "../pod-security";
import { GRAFANA_ADMIN_KEYS, RELEASE_NAMES, kubePrometheusStackValues, monitoringEndpoints } from "./values";

export { MonitoringStackArgs, validateMonitoringStackArgs } from "./args";

const PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts";
const GRAFANA_CHARTS = "https://grafana.github.io/helm-charts";

/** kube-prometheus-stack installs CRDs and several StatefulSets: it gets 15 minutes. */
const RELEASE_SAFETY = helmReleaseSafety(900);

/**
 * A release of a chart from Grafana's repository into the stack's namespace. The chart name is
 * also the release's key in RELEASE_NAMES and the child's role (`${name}-loki`).
 */
function grafanaRelease(
    name: string,
    chart: "loki" | "tempo" | "alloy",
    version: string,
    ns: k8s.core.v1.Namespace,
    values: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(`${name}-${chart}`, {
        name: RELEASE_NAMES[chart],
        chart,
        version,
        repositoryOpts: { repo: GRAFANA_CHARTS },
        namespace: ns.metadata.name,
        values,
        ...RELEASE_SAFETY,
    }, opts);
}

export class MonitoringStack extends pulumi.ComponentResource {
    /** Namespace the stack runs in. */
    public readonly namespace: pulumi.Output<string>;
    /** In-cluster Prometheus URL (http://kps-prometheus.<ns>.svc.cluster.local:9090). */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** In-cluster Alertmanager URL. */
    public readonly alertmanagerUrl: pulumi.Output<string>;
    /** In-cluster Grafana URL. */
    public readonly grafanaUrl: pulumi.Output<string>;
    /** In-cluster Loki URL (query and push API). */
    public readonly lokiUrl: pulumi.Output<string>;
    /** Tempo's OTLP/gRPC receiver as "host:4317"; empty when tracing is disabled. */
    public readonly tempoOtlpEndpoint: pulumi.Output<string>;
    /** Generated Grafana admin password (secret). The user name is "admin". */
    public readonly grafanaAdminPassword: pulumi.Output<string>;

    constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:monitoring:MonitoringStack", name, {}, opts);
        const a = validateMonitoringStackArgs(args);
        const child = { parent: this };

        // Baseline blocks host namespaces, hostPath and privileged pods, which nothing here
        // needs; "restricted" is reported (warn/audit) rather than enforced because chart hooks
        // and sidecars outside these values may lack a seccomp profile, and a refused hook pod
        // would fail the atomic release.
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: a.namespace, labels: { ...podSecurityLabels("baseline", "restricted"), "app.kubernetes.io/part-of": "monitoring" } },
        }, child);
        const dependsOn: pulumi.Resource[] = [];
        if (a.nodeExporter.enabled) {
            // node-exporter reads the host (hostNetwork, hostPID, hostPath /), which only
            // "privileged" admits; isolating it keeps the main namespace at baseline.
            dependsOn.push(new k8s.core.v1.Namespace(`${name}-node-exporter-namespace`, {
                metadata: { name: a.nodeExporterNamespace, labels: { "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/audit": "baseline", "app.kubernetes.io/part-of": "monitoring" } },
            }, child));
        }

        const password = new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, child);
        const adminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { name: "grafana-admin", namespace: ns.metadata.name, labels: { "app.kubernetes.io/part-of": "monitoring" } },
            type: "Opaque",
            stringData: { [GRAFANA_ADMIN_KEYS.user]: "admin", [GRAFANA_ADMIN_KEYS.password]: pulumi.secret(password.result) },
        }, child);

        const kps = new k8s.helm.v3.Release(`${name}-kube-prometheus-stack`, {
            name: RELEASE_NAMES.kubePrometheusStack,
            chart: "kube-prometheus-stack",
            version: a.charts.kubePrometheusStack,
            repositoryOpts: { repo: PROMETHEUS_COMMUNITY },
            namespace: ns.metadata.name,
            // Only the Secret's name goes in: the values are stored in the cluster and diffed in clear.
            values: adminSecret.metadata.name.apply((secretName) => kubePrometheusStackValues(a, secretName)),
            ...RELEASE_SAFETY,
        }, { parent: this, dependsOn });

        if (a.metricsAdapter.enabled) {
            // After the stack, so the adapter's first relist finds Prometheus serving.
            new k8s.helm.v3.Release(`${name}-prometheus-adapter`, {
                name: ADAPTER_RELEASE_NAME,
                chart: "prometheus-adapter",
                version: a.charts.prometheusAdapter,
                repositoryOpts: { repo: PROMETHEUS_COMMUNITY },
                namespace: ns.metadata.name,
                values: prometheusAdapterValues(a),
                ...helmReleaseSafety(300),
            }, { parent: this, dependsOn: [kps] });
        }

        const loki = grafanaRelease(name, "loki", a.charts.loki, ns, lokiValues(a), child);
        if (a.tracing.enabled) grafanaRelease(name, "tempo", a.charts.tempo, ns, tempoValues(a), child);
        // After Loki, so the collector's first pushes find a receiver.
        grafanaRelease(name, "alloy", a.charts.alloy, ns, alloyValues(a), { parent: this, dependsOn: [loki] });

        const endpoints = ns.metadata.name.apply(monitoringEndpoints);
        this.namespace = ns.metadata.name;
        this.prometheusUrl = endpoints.prometheusUrl;
        this.alertmanagerUrl = endpoints.alertmanagerUrl;
        this.grafanaUrl = endpoints.grafanaUrl;
        this.lokiUrl = endpoints.lokiUrl;
        this.tempoOtlpEndpoint = a.tracing.enabled ? endpoints.tempoOtlpEndpoint : pulumi.output("");
        this.grafanaAdminPassword = pulumi.secret(password.result);
        this.registerOutputs({
            namespace: this.namespace,
            prometheusUrl: this.prometheusUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            grafanaUrl: this.grafanaUrl,
            lokiUrl: this.lokiUrl,
            tempoOtlpEndpoint: this.tempoOtlpEndpoint,
            grafanaAdminPassword: this.grafanaAdminPassword,
        });
    }
}
