/**
 * Istio traffic management for the workload: a VirtualService that routes the gateway's
 * hosts and in-mesh calls to the Service with bounded timeouts and retries, and a
 * DestinationRule that keeps mTLS on and ejects failing pods.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppMesh, AppSettings } from "./args";
import { SERVICE_PORT } from "./deployment";

export interface MeshRouting {
    virtualService: k8s.apiextensions.CustomResource;
    destinationRule: k8s.apiextensions.CustomResource;
}

/** The VirtualService and DestinationRule for the app's Service host. */
export function createMeshRouting(
    name: string,
    namespace: pulumi.Input<string>,
    s: AppSettings,
    mesh: AppMesh,
    serviceHost: pulumi.Input<string>,
    parent: pulumi.Resource,
): MeshRouting {
    const virtualService = new k8s.apiextensions.CustomResource(`${name}-virtualservice`, {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            hosts: [...mesh.hosts, serviceHost],
            // "mesh" applies the same timeouts and retries to calls from inside the cluster.
            gateways: [mesh.gateway, "mesh"],
            http: [{
                route: [{ destination: { host: serviceHost, port: { number: SERVICE_PORT } } }],
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
    }, { parent });

    const destinationRule = new k8s.apiextensions.CustomResource(`${name}-destinationrule`, {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            host: serviceHost,
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
    return { virtualService, destinationRule };
}
