/**
 * The Istio request metrics, shared by the sides that must agree on them: the per-pod
 * request-rate metric of the prometheus-adapter rule that serves it on the custom metrics API
 * (monitoring/adapter.ts) and the HorizontalPodAutoscalers that scale on it (workload/scaling.ts);
 * the series and fault codes of the SLO queries (monitoring/slo.ts) and the canary analysis
 * (workload/rollout.ts).
 */

/** custom.metrics.k8s.io name of the requests per second each pod's sidecar received. */
export const REQUESTS_PER_SECOND_METRIC = "istio_requests_per_second";

/** The Prometheus series it is computed from: Istio's request counter, as the serving pod's sidecar reports it. */
export const REQUESTS_SERIES = "istio_requests_total";

/**
 * Istio `response_code`s that count against availability: a 5xx, or 0 (the request was reset
 * before any response). The availability SLI (monitoring/slo.ts) and the canary's success rate
 * (workload/rollout.ts), which is gated on the availability objective, count the same ones.
 */
export const SERVER_FAULT_CODES = "5..|0";

/** A number as PromQL writes it: no float noise (0.0144, not 0.014400000000000001). */
export function num(x: number): string {
    return String(Number(x.toPrecision(6)));
}

/**
 * Requests per second matching `selector` (the label matchers of Istio's request metrics) over
 * `window`; `extra` adds matchers, starting with a comma. One builder for the SLO queries
 * (monitoring/slo.ts) and the canary analysis (workload/rollout.ts), so both read one series.
 */
export function istioRequestRate(selector: string, window: string, extra = ""): string {
    return `sum(rate(${REQUESTS_SERIES}{${selector}${extra}}[${window}]))`;
}

/** A request latency quantile in milliseconds (0.99 for p99) of the requests matching `selector`. */
export function istioLatencyQuantile(selector: string, quantile: number, window: string): string {
    return `histogram_quantile(${num(quantile)}, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${selector}}[${window}])))`;
}
