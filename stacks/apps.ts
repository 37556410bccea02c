/**
/**
 * Layer "apps": each workload of the environment, hardened, autoscaled (CPU and, where the
 * metrics adapter runs, requests per second), meshed and scraped, with its SLO alerts and its
 * Grafana dashboard; with the secret store on, each app that names secrets gets its own IAM
 * role, SecretStore and ExternalSecret (components/workload/secrets.ts).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppAlertRules } from "../components/monitoring/alerts";
import { AppDashboard } from "../components/monitoring/dashboard";
import { App, type RolloutReport } from "../components/workload/app";
import { secretStoreFolder } from "../common/patterns";
import { secretStoreEnabled, type Environment } from "../environments/schema";
import { clusterProvider } from "./k8s";
import { awsTags, workloadAnalysis, workloadAutoscaling, workloadSlo } from "./settings";
import type { LayerProgramOutputs } from "./types";
import { readUpstream } from "./upstream";

export function appsLayer(env: Environment): LayerProgramOutputs<"apps"> {
    const cluster = readUpstream(env.name, "cluster");
    const provider = clusterProvider(env.name, cluster);
    const store = secretStoreEnabled(env);
    // Only for the apps' IAM roles; an environment without the store creates no AWS resource here.
    const awsProvider = store ? new aws.Provider("aws", { region: env.aws!.region as aws.Region, defaultTags: { tags: awsTags(env, "apps") } }) : undefined;
    const images = readUpstream(env.name, "images").images;
    const mesh = readUpstream(env.name, "mesh");
    const namespace = env.apps.namespace;
    const services: Record<string, pulumi.Output<string>> = {};
    const rollouts: Record<string, pulumi.Output<RolloutReport>> = {};
    const pd = env.apps.progressiveDelivery;
    // Application pods outrank best-effort and batch pods when a node runs short, so a
    // noisy job is evicted before the service is.
    const priority = new k8s.scheduling.v1.PriorityClass("apps-priority", {
        metadata: { name: `platform-${namespace}` },
        value: 100000,
        globalDefault: false,
        preemptionPolicy: "PreemptLowerPriority",
        description: `Application workloads of the platform's ${namespace} namespace`,
    }, { provider });
    for (const w of env.apps.workloads) {
        // One reading of the scaling settings: the HPA and the dashboard's targets must agree.
        const autoscaling = workloadAutoscaling(env, w);
        const app = new App(
            w.name,
            {
                namespace,
                image: images.apply((all) => {
                    const ref = all[w.image];
                    if (!ref) throw new Error(`images layer of ${env.name} exports no image "${w.image}" (has: ${Object.keys(all).join(", ")}); add it under images in environments/${env.name}.yaml`);
                    return ref;
                }),
                requireDigest: env.policy.requireDigest,
                replicas: w.replicas,
                allowSingleReplica: env.policy.minReplicas < 3,
                port: w.port,
                resources: w.resources,
                autoscaling,
                // Only where the cluster runs the VPA (apps.vpa.enabled); the schema keeps the mode "Off".
                vpa: env.apps.vpa.enabled ? { updateMode: env.apps.vpa.updateMode } : false,
                env: w.env,
                secrets: store && Object.keys(w.secrets).length > 0
                    ? {
                        refs: w.secrets,
                        folder: secretStoreFolder(env.name, w.name),
                        region: env.aws!.region,
                        oidcProviderArn: cluster.oidcProviderArn.apply((arn) => {
                            if (!arn) throw new Error(`cluster layer of ${env.name} exports no oidcProviderArn, which the apps' secret roles (IRSA) trust; run \`infra up --env ${env.name} --layer cluster\``);
                            return arn;
                        }),
                        refreshInterval: env.secretStore.refreshInterval,
                    }
                    : undefined,
                // Callers arrive through the mesh gateway; Prometheus scrapes Istio's merged-metrics port
                // (it sits outside the mesh, so it cannot speak STRICT mTLS to the app port).
                priorityClassName: priority.metadata.name,
                ingressFromNamespaces: [mesh.gatewayNamespace],
                metricsFromNamespaces: [mesh.monitoringNamespace],
                mesh: w.hosts.length > 0 ? { gateway: pulumi.interpolate`${mesh.gatewayNamespace}/${mesh.gatewayService}`, hosts: w.hosts } : undefined,
                progressiveDelivery: pd.enabled ? {
                    steps: pd.steps,
                    prometheusUrl: mesh.prometheusUrl,
                    ...workloadAnalysis(env, w),
                    timeoutSeconds: pd.timeoutSeconds,
                } : undefined,
            },
            awsProvider ? { providers: [provider, awsProvider] } : { provider },
        );
        const slo = workloadSlo(w);
        if (w.slo.alerts) {
            new AppAlertRules(`${w.name}-alerts`, { namespace, app: w.name, selector: { app: w.name }, slo, runbookBaseUrl: env.apps.runbookBaseUrl }, { provider });
        }
        if (env.apps.dashboards.enabled) {
            const { cpuUtilization, requestsPerSecond } = autoscaling;
            new AppDashboard(`${w.name}-dashboard`, { namespace, app: w.name, slo, autoscaling: { cpuUtilization, requestsPerSecond }, folder: env.apps.dashboards.folder }, { provider });
        }
        services[w.name] = app.serviceHost;
        if (pd.enabled) rollouts[w.name] = app.rollout.apply((r) => r ?? { phase: "", message: "", aborted: false, current: true });
    }
    return { services: pulumi.all(services), namespace, rollouts: pulumi.all(rollouts) };
}
