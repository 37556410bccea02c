/**
 * Progressive delivery of a workload with Argo Rollouts (installed by the mesh layer): the pods
 * run from an argoproj.io/v1alpha1 Rollout with the Deployment's own pod template, and a new
 * revision is a canary. At each step Argo Rollouts sets the canary's weight on the app's Istio
 * VirtualService (host-level split: a stable and a canary Service), then runs an analysis that
 * asks Prometheus, `count` times `interval` apart, for the canary's success rate and p99 latency
 * as the receiving sidecars report them. More than `failureLimit` failed measurements abort the
 * rollout: the weight goes back to 0 and the canary pods are scaled away; a step that passes is
 * followed by the next, and after the last every request goes to the new revision.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppSettings } from "./args";
import { canaryServiceName, podTemplate, type WorkloadParts } from "./deployment";
import { canaryGate, looserThanSlo, SLO_DEFAULTS, type CanaryObjectives } from "../../common/slo";
import { checkInt, fail } from "../validation";
import { istioLatencyQuantile, istioRequestRate, SERVER_FAULT_CODES } from "../request-metrics";
import { reportFromStatus, type RolloutReport } from "./rollout-status";

export { reportFromStatus, type RolloutReport } from "./rollout-status";

/** The VirtualService route Argo Rollouts shifts weights on (named, as its Istio integration requires). */
export const CANARY_ROUTE = "primary";

/**
 * Tells the Pulumi Kubernetes provider to wait, after it applies the Rollout, until the controller
 * reports a terminal phase: "Healthy" (every step passed, the new revision is stable) or
 * "Degraded" (aborted by a failed analysis, or no progress within progressDeadlineSeconds). An
 * RFC 9535 filter is the provider's only OR: it matches any member of `.status` equal to either
 * word (pulumi/pulumi-kubernetes#3521, #4525); `status.message` is free text but never exactly
 * one word, and the app's output reads `.status.phase` itself, so a stray match is still
 * reported as the phase it is. "Paused" does not occur: the steps hold no pause, only analyses.
 */
export const ROLLOUT_WAIT_FOR = 'jsonpath={.status[?@ == "Healthy" || @ == "Degraded"]}';

export interface AppAnalysis {
    /** Seconds between two measurements. Default 20 (the abort arithmetic is in environments/schema.ts). */
    readonly intervalSeconds?: number;
    /** Measurements per step; a step holds for count x intervalSeconds. Default 3. */
    readonly count?: number;
    /** Failed measurements tolerated per step; one more aborts. Default 1: one bad scrape is noise, two are not. */
    readonly failureLimit?: number;
    /**
     * Share of the canary's requests that must be answered without a server fault (not 5xx, not
     * reset before a response, as availability counts them). Default `slo.availability`; below it is
     * refused, since a revision that passes could miss the objective (common/slo.ts).
     */
    readonly successRate?: number;
    /** p99 latency bound of the canary in milliseconds. Default `slo.latencyP99Ms`; above it is refused. */
    readonly maxP99LatencyMs?: number;
}

export interface AppProgressiveDelivery {
    /** Canary weights in percent, rising, each 1-99; every request goes to the new revision after the last. */
    readonly steps: readonly number[];
    /** Prometheus base URL the analysis queries (the monitoring layer's prometheusUrl). */
    readonly prometheusUrl: pulumi.Input<string>;
    readonly analysis?: AppAnalysis;
    /**
     * The app's objectives, which the analysis protects: its thresholds default to them and may
     * be tighter, never looser. Default the SLO defaults (99.9%, 1000 ms), as for the SLO alerts;
     * pass the same objectives the app's AppAlertRules get.
     */
    readonly slo?: Partial<CanaryObjectives>;
    /** Seconds `pulumi up` waits for the Rollout to become Healthy or Degraded. Default 900. */
    readonly timeoutSeconds?: number;
}

export interface DeliverySettings {
    readonly steps: number[];
    readonly prometheusUrl: pulumi.Input<string>;
    readonly intervalSeconds: number;
    readonly count: number;
    readonly failureLimit: number;
    readonly successRate: number;
    readonly maxP99LatencyMs: number;
    readonly timeoutSeconds: number;
}

/** Validates the delivery settings of app `name`; `meshed` says whether it has a VirtualService to split traffic on. */
export function validateProgressiveDelivery(name: string, d: AppProgressiveDelivery, meshed: boolean): DeliverySettings {
    if (!meshed) fail("progressiveDelivery", `progressiveDelivery needs mesh (a VirtualService to shift canary traffic on) for app "${name}"; set mesh or drop progressiveDelivery`);
    if (canaryServiceName(name).length > 63) fail("name", `name "${name}" leaves no room for its canary Service "${canaryServiceName(name)}" (63 characters at most); shorten it`);
    if (d.steps.length === 0) fail("progressiveDelivery.steps", "progressiveDelivery.steps is empty; list rising canary weights such as [10, 25, 50]");
    d.steps.forEach((w, i) => {
        checkInt(`progressiveDelivery.steps[${i}]`, w, 1, 99, "use a canary weight in percent, 1-99");
        if (i > 0 && w <= d.steps[i - 1]) fail(`progressiveDelivery.steps[${i}]`, `progressiveDelivery.steps[${i}] ${w} does not rise above ${d.steps[i - 1]}; list rising weights such as [10, 25, 50]`);
    });
    if (typeof d.prometheusUrl === "string" && !/^https?:\/\/[^\s/]+/.test(d.prometheusUrl)) {
        fail("progressiveDelivery.prometheusUrl", `progressiveDelivery.prometheusUrl "${d.prometheusUrl}" is not an http(s) URL; give the monitoring layer's prometheusUrl`);
    }
    const a = d.analysis ?? {};
    const slo: CanaryObjectives = { availability: d.slo?.availability ?? SLO_DEFAULTS.availability, latencyP99Ms: d.slo?.latencyP99Ms ?? SLO_DEFAULTS.latencyP99Ms };
    const gate = canaryGate(slo, a);
    const out: DeliverySettings = {
        steps: [...d.steps],
        prometheusUrl: d.prometheusUrl,
        intervalSeconds: a.intervalSeconds ?? 20,
        count: a.count ?? 3,
        failureLimit: a.failureLimit ?? 1,
        successRate: gate.successRate,
        maxP99LatencyMs: gate.maxP99LatencyMs,
        timeoutSeconds: d.timeoutSeconds ?? 900,
    };
    checkInt("progressiveDelivery.analysis.intervalSeconds", out.intervalSeconds, 10, 300, "use 10-300 seconds");
    checkInt("progressiveDelivery.analysis.count", out.count, 1, 60, "use 1-60 measurements per step");
    checkInt("progressiveDelivery.analysis.failureLimit", out.failureLimit, 0, out.count - 1, `use 0-${out.count - 1}: below count, or a step can never fail`);
    // A threshold left out is the objective itself, so an impossible one names the objective.
    const rateAt = a.successRate === undefined ? "progressiveDelivery.slo.availability" : "progressiveDelivery.analysis.successRate";
    if (!(out.successRate >= 0.5 && out.successRate <= 1)) fail(rateAt, `${rateAt} ${out.successRate} must be from 0.5 to 1, e.g. 0.999`);
    const p99At = a.maxP99LatencyMs === undefined ? "progressiveDelivery.slo.latencyP99Ms" : "progressiveDelivery.analysis.maxP99LatencyMs";
    if (!(out.maxP99LatencyMs > 0 && Number.isFinite(out.maxP99LatencyMs))) fail(p99At, `${p99At} ${out.maxP99LatencyMs} must be a positive number of milliseconds, e.g. 1000`);
    for (const { field, problem } of looserThanSlo(a, slo, "progressiveDelivery.slo")) {
        fail(`progressiveDelivery.analysis.${field}`, `progressiveDelivery.analysis.${field} ${a[field]} ${problem}`);
    }
    checkInt("progressiveDelivery.timeoutSeconds", out.timeoutSeconds, 60, 7200, "use 60-7200 seconds");
    return out;
}

/** Istio's request metrics for the canary Service, as the canary's own sidecars report them. */
function canarySelector(s: AppSettings, namespace: string): string {
    return `reporter="destination",destination_service_name="${canaryServiceName(s.name)}",destination_service_namespace="${namespace}"`;
}

/**
 * The two PromQL queries, over a 1 minute window (4 scrapes of Envoy's 15 s): both return one
 * value, and a value that passes when the canary has received no request at all (nothing to
 * judge; an idle environment must still roll out), instead of an empty result or NaN, which
 * the analysis would count as errors.
 */
export function analysisQueries(s: AppSettings, namespace: string): { successRate: string; p99LatencyMs: string } {
    const sel = canarySelector(s, namespace);
    const all = istioRequestRate(sel, "1m");
    // The faults the availability SLI counts, since the gate defaults to the availability objective.
    const errors = istioRequestRate(sel, "1m", `,response_code=~"${SERVER_FAULT_CODES}"`);
    return {
        // 1 - faults/all; "or vector(0)": no fault series yet is no fault; "> 0": no request is no judgement.
        successRate: `(1 - ((${errors} or vector(0)) / (${all} > 0))) or vector(1)`,
        // histogram_quantile is NaN without requests; NaN >= 0 is false, so that falls to 0 ms.
        p99LatencyMs: `(${istioLatencyQuantile(sel, 0.99, "1m")} >= 0) or vector(0)`,
    };
}

/** The app's AnalysisTemplate: success rate and p99 latency of the canary, from Prometheus. */
export function createAnalysisTemplate(name: string, namespace: pulumi.Input<string>, s: AppSettings, d: DeliverySettings, parent: pulumi.Resource): k8s.apiextensions.CustomResource {
    const metric = (metricName: string, condition: string, query: pulumi.Input<string>) => ({
        name: metricName,
        interval: `${d.intervalSeconds}s`,
        count: d.count,
        failureLimit: d.failureLimit,
        // Prometheus unreachable is not a healthy canary either: a third error in a row fails the step.
        consecutiveErrorLimit: 2,
        successCondition: condition,
        provider: { prometheus: { address: d.prometheusUrl, query, timeout: 10 } },
    });
    const queries = pulumi.output(namespace).apply((ns) => analysisQueries(s, ns));
    return new k8s.apiextensions.CustomResource(`${name}-analysis`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: { name: analysisTemplateName(s.name), namespace, labels: s.labels },
        spec: {
            metrics: [
                metric("success-rate", `result[0] >= ${d.successRate}`, queries.successRate),
                metric("p99-latency", `result[0] < ${d.maxP99LatencyMs}`, queries.p99LatencyMs),
            ],
        },
    }, { parent });
}

export function analysisTemplateName(app: string): string {
    return `${app}-canary-health`;
}

/**
 * The Rollout. Like the Deployment, `spec.replicas` is the HorizontalPodAutoscaler's after
 * creation. maxUnavailable 0: the canary's pods are added before any stable pod goes, and an
 * abort scales the canary down only after the weight is back on the stable pods.
 */
export function createRollout(
    name: string,
    parts: WorkloadParts,
    serviceAccount: k8s.core.v1.ServiceAccount,
    d: DeliverySettings,
    routing: { stableService: pulumi.Input<string>; canaryService: pulumi.Input<string>; virtualService: pulumi.Input<string> },
    deps: pulumi.Resource[],
    parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
    const s = parts.settings;
    const steps = d.steps.flatMap((weight) => [
        { setWeight: weight },
        { analysis: { templates: [{ templateName: analysisTemplateName(s.name) }] } },
    ]);
    return new k8s.apiextensions.CustomResource(`${name}-rollout`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: {
            name: s.name,
            namespace: parts.namespace,
            labels: s.labels,
            annotations: { "pulumi.com/waitFor": ROLLOUT_WAIT_FOR, "pulumi.com/timeoutSeconds": String(d.timeoutSeconds) },
        },
        spec: {
            replicas: s.replicas,
            revisionHistoryLimit: 10,
            // A revision whose pods do not become ready in 2 minutes is aborted, not left half-rolled.
            progressDeadlineSeconds: 120,
            progressDeadlineAbort: true,
            selector: { matchLabels: s.selector },
            template: podTemplate(parts, serviceAccount, "rollouts-pod-template-hash"),
            strategy: {
                canary: {
                    stableService: routing.stableService,
                    canaryService: routing.canaryService,
                    maxSurge: "25%",
                    maxUnavailable: 0,
                    // After an abort the canary pods stay 30 s, so requests already on them finish.
                    abortScaleDownDelaySeconds: 30,
                    trafficRouting: { istio: { virtualService: { name: routing.virtualService, routes: [CANARY_ROUTE] } } },
                    steps,
                },
            },
        },
        // Output-only, as the SDK's own typed resources declare it: the provider returns the live
        // status it read when its wait ended, and rolloutReport reads it from there.
        status: undefined,
    }, { parent, dependsOn: deps, ignoreChanges: ["spec.replicas"] });
}

/** The Rollout's status as the provider read it at the end of its wait. */
export function rolloutReport(rollout: k8s.apiextensions.CustomResource): pulumi.Output<RolloutReport> {
    const status = (rollout as unknown as { status: pulumi.Output<unknown> }).status;
    return pulumi.all([status, rollout.metadata]).apply(([raw, metadata]) => reportFromStatus(raw, (metadata as { generation?: unknown } | undefined)?.generation));
}
