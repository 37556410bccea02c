/**
 * A hardened Kubernetes workload: ServiceAccount, Deployment, Service, autoscaling,
 * disruption budget, NetworkPolicies, ServiceMonitor and, with a mesh, Istio routing.
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

export type { AppArgs, AppSecrets, AppMesh, AppResources, AppAutoscaling, AppProbes, MetricsVia } from "./args";
export { validateAppArgs } from "./args";

/** `platform:workload:App`: one hardened, autoscaled, scraped (and optionally meshed) service. */
export class App extends pulumi.ComponentResource {
    /** Name of the Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
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

        // With secrets: the role first (the ServiceAccount carries its ARN), then the store objects.
        const role = settings.secrets && createSecretsRole(name, args.namespace, settings, settings.secrets, this);
        const serviceAccount = createServiceAccount(name, parts, this, role ? { [IRSA_ROLE_ANNOTATION]: role.arn } : undefined);
        const synced = settings.secrets && createExternalSecret(name, args.namespace, settings, settings.secrets, serviceAccount, this);
        if (synced) parts = { ...parts, secretName: synced.secretName };
        const deployment = createDeployment(name, parts, serviceAccount, this, synced ? [synced.externalSecret] : []);
        const service = createService(name, parts, this);
        createAutoscaler(name, args.namespace, settings, deployment, this);
        createDisruptionBudget(name, args.namespace, settings, this);
        if (args.vpa) createVerticalAutoscaler(name, args.namespace, settings, deployment, this);
        createNetworkPolicies(name, args.namespace, settings, this);
        createServiceMonitor(name, args.namespace, settings, args.monitoringLabels ?? {}, this);

        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.namespace = pulumi.output(args.namespace);
        this.serviceHost = pulumi.interpolate`${service.metadata.name}.${this.namespace}.svc.cluster.local`;
        if (args.mesh) createMeshRouting(name, args.namespace, settings, args.mesh, this.serviceHost, this);

        this.registerOutputs({
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            serviceHost: this.serviceHost,
            namespace: this.namespace,
        });
    }
}
