/**
 * Alerting rules for one application, as a PrometheusRule the Prometheus Operator loads:
 * error-budget burn against the availability target (multi-window, multi-burn-rate, after the
 * Google SRE workbook), pod restarts, unavailable replicas and p95 latency. Request metrics come
 * from the Istio sidecars, so every meshed app is covered without instrumenting it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DNS_LABEL, fail } from "../validation";

export interface AppAlertRulesArgs {
    /** Namespace of the app (and of the rule). Plain, because it is written into the PromQL. */
    readonly namespace: string;
    /** The app's Deployment name; also the destination_workload in Istio metrics. */
    readonly app: string;
    /** Labels the app's Deployment selects its pods with (matched through kube_pod_labels). */
    readonly selector: Record<string, string>;
    /** Share of requests that must succeed, e.g. 0.999. Default 0.999 (the platform's 99.9% target). */
    readonly availabilityTarget?: number;
    /** p95 request latency, in milliseconds, above which to warn. Default 500. */
    readonly latencyP95Ms?: number;
    /** Container restarts in 15 minutes that raise an alert. Default 3 (one restart can be a deploy). */
    readonly maxRestarts?: number;
    /**
     * Labels on the PrometheusRule. Default { release: "kube-prometheus-stack" }: the label the
     * chart's own rule selector matches, so the rule is loaded even if the stack is ever switched
     * back from selecting every rule to selecting only its release's.
     */
    readonly ruleLabels?: Record<string, string>;
}

/** One Prometheus alerting rule. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Validates the arguments and returns them with defaults applied. */
export function validateAppAlertRulesArgs(args: AppAlertRulesArgs): Required<AppAlertRulesArgs> {
    if (!DNS_LABEL.test(args.namespace ?? "")) fail("namespace", `namespace "${args.namespace}" is not a DNS label; use e.g. "apps"`);
    if (!DNS_LABEL.test(args.app ?? "") || args.app.length > 50) fail("app", `app "${args.app}" is not a DNS label of at most 50 characters; use the Deployment's name`);
    const entries = Object.entries(args.selector ?? {});
    if (entries.length === 0) fail("selector", "selector is empty; give the labels the app's Deployment selects its pods with, e.g. { app: \"web\" }");
    for (const [k, v] of entries) {
        if (!LABEL_KEY.test(k)) fail(`selector.${k}`, `selector key "${k}" is not a Kubernetes label key`);
        if (!LABEL_VALUE.test(v)) fail(`selector.${k}`, `selector value "${v}" for "${k}" is not a Kubernetes label value`);
    }
    const target = args.availabilityTarget ?? 0.999;
    if (!(target > 0.9 && target < 1)) fail("availabilityTarget", `availabilityTarget ${target} must be above 0.9 and below 1, e.g. 0.999 for 99.9%`);
    const latency = args.latencyP95Ms ?? 500;
    if (!(latency > 0 && Number.isFinite(latency))) fail("latencyP95Ms", `latencyP95Ms ${latency} must be a positive number of milliseconds, e.g. 500`);
    const restarts = args.maxRestarts ?? 3;
    if (!Number.isInteger(restarts) || restarts < 1) fail("maxRestarts", `maxRestarts ${restarts} must be a whole number of at least 1`);
    return { ...args, availabilityTarget: target, latencyP95Ms: latency, maxRestarts: restarts, ruleLabels: args.ruleLabels ?? { release: "kube-prometheus-stack" } };
}

/** kube-state-metrics' name for a pod label: "app.kubernetes.io/name" -> "label_app_kubernetes_io_name". */
export function kubePodLabelName(key: string): string {
    return `label_${key.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function num(x: number): string {
    return String(Number(x.toPrecision(6)));
}

/**
 * The rules, as plain data. Burn-rate pairs: a fast burn (14.4x the budget over 1h and 5m
 * spends 2% of a 30-day budget in an hour) pages; a slow burn (6x over 6h and 30m) warns. The
 * short window makes an alert stop soon after the errors stop.
 */
export function appAlertRules(args: Required<AppAlertRulesArgs>): AlertRule[] {
    const { namespace, app } = args;
    const budget = 1 - args.availabilityTarget;
    const requests = `reporter="destination", destination_workload_namespace="${namespace}", destination_workload="${app}"`;
    const errorRatio = (w: string) =>
        `(sum(rate(istio_requests_total{${requests}, response_code=~"5.."}[${w}])) / sum(rate(istio_requests_total{${requests}}[${w}])))`;
    const burn = (long: string, short: string, factor: number) => `${errorRatio(long)} > ${num(factor * budget)} and ${errorRatio(short)} > ${num(factor * budget)}`;
    const podSelector = [`namespace="${namespace}"`, ...Object.entries(args.selector).map(([k, v]) => `${kubePodLabelName(k)}="${v}"`)].join(", ");
    const labels = (severity: string) => ({ severity, namespace, app });
    const target = `${num(args.availabilityTarget * 100)}%`;
    return [
        {
            alert: "AppErrorBudgetFastBurn",
            expr: burn("1h", "5m", 14.4),
            for: "2m",
            labels: labels("critical"),
            annotations: {
                summary: `${app} is failing requests fast enough to miss its ${target} availability target`,
                description: `5xx ratio of ${namespace}/${app} is above 14.4x its error budget over 1h and 5m.`,
            },
        },
        {
            alert: "AppErrorBudgetSlowBurn",
            expr: burn("6h", "30m", 6),
            for: "15m",
            labels: labels("warning"),
            annotations: {
                summary: `${app} is spending its error budget too fast for a ${target} availability target`,
                description: `5xx ratio of ${namespace}/${app} is above 6x its error budget over 6h and 30m.`,
            },
        },
        {
            alert: "AppPodRestarting",
            expr: `(sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace="${namespace}"}[15m])) * on (namespace, pod) max by (namespace, pod) (kube_pod_labels{${podSelector}})) > ${args.maxRestarts}`,
            for: "1m",
            labels: labels("warning"),
            annotations: {
                summary: `A pod of ${app} restarted more than ${args.maxRestarts} times in 15 minutes`,
                description: "Pod {{ $labels.pod }} restarted {{ $value | humanize }} times in 15 minutes; check its logs and probes.",
            },
        },
        {
            alert: "AppReplicasUnavailable",
            expr: `kube_deployment_status_replicas_unavailable{namespace="${namespace}", deployment="${app}"} > 0`,
            for: "10m",
            labels: labels("warning"),
            annotations: {
                summary: `${app} has had unavailable replicas for 10 minutes`,
                description: `{{ $value }} replicas of ${namespace}/${app} are unavailable; check scheduling, image pulls and readiness.`,
            },
        },
        {
            alert: "AppLatencyP95High",
            expr: `histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${requests}}[5m]))) > ${num(args.latencyP95Ms)}`,
            for: "10m",
            labels: labels("warning"),
            annotations: {
                summary: `${app} p95 latency is above ${num(args.latencyP95Ms)}ms`,
                description: `p95 request latency of ${namespace}/${app} is {{ $value | humanize }}ms.`,
            },
        },
    ];
}

/** A PrometheusRule with an app's alerting rules. */
export class AppAlertRules extends pulumi.ComponentResource {
    /** Name of the PrometheusRule. */
    public readonly ruleName: pulumi.Output<string>;

    constructor(name: string, args: AppAlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:monitoring:AppAlertRules", name, {}, opts);
        const a = validateAppAlertRulesArgs(args);
        const rule = new k8s.apiextensions.CustomResource(`${name}-rule`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: {
                name: `${a.app}-alerts`,
                namespace: a.namespace,
                labels: { ...a.ruleLabels, "app.kubernetes.io/name": a.app, "app.kubernetes.io/component": "alert-rules" },
            },
            spec: { groups: [{ name: `${a.namespace}.${a.app}.rules`, rules: appAlertRules(a) }] },
        }, { parent: this });
        this.ruleName = rule.metadata.name;
        this.registerOutputs({ ruleName: this.ruleName });
    }
}
