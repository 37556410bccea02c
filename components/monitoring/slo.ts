/**
 * Service level objectives of one application and the PromQL that measures them, in one place:
 * the alert rules (alerts.ts) and the dashboard (dashboard.ts) read the same expressions, so a
 * panel never shows a different "success rate" from the one that pages.
 *
 * Two request objectives, deliberately distinct (both from Istio's destination-side metrics,
 * so every meshed app is measured without instrumenting it):
 * - availability: the share of requests the service answered without a server fault, i.e. not
 *   a 5xx and not a reset before any response (Istio's response_code "0"). It asks "was the
 *   service up?" and is what the platform's 99.9% target is written against.
 * - error rate: the share of requests that did not get what they asked for: any HTTP answer
 *   other than 2xx/3xx (4xx included: a 404 after a bad deploy or a 429 from an overloaded
 *   limiter hurts callers as much as a 500) or a gRPC status other than OK (gRPC errors travel
 *   inside HTTP 200). It asks "did the callers succeed?" and is never below the 5xx share.
 * Latency is a bound on p99, not a budget: it warns, it does not page.
 */
import { SLO_DEFAULTS } from "../../common/slo";
import { fail } from "../validation";
import { istioLatencyQuantile, istioRequestRate, num, SERVER_FAULT_CODES } from "../request-metrics";

export interface AppSlo {
    /** Share of requests answered without a server fault, e.g. 0.999. Default 0.999 (the platform's 99.9% target). */
    readonly availability?: number;
    /** Highest share of requests that may end in an error (non-2xx/3xx or a gRPC error), e.g. 0.001. Default 0.001 (< 0.1%). */
    readonly errorRate?: number;
    /** p99 request latency, in milliseconds, above which to warn. Default 1000. */
    readonly latencyP99Ms?: number;
}

export type ResolvedSlo = Required<AppSlo>;

/** The defaults, shared with the environment schema and the canary analysis (common/slo.ts). */
export { SLO_DEFAULTS };

/** The SLO with defaults applied; refuses values that would make every alert fire or none. */
export function validateSlo(slo: AppSlo | undefined, at = "slo"): ResolvedSlo {
    const availability = slo?.availability ?? SLO_DEFAULTS.availability;
    if (!(availability > 0.9 && availability < 1)) fail(`${at}.availability`, `${at}.availability ${availability} must be above 0.9 and below 1, e.g. 0.999 for 99.9%`);
    const errorRate = slo?.errorRate ?? SLO_DEFAULTS.errorRate;
    if (!(errorRate > 0 && errorRate <= 0.1)) fail(`${at}.errorRate`, `${at}.errorRate ${errorRate} must be above 0 and at most 0.1, e.g. 0.001 for < 0.1%`);
    const latencyP99Ms = slo?.latencyP99Ms ?? SLO_DEFAULTS.latencyP99Ms;
    if (!(latencyP99Ms > 0 && Number.isFinite(latencyP99Ms))) fail(`${at}.latencyP99Ms`, `${at}.latencyP99Ms ${latencyP99Ms} must be a positive number of milliseconds, e.g. 1000`);
    return { availability, errorRate, latencyP99Ms };
}

export { num };

/** The PromQL of an app's service level indicators, per rate window ("5m", "1h"). */
export interface SliQueries {
    /** The label matchers of the app's server-side request metrics. */
    readonly selector: string;
    /** Requests per second. */
    requestRate(window: string): string;
    /** Share of requests that failed availability (5xx or reset), 0..1. */
    unavailableRatio(window: string): string;
    /** Share of requests that were errors (non-2xx/3xx or a gRPC error), 0..1. */
    errorRatio(window: string): string;
    /** A latency quantile in milliseconds, e.g. quantile 0.99. */
    latencyQuantile(quantile: number, window: string): string;
}

export function sliQueries(namespace: string, app: string): SliQueries {
    // reporter="destination": counted by the app's own sidecar, so retries by a caller's sidecar
    // and requests that never left the caller do not count against the app.
    const selector = `reporter="destination", destination_workload_namespace="${namespace}", destination_workload="${app}"`;
    const rate = (extra: string, w: string) => istioRequestRate(selector, w, extra);
    const requestRate = (w: string) => rate("", w);
    return {
        selector,
        requestRate,
        unavailableRatio: (w) => `(${rate(`, response_code=~"${SERVER_FAULT_CODES}"`, w)} / ${requestRate(w)})`,
        // Two disjoint series sets (HTTP errors; gRPC errors inside HTTP 2xx/3xx), each "or vector(0)"
        // so that one empty set does not empty the sum.
        errorRatio: (w) => `((${rate(', response_code!~"[23].."', w)} or vector(0)) + (${rate(', response_code=~"[23]..", grpc_response_status!~"0|"', w)} or vector(0))) / ${requestRate(w)}`,
        latencyQuantile: (q, w) => istioLatencyQuantile(selector, q, w),
    };
}
