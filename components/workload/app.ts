/**
 * A hardened Kubernetes workload: ServiceAccount, Deployment, Service, autoscaling,
 * disruption budget, NetworkPolicies, ServiceMonitor and, with a mesh, Istio routing.
 * With `progressiveDelivery` the pods run from an Argo Rollout instead of the Deployment
 * (same pod template), rolled out as canaries through the mesh (rollout.ts).
 * Pass the cluster's Kubernetes provider in `opts.provider` (or `opts.providers`, with the AWS
 * provider when the app has secrets: its IAM role); every child inherits them through its parent.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppArgs, checkImageRef, validateAppArgs } from "./args";
import { createDeployment, createService, createServiceAccount, WorkloadParts } from "./deployment";
import { createNetworkPolicies } from "./network-policy";
import { createAutoscaler, createDisruptionBudget, createVerticalAutoscaler } from "./scaling";
import { createServiceMonitor } from "./service-monitor";
import { createMeshRouting } from "./mesh-routing";
import { createExternalSecret, createSecretsRole, IRSA_ROLE_ANNOTATION } from "./secrets";
import { createAnalysisTemplate, createRollout, rolloutReport, validateProgressiveDelivery, type RolloutReport } from "./rollout";
import type { ScaleTarget } from "./scaling";

export type { AppArgs, AppSecrets, AppMesh, AppResources, AppAutoscaling, AppProbes, AppVpa, MetricsVia, VpaUpdateMode } from "./args";
export { validateAppArgs } from "./args";
export type { AppProgressiveDelivery, AppAnalysis, RolloutReport } from "./rollout";

/** `platform:workload:App`: one hardened, autoscaled, scraped (and optionally meshed) service. */
export class App extends pulumi.ComponentResource {
    /** Name of the Deployment, or of the Rollout with progressive delivery (the same name). */
    public readonly deploymentName: pulumi.Output<string>;
    /** With progressive delivery: the Rollout's phase when Pulumi's wait ended; else undefined. */
    public readonly rollout: pulumi.Output<RolloutReport | undefined>;
    /** Name of the Service. */
    public readonly serviceName: pulumi.Output<string>;
    /** In-cluster DNS name of the Service, e.g. "api.apps.svc.cluster.local". */
    public readonly serviceHost: pulumi.Output<string>;
    /** Namespace the workload runs in. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workload:App", name, {}, opts);
        const settings = validateAppArgs(name, args);
        // An image from another stack is only known at run time; check it when it resolves.
        const image = typeof args.image === "string"
            ? args.image
            : pulumi.output(args.image).apply((ref) => checkImageRef(ref, settings.requireDigest));
        let parts: WorkloadParts = { namespace: args.namespace, image, env: args.env ?? {}, settings };

        const delivery = args.progressiveDelivery ? validateProgressiveDelivery(name, args.progressiveDelivery, args.mesh !== undefined) : undefined;

        // With secrets: the role first (the ServiceAccount carries its ARN), then the store objects.
        const role = settings.secrets && createSecretsRole(name, args.namespace, settings, settings.secrets, this);
        const serviceAccount = createServiceAccount(name, parts, this, role ? { [IRSA_ROLE_ANNOTATION]: role.arn } : undefined);
        const synced = settings.secrets && createExternalSecret(name, args.namespace, settings, settings.secrets, serviceAccount, this);
        if (synced) parts = { ...parts, secretName: synced.secretName };
        // The pods start once the ExternalSecret has written the Secret they mount.
        const secretDeps = synced ? [synced.externalSecret] : [];
        const service = createService(name, parts, this);
        this.namespace = pulumi.output(args.namespace);
        const host = (svc: typeof service) => pulumi.interpolate`${svc.metadata.name}.${this.namespace}.svc.cluster.local`;
        this.serviceHost = host(service);
        let target: ScaleTarget;
        if (delivery && args.mesh) {
            const canary = createService(name, parts, this, "canary");
            const routing = createMeshRouting(name, args.namespace, settings, args.mesh, this.serviceHost, this, host(canary));
            const analysis = createAnalysisTemplate(name, args.namespace, settings, delivery, this);
            const rollout = createRollout(name, parts, serviceAccount, delivery, {
                stableService: service.metadata.name,
                canaryService: canary.metadata.name,
                virtualService: routing.virtualService.metadata.name,
            }, [analysis, routing.virtualService, routing.destinationRule, ...secretDeps], this);
            this.deploymentName = rollout.metadata.name;
            this.rollout = rolloutReport(rollout);
            target = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: rollout.metadata.name };
        } else {
            const deployment = createDeployment(name, parts, serviceAccount, this, secretDeps);
            if (args.mesh) createMeshRouting(name, args.namespace, settings, args.mesh, this.serviceHost, this);
            this.deploymentName = deployment.metadata.name;
            this.rollout = pulumi.output(undefined);
            target = { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name };
        }
        createAutoscaler(name, args.namespace, settings, target, this);
        createDisruptionBudget(name, args.namespace, settings, this);
        if (settings.vpaUpdateMode !== undefined) createVerticalAutoscaler(name, args.namespace, settings, target, this);
        createNetworkPolicies(name, args.namespace, settings, this);
        createServiceMonitor(name, args.namespace, settings, args.monitoringLabels ?? {}, this);
        this.serviceName = service.metadata.name;

        this.registerOutputs({
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            serviceHost: this.serviceHost,
            namespace: this.namespace,
            ...(delivery ? { rollout: this.rollout } : {}),
        });
    }
}
