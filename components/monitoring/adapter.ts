/**
 * prometheus-adapter (prometheus-community chart), which serves Prometheus queries on the
 * Kubernetes custom metrics API (custom.metrics.k8s.io) so a HorizontalPodAutoscaler can scale
 * on requests per second per pod. Chosen over KEDA because it adds no CRDs and no second
 * scaling controller: the HPAs stay plain autoscaling/v2 objects that the policy pack and the
 * schema check already read, and the HPA controller still does all the scaling.
 *
 * Values follow chart 4.11.0 (adapter v0.12.0). Only one rule is served (`rules.default: false`):
 * the default rule set turns every container_* and *_total series into a metric, which makes
 * the adapter list thousands of metrics on every relist for nothing an HPA here reads.
 * `rules.resource` stays unset, so the adapter does not take over metrics.k8s.io from
 * metrics-server (which the CPU target reads).
 */
import { REQUESTS_PER_SECOND_METRIC, REQUESTS_SERIES } from "../request-metrics";
import type { ResolvedMonitoringArgs } from "./args";
import { containerSecurityContext, monitoringEndpoints, podSecurityContext } from "./values";

/** Helm release name (and fullnameOverride): the Service the APIService points at. */
export const ADAPTER_RELEASE_NAME = "prometheus-adapter";

/** The adapter's image runs as this uid (the chart's own default). */
const ADAPTER_UID = 10001;

/** One prometheus-adapter discovery rule (docs/config.md of kubernetes-sigs/prometheus-adapter). */
export interface AdapterRule {
    seriesQuery: string;
    resources: { overrides: Record<string, { resource: string }> };
    name: { matches: string; as: string };
    metricsQuery: string;
}

/**
 * The per-pod requests-per-second rule. Series of Istio's request counter reported by the
 * serving pod's own sidecar (reporter="destination"), whose `namespace` and `pod` labels (set by
 * the mesh layer's PodMonitor from the scraped pod) map to the pod resource. An HPA's `Pods`
 * metric then asks for the average over the Deployment's pods. The 1m window holds four scrapes
 * at the PodMonitor's 15 s interval: short enough to follow a burst, long enough to be a rate.
 */
export function requestsPerSecondRule(): AdapterRule {
    return {
        seriesQuery: `${REQUESTS_SERIES}{reporter="destination", namespace!="", pod!=""}`,
        resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
        name: { matches: `^${REQUESTS_SERIES}$`, as: REQUESTS_PER_SECOND_METRIC },
        metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>, reporter="destination"}[1m])) by (<<.GroupBy>>)',
    };
}

/** prometheus-adapter chart values. */
export function prometheusAdapterValues(a: ResolvedMonitoringArgs): Record<string, unknown> {
    // The chart appends ":<port>" to the URL; kps-prometheus listens on 9090.
    const prometheus = new URL(monitoringEndpoints(a.namespace).prometheusUrl);
    return {
        fullnameOverride: ADAPTER_RELEASE_NAME,
        replicas: a.metricsAdapter.replicas,
        prometheus: { url: `${prometheus.protocol}//${prometheus.hostname}`, port: Number(prometheus.port), path: "" },
        metricsRelistInterval: "1m",
        rules: { default: false, custom: [requestsPerSecondRule()], external: [] },
        resources: { requests: { ...a.metricsAdapter.resources.requests }, limits: { ...a.metricsAdapter.resources.limits } },
        podSecurityContext: podSecurityContext(ADAPTER_UID),
        securityContext: { ...containerSecurityContext(true), runAsNonRoot: true, runAsUser: ADAPTER_UID, seccompProfile: { type: "RuntimeDefault" } },
        // Two replicas keep the metric served through a node drain; one is a single point the
        // HPAs then scale without (CPU only) until it returns.
        podDisruptionBudget: { enabled: a.metricsAdapter.replicas > 1, maxUnavailable: 1 },
    };
}
