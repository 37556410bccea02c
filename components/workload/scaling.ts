/**
 * Capacity of the workload: the HorizontalPodAutoscaler that scales it on CPU and, where the
 * custom metrics API serves it, on requests per second per pod; the PodDisruptionBudget that
 * keeps it serving through node drains; and an optional VerticalPodAutoscaler that only
 * recommends requests.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { REQUESTS_PER_SECOND_METRIC } from "../request-metrics";
import type { AppSettings } from "./args";

/** The object whose replicas the autoscalers drive: the app's Deployment, or its Argo Rollout (which serves the scale subresource). */
export interface ScaleTarget {
    readonly apiVersion: "apps/v1" | "argoproj.io/v1alpha1";
    readonly kind: "Deployment" | "Rollout";
    readonly name: pulumi.Input<string>;
}

type HpaMetric = k8s.types.input.autoscaling.v2.MetricSpec;

/**
 * The HPA's metrics: CPU utilisation always (the signal every pod has), and the average
 * requests per second per pod when a target is set. The HPA computes a replica count for each
 * and takes the largest; if the request metric cannot be read (adapter down), it still scales
 * up on CPU and holds off scaling down, so an adapter outage never removes pods.
 */
export function autoscalerMetrics(s: AppSettings): HpaMetric[] {
    const metrics: HpaMetric[] = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.cpuUtilization } } }];
    if (s.requestsPerSecond !== undefined) {
        metrics.push({
            type: "Pods",
            // A quantity: "50" requests/s, or "2500m" for 2.5 (the API server rejects a plain float).
            pods: { metric: { name: REQUESTS_PER_SECOND_METRIC }, target: { type: "AverageValue", averageValue: milliQuantity(s.requestsPerSecond) } },
        });
    }
    return metrics;
}

/** A number as a Kubernetes quantity, exact to a thousandth: 50 -> "50", 2.5 -> "2500m". */
export function milliQuantity(x: number): string {
    const milli = Math.round(x * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Scales the workload between minReplicas and maxReplicas on CPU and, when set, request rate. */
export function createAutoscaler(name: string, namespace: pulumi.Input<string>, s: AppSettings, target: ScaleTarget, parent: pulumi.Resource): k8s.autoscaling.v2.HorizontalPodAutoscaler {
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
            minReplicas: s.minReplicas,
            maxReplicas: s.maxReplicas,
            metrics: autoscalerMetrics(s),
            // Scale down slowly: a short lull between bursts should not cost the next burst its pods.
            behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
    }, { parent });
}

/**
 * Keeps all but one pod of the minimum running during voluntary disruptions, so a node drain
 * moves one pod at a time. Skipped below 2 replicas: a budget of 1 on 1 pod blocks every drain.
 */
export function createDisruptionBudget(name: string, namespace: pulumi.Input<string>, s: AppSettings, parent: pulumi.Resource): k8s.policy.v1.PodDisruptionBudget | undefined {
    if (s.minReplicas < 2) return undefined;
    return new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            minAvailable: s.minReplicas - 1,
            selector: { matchLabels: s.selector },
            // Pods that never became ready may be evicted; otherwise a crash-looping pod blocks drains.
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        },
    }, { parent });
}

/**
 * A VerticalPodAutoscaler in "Off" mode: it publishes request recommendations without evicting
 * pods, so it never fights the HorizontalPodAutoscaler over the same CPU signal. The mode comes
 * from the validated settings, which refuse any other while the HPA scales on CPU; the check
 * here keeps that true for a caller that built settings by hand.
 */
export function createVerticalAutoscaler(name: string, namespace: pulumi.Input<string>, s: AppSettings, target: ScaleTarget, parent: pulumi.Resource): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${name}-vpa`, {
        apiVersion: "autoscaling.k8s.io/v1",
        kind: "VerticalPodAutoscaler",
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            targetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
            updatePolicy: { updateMode: vpaMode(s) },
            resourcePolicy: { containerPolicies: [{ containerName: "app", controlledResources: ["cpu", "memory"] }] },
        },
    }, { parent });
}

/** The VPA's update mode, "Off" unless the HPA does not scale on CPU (it always does here). */
export function vpaMode(s: AppSettings): "Off" {
    const mode = s.vpaUpdateMode ?? "Off";
    const hpaOnCpu = autoscalerMetrics(s).some((m) => m.type === "Resource" && (m.resource as { name?: string } | undefined)?.name === "cpu");
    if (mode !== "Off" && hpaOnCpu) throw new Error(`VerticalPodAutoscaler of ${s.name}: updateMode "${mode}" while the HPA scales on CPU; keep "Off"`);
    return "Off";
}
