/**
 * Istio traffic management for the workload: a VirtualService that routes the gateway's
 * hosts and in-mesh calls to the Service with bounded timeouts and retries, and a
 * DestinationRule that keeps mTLS on and ejects failing pods.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppMesh, AppSettings } from "./args";
import { canaryServiceName, SERVICE_PORT } from "./deployment";
import { CANARY_ROUTE } from "./rollout";

export interface MeshRouting {
    virtualService: k8s.apiextensions.CustomResource;
    destinationRule: k8s.apiextensions.CustomResource;
}

/**
 * The VirtualService and DestinationRule for the app's Service host. With `canaryHost` (progressive
 * delivery, rollout.ts) the route is named CANARY_ROUTE and splits between the stable host
 * (weight 100) and the canary host (weight 0); Argo Rollouts moves the weights during a rollout,
 * so Pulumi leaves them alone after creation. The canary host gets the same traffic policy.
 */
export function createMeshRouting(
    name: string,
    namespace: pulumi.Input<string>,
    s: AppSettings,
    mesh: AppMesh,
    serviceHost: pulumi.Input<string>,
    parent: pulumi.Resource,
    canaryHost?: pulumi.Input<string>,
): MeshRouting {
    const destination = (host: pulumi.Input<string>) => ({ host, port: { number: SERVICE_PORT } });
    const route = canaryHost === undefined
        ? [{ destination: destination(serviceHost) }]
        : [{ destination: destination(serviceHost), weight: 100 }, { destination: destination(canaryHost), weight: 0 }];
    const virtualService = new k8s.apiextensions.CustomResource(`${name}-virtualservice`, {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            hosts: [...mesh.hosts, serviceHost],
            // "mesh" applies the same timeouts and retries to calls from inside the cluster.
            gateways: [mesh.gateway, "mesh"],
            http: [{
                ...(canaryHost === undefined ? {} : { name: CANARY_ROUTE }),
                route,
                timeout: mesh.timeout ?? "10s",
                retries: {
                    attempts: mesh.retryAttempts ?? 2,
                    perTryTimeout: "3s",
                    // Only failures where the request never reached the app (or the gateway says so):
                    // retrying a plain 500 could repeat a non-idempotent request.
                    retryOn: "connect-failure,refused-stream,unavailable,cancelled,gateway-error",
                },
            }],
        },
    }, { parent, ignoreChanges: canaryHost === undefined ? [] : ["spec.http[0].route[0].weight", "spec.http[0].route[1].weight"] });

    const rule = (ruleName: string, objectName: string, host: pulumi.Input<string>) => new k8s.apiextensions.CustomResource(ruleName, {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: objectName, namespace, labels: s.labels },
        spec: {
            host,
            trafficPolicy: {
                // Sidecar-to-sidecar mutual TLS with mesh-issued certificates.
                tls: { mode: "ISTIO_MUTUAL" },
                // Bounded queues: overload turns into fast 503s instead of growing latency.
                connectionPool: {
                    tcp: { maxConnections: 100, connectTimeout: "3s" },
                    http: { http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRetries: 3 },
                },
                // A pod returning errors is taken out of rotation for a while; at most half the pods at once.
                outlierDetection: {
                    consecutive5xxErrors: 5,
                    interval: "10s",
                    baseEjectionTime: "30s",
                    maxEjectionPercent: 50,
                },
            },
        },
    }, { parent });
    const destinationRule = rule(`${name}-destinationrule`, s.name, serviceHost);
    if (canaryHost !== undefined) rule(`${name}-canary-destinationrule`, canaryServiceName(s.name), canaryHost);
    return { virtualService, destinationRule };
}
