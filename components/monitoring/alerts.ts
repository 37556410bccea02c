/**
 * Alerting rules for one application, as a PrometheusRule the Prometheus Operator loads:
 * error-budget burn against the availability and the error-rate objectives (multi-window,
 * multi-burn-rate, after the Google SRE workbook), p99 latency above its bound, pod restarts,
 * unavailable replicas and an autoscaler pinned at its ceiling. Request metrics come from the
 * Istio sidecars (slo.ts), so every meshed app is covered without instrumenting it. Every alert
 * carries a `runbook_url` to its section of docs/runbooks.md (test/components/slo.test.ts
 * holds each link to a heading that exists).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { RUNBOOKS_PATH, withRunbooks, type AlertRule } from "../alerting";
import { DNS_LABEL, fail } from "../validation";
import { type AppSlo, type ResolvedSlo, num, sliQueries, validateSlo } from "./slo";

export type { AppSlo } from "./slo";


export interface AppAlertRulesArgs {
    /** Namespace of the app (and of the rule). Plain, because it is written into the PromQL. */
    readonly namespace: string;
    /** The app's Deployment name; also the destination_workload in Istio metrics. */
    readonly app: string;
    /** Labels the app's Deployment selects its pods with (matched through kube_pod_labels). */
    readonly selector: Record<string, string>;
    /** Objectives; each field defaults as documented in slo.ts (99.9%, < 0.1%, p99 1000 ms). */
    readonly slo?: AppSlo;
    /** Container restarts in 15 minutes that raise an alert. Default 3 (one restart can be a deploy). */
    readonly maxRestarts?: number;
    /**
     * Base of every runbook_url, without "#": the rendered runbooks file, e.g.
     * "https://git.example.com/platform/blob/main/docs/runbooks.md". Default RUNBOOKS_PATH, the
     * file's path in this repository, which is right for readers of the repo and for nobody else:
     * set it to where the file is browsable.
     */
    readonly runbookBaseUrl?: string;
    /**
     * Labels on the PrometheusRule. Default { release: "kube-prometheus-stack" }: the label the
     * chart's own rule selector matches, so the rule is loaded even if the stack is ever switched
     * back from selecting every rule to selecting only its release's.
     */
    readonly ruleLabels?: Record<string, string>;
}

export interface ResolvedAlertRulesArgs {
    readonly namespace: string;
    readonly app: string;
    readonly selector: Record<string, string>;
    readonly slo: ResolvedSlo;
    readonly maxRestarts: number;
    readonly runbookBaseUrl: string;
    readonly ruleLabels: Record<string, string>;
}


const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Validates the arguments and returns them with defaults applied. */
export function validateAppAlertRulesArgs(args: AppAlertRulesArgs): ResolvedAlertRulesArgs {
    if (!DNS_LABEL.test(args.namespace ?? "")) fail("namespace", `namespace "${args.namespace}" is not a DNS label; use e.g. "apps"`);
    if (!DNS_LABEL.test(args.app ?? "") || args.app.length > 50) fail("app", `app "${args.app}" is not a DNS label of at most 50 characters; use the Deployment's name`);
    const entries = Object.entries(args.selector ?? {});
    if (entries.length === 0) fail("selector", "selector is empty; give the labels the app's Deployment selects its pods with, e.g. { app: \"web\" }");
    for (const [k, v] of entries) {
        if (!LABEL_KEY.test(k)) fail(`selector.${k}`, `selector key "${k}" is not a Kubernetes label key`);
        if (!LABEL_VALUE.test(v)) fail(`selector.${k}`, `selector value "${v}" for "${k}" is not a Kubernetes label value`);
    }
    const slo = validateSlo(args.slo);
    const restarts = args.maxRestarts ?? 3;
    if (!Number.isInteger(restarts) || restarts < 1) fail("maxRestarts", `maxRestarts ${restarts} must be a whole number of at least 1`);
    const runbookBaseUrl = args.runbookBaseUrl ?? RUNBOOKS_PATH;
    if (runbookBaseUrl === "" || /[#\s]/.test(runbookBaseUrl)) fail("runbookBaseUrl", `runbookBaseUrl "${runbookBaseUrl}" must be a URL or path without "#" or spaces, e.g. "https://git.example.com/platform/blob/main/docs/runbooks.md"`);
    return { namespace: args.namespace, app: args.app, selector: args.selector, slo, maxRestarts: restarts, runbookBaseUrl, ruleLabels: args.ruleLabels ?? { release: "kube-prometheus-stack" } };
}

/** kube-state-metrics' name for a pod label: "app.kubernetes.io/name" -> "label_app_kubernetes_io_name". */
export function kubePodLabelName(key: string): string {
    return `label_${key.replace(/[^A-Za-z0-9_]/g, "_")}`;
}


/** Burn-rate windows and factors: (long, short, factor, for, severity). */
const BURNS = [
    // 14.4x the budget over 1h (and still over the last 5m) spends 2% of a 30-day budget in an hour: page.
    { speed: "Fast", long: "1h", short: "5m", factor: 14.4, for: "2m", severity: "critical" },
    // 6x over 6h and 30m spends 5% in six hours: a ticket, not a page.
    { speed: "Slow", long: "6h", short: "30m", factor: 6, for: "15m", severity: "warning" },
] as const;

/**
 * The rules, as plain data. The short window of each burn-rate pair makes an alert stop soon
 * after the failures stop, instead of an hour later.
 */
export function appAlertRules(args: ResolvedAlertRulesArgs): AlertRule[] {
    const { namespace, app, slo } = args;
    const q = sliQueries(namespace, app);
    const podSelector = [`namespace="${namespace}"`, ...Object.entries(args.selector).map(([k, v]) => `${kubePodLabelName(k)}="${v}"`)].join(", ");
    const labels = (severity: string) => ({ severity, namespace, app });
    const pct = (x: number) => `${num(x * 100)}%`;
    const objectives = [
        { name: "Availability", ratio: q.unavailableRatio, budget: 1 - slo.availability, what: "5xx/reset ratio", goal: `its ${pct(slo.availability)} availability objective` },
        { name: "ErrorRate", ratio: q.errorRatio, budget: slo.errorRate, what: "error ratio (non-2xx/3xx or gRPC errors)", goal: `its error-rate objective of ${pct(slo.errorRate)}` },
    ];
    const rules: AlertRule[] = [];
    for (const o of objectives) {
        for (const b of BURNS) {
            const threshold = num(b.factor * o.budget);
            rules.push({
                alert: `App${o.name}${b.speed}Burn`,
                expr: `(${o.ratio(b.long)}) > ${threshold} and (${o.ratio(b.short)}) > ${threshold}`,
                for: b.for,
                labels: labels(b.severity),
                annotations: {
                    summary: `${app} is ${b.speed === "Fast" ? "burning its error budget fast enough to miss" : "spending its error budget too fast for"} ${o.goal}`,
                    description: `The ${o.what} of ${namespace}/${app} is above ${b.factor}x its budget (${threshold}) over ${b.long} and ${b.short}.`,
                },
            });
        }
    }
    rules.push(
        {
            alert: "AppLatencyP99High",
            expr: `${q.latencyQuantile(0.99, "5m")} > ${num(slo.latencyP99Ms)}`,
            for: "10m",
            labels: labels("warning"),
            annotations: {
                summary: `${app} p99 latency is above its ${num(slo.latencyP99Ms)}ms bound`,
                description: `p99 request latency of ${namespace}/${app} is {{ $value | humanize }}ms.`,
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
            // Counted from the pods (ready condition false, selected by the app's labels), not from
            // kube_deployment_*: with progressive delivery an Argo Rollout runs the pods and no
            // Deployment exists, and the pod view holds for both controllers.
            alert: "AppReplicasUnavailable",
            expr: `sum(max by (namespace, pod) (kube_pod_status_ready{namespace="${namespace}", condition="false"}) * on (namespace, pod) max by (namespace, pod) (kube_pod_labels{${podSelector}})) > 0`,
            for: "10m",
            labels: labels("warning"),
            annotations: {
                summary: `${app} has had unavailable replicas for 10 minutes`,
                description: `{{ $value }} replicas of ${namespace}/${app} are unavailable; check scheduling, image pulls and readiness.`,
            },
        },
        {
            // At its ceiling the autoscaler cannot add capacity any more: the next step up in load
            // becomes latency and errors.
            alert: "AppAutoscalerAtMax",
            expr: `kube_horizontalpodautoscaler_status_current_replicas{namespace="${namespace}", horizontalpodautoscaler="${app}"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="${namespace}", horizontalpodautoscaler="${app}"}`,
            for: "15m",
            labels: labels("warning"),
            annotations: {
                summary: `${app} has run at its autoscaler's maximum replicas for 15 minutes`,
                description: `The HorizontalPodAutoscaler of ${namespace}/${app} is at maxReplicas ({{ $value }}); raise autoscaling.maxReplicas or find what drives the load.`,
            },
        },
    );
    return withRunbooks(rules, args.runbookBaseUrl);
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
