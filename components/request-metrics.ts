/**
 * The per-pod request-rate metric, shared by the two sides that must agree on it: the
 * prometheus-adapter rule that serves it on the custom metrics API (monitoring/adapter.ts) and
 * the HorizontalPodAutoscalers that scale on it (workload/scaling.ts).
 */

/** custom.metrics.k8s.io name of the requests per second each pod's sidecar received. */
export const REQUESTS_PER_SECOND_METRIC = "istio_requests_per_second";

/** The Prometheus series it is computed from: Istio's request counter, as the serving pod's sidecar reports it. */
export const REQUESTS_SERIES = "istio_requests_total";
