/**
 * Chart values for logs and traces: Loki (single binary, filesystem), Tempo (single binary) and
 * the Alloy log collector. Pure functions of the resolved arguments.
 */
import type { ResolvedMonitoringArgs } from "./args";
import { DEFAULT_RESOURCES } from "./args";
import { containerSecurityContext, monitoringEndpoints, podSecurityContext } from "./values";

/** Fields of JSON log lines kept as Loki structured metadata, so a request's lines can be found by id. */
export const LOG_CORRELATION_FIELDS = ["trace_id", "correlation_id"] as const;

/**
 * Loki in single binary mode on a filesystem volume: one pod, no object store, which suits the
 * volume a platform of this size produces. The compactor enforces the retention.
 */
export function lokiValues(a: ResolvedMonitoringArgs): Record<string, unknown> {
    return {
        fullnameOverride: "loki",
        deploymentMode: "SingleBinary",
        loki: {
            auth_enabled: false,
            commonConfig: { replication_factor: 1 },
            storage: { type: "filesystem" },
            schemaConfig: {
                configs: [{ from: "2024-04-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }],
            },
            limits_config: { retention_period: `${a.logs.retentionDays * 24}h`, allow_structured_metadata: true },
            compactor: { retention_enabled: true, delete_request_store: "filesystem" },
            podSecurityContext: podSecurityContext(10001),
            containerSecurityContext: containerSecurityContext(true),
        },
        singleBinary: {
            replicas: 1,
            persistence: { enabled: true, size: `${a.logs.storageGiB}Gi` },
            resources: { ...DEFAULT_RESOURCES.loki },
        },
        // The scalable targets and their caches are for object-store deployments; off here.
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        gateway: { enabled: false },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
        minio: { enabled: false },
    };
}

/** Tempo in single binary mode, receiving OTLP only (gRPC 4317, HTTP 4318). */
export function tempoValues(a: ResolvedMonitoringArgs): Record<string, unknown> {
    return {
        fullnameOverride: "tempo",
        replicas: 1,
        securityContext: podSecurityContext(10001),
        persistence: { enabled: true, size: "10Gi" },
        tempo: {
            retention: `${a.tracing.retentionHours}h`,
            reportingEnabled: false,
            resources: { ...DEFAULT_RESOURCES.tempo },
            securityContext: containerSecurityContext(false),
            // null removes the chart's default Jaeger and OpenCensus receivers: fewer open ports.
            receivers: {
                jaeger: null,
                opencensus: null,
                otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } },
            },
        },
    };
}

/**
 * Alloy configuration: discover pods, tail their logs through the Kubernetes API (no host
 * mounts), lift trace and correlation ids out of JSON lines, and push to Loki. Clustering
 * spreads the pods over the Alloy replicas so each log line is shipped once.
 */
export function alloyConfig(lokiPushUrl: string): string {
    const fields = LOG_CORRELATION_FIELDS.map((f) => `${f} = "${f}"`).join(", ");
    const metadata = LOG_CORRELATION_FIELDS.map((f) => `${f} = ""`).join(", ");
    return `discovery.kubernetes "pods" {
  role = "pod"
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app"]
    target_label  = "app"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
  clustering {
    enabled = true
  }
}

loki.process "pods" {
  forward_to = [loki.write.default.receiver]
  stage.json {
    expressions = { ${fields} }
  }
  stage.structured_metadata {
    values = { ${metadata} }
  }
}

loki.write "default" {
  endpoint {
    url = "${lokiPushUrl}"
  }
}
`;
}

/** Alloy as a two-replica clustered Deployment running as its image's non-root user (473). */
export function alloyValues(a: ResolvedMonitoringArgs): Record<string, unknown> {
    const push = `${monitoringEndpoints(a.namespace).lokiUrl}/loki/api/v1/push`;
    return {
        fullnameOverride: "alloy",
        controller: { type: "deployment", replicas: 2 },
        global: { podSecurityContext: podSecurityContext(473) },
        alloy: {
            clustering: { enabled: true },
            configMap: { create: true, content: alloyConfig(push) },
            mounts: { varlog: false, dockercontainers: false },
            enableReporting: false,
            resources: { ...DEFAULT_RESOURCES.alloy },
            securityContext: { ...containerSecurityContext(false), runAsNonRoot: true, runAsUser: 473, runAsGroup: 473 },
        },
        configReloader: { securityContext: { ...containerSecurityContext(true), runAsNonRoot: true, runAsUser: 473, runAsGroup: 473 } },
    };
}
