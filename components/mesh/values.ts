/**
 * Chart values and object bodies for the Istio mesh, as pure functions, so the mesh's
 * security and telemetry settings can be read and tested without a cluster.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedIstioArgs } from "./args";

/** Helm release names; part of the public contract (renaming one reinstalls the chart). */
export const ISTIO_RELEASES = { base: "istio-base", cni: "istio-cni", istiod: "istiod", gateway: "istio-ingressgateway" } as const;

/** Labels the gateway chart puts on its pods (release name without the "istio-" prefix). */
export const GATEWAY_SELECTOR = { istio: "ingressgateway" } as const;

/** Name of the shared Istio Gateway that app VirtualServices bind to. */
export const PUBLIC_GATEWAY_NAME = "public";

/** Name of the mesh tracing provider in meshConfig.extensionProviders. */
export const TRACING_PROVIDER = "otel-tracing";

/** Where sidecars send spans, resolved from the arguments. */
export interface TracingTarget {
    otlp?: { host: string; port: number };
    zipkinAddress?: string;
}

/** Pod Security level an app namespace can enforce: sidecars without the CNI agent need NET_ADMIN. */
export function appNamespacePodSecurity(cniEnabled: boolean): "baseline" | "privileged" {
    return cniEnabled ? "baseline" : "privileged";
}

export function baseValues(a: ResolvedIstioArgs): Record<string, unknown> {
    return { defaultRevision: "default", global: { istioNamespace: a.namespace } };
}

export function cniValues(a: ResolvedIstioArgs): Record<string, unknown> {
    // Chained after the cluster's own CNI (the AWS VPC CNI on EKS); the mesh's own namespaces
    // carry no sidecars and are left alone.
    return { cni: { chained: true, excludeNamespaces: [a.namespace, a.cni.namespace] }, global: { istioNamespace: a.namespace } };
}

/**
 * istiod values. meshConfig: Prometheus scrapes one merged endpoint per pod (app + sidecar
 * metrics), access logs go to stdout as JSON for the log collector, egress is limited to the
 * registry unless configured otherwise, and spans go to the tracing backend.
 */
export function istiodValues(a: ResolvedIstioArgs, tracing: TracingTarget): Record<string, unknown> {
    const defaultConfig: Record<string, unknown> = { holdApplicationUntilProxyStarts: true };
    const meshConfig: Record<string, unknown> = {
        enablePrometheusMerge: true,
        accessLogFile: "/dev/stdout",
        accessLogEncoding: "JSON",
        outboundTrafficPolicy: { mode: a.outboundTrafficPolicy },
        enableTracing: tracing.otlp !== undefined || tracing.zipkinAddress !== undefined,
        defaultConfig,
    };
    if (tracing.zipkinAddress) {
        defaultConfig.tracing = { zipkin: { address: tracing.zipkinAddress }, sampling: a.samplingPercent };
    }
    if (tracing.otlp) {
        meshConfig.extensionProviders = [{ name: TRACING_PROVIDER, opentelemetry: { service: tracing.otlp.host, port: tracing.otlp.port } }];
        meshConfig.defaultProviders = { tracing: [TRACING_PROVIDER] };
    }
    return {
        global: { istioNamespace: a.namespace, logAsJson: true },
        pilot: {
            replicaCount: a.pilot.replicas,
            autoscaleMin: a.pilot.replicas,
            autoscaleMax: Math.max(5, a.pilot.replicas),
            resources: { requests: { ...a.pilot.resources.requests }, limits: { ...a.pilot.resources.limits } },
            // Default sampling for the Telemetry API providers (PILOT_TRACE_SAMPLING).
            traceSampling: a.samplingPercent,
            cni: { enabled: a.cni.enabled, namespace: a.cni.namespace },
        },
        meshConfig,
    };
}

/** Gateway values: autoscaled from `replicas`, spread across nodes, never all evicted at once. */
export function gatewayValues(a: ResolvedIstioArgs): Record<string, unknown> {
    return {
        service: { type: a.gateway.serviceType },
        replicaCount: a.gateway.replicas,
        autoscaling: { enabled: true, minReplicas: a.gateway.replicas, maxReplicas: a.gateway.maxReplicas, targetCPUUtilizationPercentage: 80 },
        podDisruptionBudget: a.gateway.replicas > 1 ? { minAvailable: 1 } : {},
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } },
        topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...GATEWAY_SELECTOR } } },
        ],
    };
}

/** Mesh-wide mTLS: sidecars accept only mutual-TLS traffic from other workloads. */
export function strictPeerAuthentication(rootNamespace: string): Record<string, unknown> {
    return {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: rootNamespace },
        spec: { mtls: { mode: "STRICT" } },
    };
}

/**
 * The shared ingress Gateway. Only VirtualServices in the app namespaces may bind to it
 * ("<ns>/*" hosts), so no other namespace can take over outside traffic.
 */
export function publicGateway(a: ResolvedIstioArgs): Record<string, unknown> {
    const hosts = a.appNamespaces.map((ns) => `${ns}/*`);
    const tlsName = a.gateway.tlsCredentialName;
    const servers: Record<string, unknown>[] = [
        { port: { number: 80, name: "http", protocol: "HTTP" }, hosts, ...(tlsName ? { tls: { httpsRedirect: true } } : {}) },
    ];
    if (tlsName) {
        servers.push({ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", credentialName: tlsName, minProtocolVersion: "TLSV1_2" } });
    }
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: { name: PUBLIC_GATEWAY_NAME, namespace: a.gateway.namespace },
        spec: { selector: { ...GATEWAY_SELECTOR }, servers },
    };
}

/** A Prometheus Operator monitor of the mesh, kept in the monitoring namespace. */
function istioMonitor(kind: "PodMonitor" | "ServiceMonitor", name: string, monitoringNamespace: pulumi.Input<string>, spec: Record<string, unknown>): Record<string, unknown> {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind,
        metadata: { name, namespace: monitoringNamespace, labels: { "app.kubernetes.io/part-of": "istio" } },
        spec,
    };
}

/** Scrapes every Envoy (sidecars and gateways) on its stats port, in every namespace. */
export function envoyPodMonitor(monitoringNamespace: pulumi.Input<string>): Record<string, unknown> {
    return istioMonitor("PodMonitor", "istio-envoy", monitoringNamespace, {
        jobLabel: "envoy-stats",
        namespaceSelector: { any: true },
        // Injected pods (sidecars and gateways) carry this label; the rest have no Envoy.
        selector: { matchExpressions: [{ key: "security.istio.io/tlsMode", operator: "Exists" }] },
        podMetricsEndpoints: [{ port: "http-envoy-prom", path: "/stats/prometheus", interval: "15s" }],
    });
}

/** Scrapes istiod's control-plane metrics. */
export function istiodServiceMonitor(monitoringNamespace: pulumi.Input<string>, istioNamespace: string): Record<string, unknown> {
    return istioMonitor("ServiceMonitor", "istiod", monitoringNamespace, {
        jobLabel: "istio",
        namespaceSelector: { matchNames: [istioNamespace] },
        selector: { matchLabels: { istio: "pilot" } },
        endpoints: [{ port: "http-monitoring", interval: "15s" }],
    });
}
