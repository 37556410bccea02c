/**
 * The Prometheus Operator ServiceMonitor that scrapes the workload's metrics endpoint
 * through its Service, so every ready pod is scraped and pods leaving rotation are dropped.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppSettings } from "./args";

/** A ServiceMonitor for the app's Service, scraping port "http" at the metrics path and interval. */
export function createServiceMonitor(
    name: string,
    namespace: pulumi.Input<string>,
    s: AppSettings,
    monitoringLabels: Record<string, string>,
    parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        // The monitoring labels let the Prometheus instance's serviceMonitorSelector pick this up.
        metadata: { name: s.name, namespace, labels: { ...s.labels, ...monitoringLabels } },
        spec: {
            selector: { matchLabels: s.selector },
            namespaceSelector: { matchNames: [namespace] },
            endpoints: [{
                port: "http",
                path: s.metricsPath,
                interval: s.scrapeInterval,
                // A scrape must end before the next one starts, or slow targets pile up.
                scrapeTimeout: s.scrapeInterval,
                honorLabels: false,
            }],
        },
    }, { parent });
}
