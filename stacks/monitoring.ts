/** Layer "monitoring": kube-prometheus-stack, Loki, Tempo and a log collector on the cluster. */
import { MonitoringStack } from "../components/monitoring/stack";
import type { Environment } from "../environments/schema";
import { clusterProvider } from "./k8s";
import { chartVersion } from "./settings";
import type { LayerProgramOutputs } from "./types";

export function monitoringLayer(env: Environment): LayerProgramOutputs<"monitoring"> {
    const provider = clusterProvider(env.name);
    const m = env.monitoring;
    const stack = new MonitoringStack(
        "monitoring",
        {
            namespace: "monitoring",
            charts: {
                kubePrometheusStack: chartVersion(env, "kubePrometheusStack"),
                loki: chartVersion(env, "loki"),
                tempo: chartVersion(env, "tempo"),
                alloy: chartVersion(env, "alloy"),
                prometheusAdapter: chartVersion(env, "prometheusAdapter"),
            },
            prometheus: m.prometheus,
            alertmanager: m.alertmanager,
            // Each app ships its dashboard as a ConfigMap beside it (stacks/apps.ts).
            grafana: { ...m.grafana, dashboardNamespaces: [env.apps.namespace] },
            metricsAdapter: m.metricsAdapter,
            logs: m.logs,
            tracing: m.tracing,
        },
        { provider },
    );
    return {
        namespace: stack.namespace,
        prometheusUrl: stack.prometheusUrl,
        grafanaUrl: stack.grafanaUrl,
        alertmanagerUrl: stack.alertmanagerUrl,
        lokiUrl: stack.lokiUrl,
        tempoOtlpEndpoint: stack.tempoOtlpEndpoint,
        grafanaAdminPassword: stack.grafanaAdminPassword,
    };
}
