/**
 * Capacity of the workload: the HorizontalPodAutoscaler that scales it on CPU, the
 * PodDisruptionBudget that keeps it serving through node drains, and an optional
 * VerticalPodAutoscaler that only recommends requests.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppSettings } from "./args";

/** The object whose replicas the autoscalers drive: the app's Deployment, or its Argo Rollout (which serves the scale subresource). */
export interface ScaleTarget {
    readonly apiVersion: "apps/v1" | "argoproj.io/v1alpha1";
    readonly kind: "Deployment" | "Rollout";
    readonly name: pulumi.Input<string>;
}

/** Scales the workload between minReplicas and maxReplicas on average CPU utilisation. */
export function createAutoscaler(name: string, namespace: pulumi.Input<string>, s: AppSettings, target: ScaleTarget, parent: pulumi.Resource): k8s.autoscaling.v2.HorizontalPodAutoscaler {
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
            minReplicas: s.minReplicas,
            maxReplicas: s.maxReplicas,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.cpuUtilization } } }],
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
 * pods, so it never fights the HorizontalPodAutoscaler over the same CPU signal.
 */
export function createVerticalAutoscaler(name: string, namespace: pulumi.Input<string>, s: AppSettings, target: ScaleTarget, parent: pulumi.Resource): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${name}-vpa`, {
        apiVersion: "autoscaling.k8s.io/v1",
        kind: "VerticalPodAutoscaler",
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            targetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
            updatePolicy: { updateMode: "Off" },
            resourcePolicy: { containerPolicies: [{ containerName: "app", controlledResources: ["cpu", "memory"] }] },
        },
    }, { parent });
}
