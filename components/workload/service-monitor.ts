/**
 * The Prometheus Operator ServiceMonitor that scrapes the workload's metrics through its
 * Service, so every ready pod is scraped and pods leaving rotation are dropped.
 *
 * With an Istio sidecar the mesh enforces STRICT mTLS, and Prometheus (kube-prometheus-stack)
 * runs outside the mesh without a certificate: the sidecar would refuse its plain-HTTP scrape
 * of the app port. Istio's metrics merging serves the app's metrics (read through the pod's
 * prometheus.io annotations) together with Envoy's on istio-agent's port 15020, which the
 * sidecar's traffic capture always excludes, so Prometheus scrapes that in plain HTTP.
 * A ServiceMonitor on a Service port is used rather than a PodMonitor: a PodMonitor selects
 * a named container port, and the injected istio-proxy container declares none for 15020.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppSettings } from "./args";

/** istio-agent's port serving the merged app + Envoy metrics (outside mTLS interception). */
export const ISTIO_MERGED_METRICS_PORT = 15020;
/** Path of the merged metrics on ISTIO_MERGED_METRICS_PORT. */
export const ISTIO_MERGED_METRICS_PATH = "/stats/prometheus";
/** Name of the Service port for the merged metrics ("http-" tells Istio the protocol). */
export const METRICS_PORT_NAME = "http-metrics";

/** Where Prometheus scrapes: Service port name, pod port number (for NetworkPolicy) and path. */
export interface MetricsTarget {
    readonly servicePortName: string;
    readonly podPort: number;
    readonly path: string;
}

/** The scrape target for the settings' `metricsVia`. */
export function metricsTarget(s: AppSettings): MetricsTarget {
    return s.metricsVia === "istio-merge"
        ? { servicePortName: METRICS_PORT_NAME, podPort: ISTIO_MERGED_METRICS_PORT, path: ISTIO_MERGED_METRICS_PATH }
        : { servicePortName: "http", podPort: s.port, path: s.metricsPath };
}

/** A ServiceMonitor for the app's Service, scraping the metrics target at the scrape interval. */
export function createServiceMonitor(
    name: string,
    namespace: pulumi.Input<string>,
    s: AppSettings,
    monitoringLabels: Record<string, string>,
    parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
    const target = metricsTarget(s);
    return new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        // The monitoring labels let the Prometheus instance's serviceMonitorSelector pick this up.
        metadata: { name: s.name, namespace, labels: { ...s.labels, ...monitoringLabels } },
        spec: {
            selector: { matchLabels: s.selector },
            namespaceSelector: { matchNames: [namespace] },
            endpoints: [{
                port: target.servicePortName,
                path: target.path,
                scheme: "http",
                interval: s.scrapeInterval,
                // A scrape must end before the next one starts, or slow targets pile up.
                scrapeTimeout: s.scrapeInterval,
                honorLabels: false,
            }],
        },
    }, { parent });
}
