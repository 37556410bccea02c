/**
 * Chart values for the monitoring stack, as pure functions of the resolved arguments, so what
 * each chart receives can be read and tested without a cluster. Release and service names are
 * pinned (fullnameOverride) because the stack's outputs are in-cluster DNS names built from them.
 */
import type { ResourceRequirements } from "../validation";
import type { ResolvedMonitoringArgs } from "./args";
import { DEFAULT_RESOURCES } from "./args";

/** Helm release names; part of the public contract (renaming one reinstalls the chart). */
export const RELEASE_NAMES = { kubePrometheusStack: "kube-prometheus-stack", loki: "loki", tempo: "tempo", alloy: "alloy" } as const;

/** kube-prometheus-stack's fullnameOverride: services become kps-prometheus, kps-alertmanager. */
const KPS_FULLNAME = "kps";

/** Keys of the Grafana admin Secret. */
export const GRAFANA_ADMIN_KEYS = { user: "admin-user", password: "admin-password" } as const;

/**
 * The label (and value) of ConfigMaps Grafana's dashboard sidecar loads as dashboards, set
 * explicitly below rather than left to the chart's default, since dashboard.ts writes it.
 */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/** The annotation that puts a sidecar-loaded dashboard into a Grafana folder. */
export const GRAFANA_FOLDER_ANNOTATION = "grafana_folder";

/** Grafana data source uids, stable so dashboards and cross-links survive reinstalls. */
export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", tempo: "tempo" } as const;

/** In-cluster endpoints of the stack's services. */
export interface MonitoringEndpoints {
    prometheusUrl: string;
    alertmanagerUrl: string;
    grafanaUrl: string;
    lokiUrl: string;
    tempoUrl: string;
    /** OTLP/gRPC receiver as "host:port" (what Istio's OpenTelemetry provider and SDKs take). */
    tempoOtlpEndpoint: string;
}

export function monitoringEndpoints(namespace: string): MonitoringEndpoints {
    const host = (service: string) => `${service}.${namespace}.svc.cluster.local`;
    return {
        prometheusUrl: `http://${host(`${KPS_FULLNAME}-prometheus`)}:9090`,
        alertmanagerUrl: `http://${host(`${KPS_FULLNAME}-alertmanager`)}:9093`,
        grafanaUrl: `http://${host("grafana")}:80`,
        lokiUrl: `http://${host("loki")}:3100`,
        tempoUrl: `http://${host("tempo")}:3100`,
        tempoOtlpEndpoint: `${host("tempo")}:4317`,
    };
}

/** Pod-level security context: a fixed non-root identity and the runtime's default seccomp filter. */
export function podSecurityContext(uid: number): Record<string, unknown> {
    return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Container-level security context: no privilege escalation and no Linux capabilities. */
export function containerSecurityContext(readOnlyRootFilesystem: boolean): Record<string, unknown> {
    return { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem, capabilities: { drop: ["ALL"] } };
}

function res(r: ResourceRequirements): Record<string, unknown> {
    return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** Grafana data sources for Loki and Tempo, cross-linked: trace ids in logs open the trace, and back. */
/**
 * Grafana's dashboard sidecar: it watches ConfigMaps with GRAFANA_DASHBOARD_LABEL in the stack's
 * namespace and in `dashboardNamespaces` (named, not "ALL", so it reads no other namespace's
 * ConfigMaps), and files each under the folder its GRAFANA_FOLDER_ANNOTATION names.
 */
export function grafanaDashboardSidecar(namespace: string, dashboardNamespaces: string[]): Record<string, unknown> {
    return {
        dashboards: {
            enabled: true,
            label: GRAFANA_DASHBOARD_LABEL.key,
            labelValue: GRAFANA_DASHBOARD_LABEL.value,
            searchNamespace: [namespace, ...dashboardNamespaces.filter((ns) => ns !== namespace)],
            folderAnnotation: GRAFANA_FOLDER_ANNOTATION,
            provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
        },
    };
}

export function grafanaDataSources(endpoints: MonitoringEndpoints, tracing: boolean): Record<string, unknown>[] {
    const loki: Record<string, unknown> = {
        name: "Loki",
        type: "loki",
        uid: DATASOURCE_UIDS.loki,
        access: "proxy",
        url: endpoints.lokiUrl,
        jsonData: tracing
            ? {
                  derivedFields: [
                      // "$$" escapes Grafana's provisioning-file variable expansion.
                      { name: "TraceID", matcherRegex: '"?trace_?[iI][dD]"?[=:] ?"?(\\w+)', datasourceUid: DATASOURCE_UIDS.tempo, url: "$${__value.raw}" },
                  ],
              }
            : {},
    };
    if (!tracing) return [loki];
    const tempo = {
        name: "Tempo",
        type: "tempo",
        uid: DATASOURCE_UIDS.tempo,
        access: "proxy",
        url: endpoints.tempoUrl,
        jsonData: {
            tracesToLogsV2: { datasourceUid: DATASOURCE_UIDS.loki, filterByTraceID: true, spanStartTimeShift: "-5m", spanEndTimeShift: "5m" },
            serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
            nodeGraph: { enabled: true },
            lokiSearch: { datasourceUid: DATASOURCE_UIDS.loki },
        },
    };
    return [loki, tempo];
}

/**
 * kube-prometheus-stack values. `grafanaAdminSecret` names the Secret holding the admin
 * credentials; the password itself never enters the values (Helm stores values in the cluster
 * in clear and prints them in diffs).
 */
export function kubePrometheusStackValues(a: ResolvedMonitoringArgs, grafanaAdminSecret: string): Record<string, unknown> {
    const endpoints = monitoringEndpoints(a.namespace);
    const storage = a.prometheus.storageGiB;
    return {
        fullnameOverride: KPS_FULLNAME,
        crds: { enabled: true },
        // Managed control planes (EKS) and most local clusters do not expose these components;
        // scraping them would only raise "target down" alerts that can never clear.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        prometheusOperator: {
            resources: res(DEFAULT_RESOURCES.operator),
            securityContext: podSecurityContext(65534),
            containerSecurityContext: containerSecurityContext(true),
            admissionWebhooks: { patch: { securityContext: podSecurityContext(2000) } },
        },
        prometheus: {
            prometheusSpec: {
                replicas: a.prometheus.replicas,
                retention: a.prometheus.retention,
                // Stop short of a full disk: Prometheus drops the oldest blocks past this size.
                retentionSize: `${Math.max(1, Math.floor(storage * 0.85))}GB`,
                resources: res(a.prometheus.resources),
                storageSpec: {
                    volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${storage}Gi` } } } },
                },
                // Pick up every ServiceMonitor, PodMonitor, Probe and PrometheusRule in the cluster,
                // not only those labelled with this release, so apps and the mesh can ship their own.
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                securityContext: podSecurityContext(1000),
            },
        },
        alertmanager: {
            alertmanagerSpec: {
                replicas: a.alertmanager.replicas,
                resources: res(a.alertmanager.resources),
                securityContext: podSecurityContext(1000),
            },
        },
        grafana: {
            fullnameOverride: "grafana",
            replicas: a.grafana.replicas,
            resources: res(a.grafana.resources),
            admin: { existingSecret: grafanaAdminSecret, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password },
            securityContext: podSecurityContext(472),
            containerSecurityContext: { ...containerSecurityContext(false), seccompProfile: { type: "RuntimeDefault" } },
            additionalDataSources: grafanaDataSources(endpoints, a.tracing.enabled),
            sidecar: grafanaDashboardSidecar(a.namespace, a.grafana.dashboardNamespaces),
            testFramework: { enabled: false },
            "grafana.ini": { analytics: { reporting_enabled: false, check_for_updates: false }, users: { allow_sign_up: false } },
        },
        // Pod and Deployment labels as metrics (kube_pod_labels), so alert rules can select an
        // app's pods by the same labels its Deployment selects them with.
        "kube-state-metrics": {
            metricLabelsAllowlist: ["pods=[*]", "deployments=[*]"],
            securityContext: podSecurityContext(65534),
            containerSecurityContext: containerSecurityContext(true),
        },
        nodeExporter: { enabled: a.nodeExporter.enabled },
        "prometheus-node-exporter": { namespaceOverride: a.nodeExporterNamespace },
    };
}
