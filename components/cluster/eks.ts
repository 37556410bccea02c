/**
 * An EKS cluster with its network, IAM roles, secrets encryption, audit logging, a hardened
 * managed node group (IMDSv2 only, encrypted disks, private subnets) and an IRSA OIDC provider.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { createClusterRoles } from "./iam";
import { renderEksKubeconfig } from "./kubeconfig";
import { createNetwork, isNewNetwork, NetworkArgs, parseCidr, subnetCidrs } from "./network";

export type { NetworkArgs, NewNetworkArgs, ExistingNetworkArgs } from "./network";

/** Every control-plane log type EKS offers; all of them go to CloudWatch for audit. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface EksEndpointArgs {
    /** Whether the API server is reachable from the internet. Default false: private endpoint only. */
    readonly publicAccess?: boolean;
    /** CIDRs allowed to reach the public endpoint; required (and never 0.0.0.0/0) when publicAccess is true. */
    readonly publicAccessCidrs?: string[];
}

/** Managed node group sizing. Plain values (not Inputs) so they are checked before anything is created. */
export interface EksNodesArgs {
    readonly instanceTypes: string[];
    readonly minSize: number;
    readonly maxSize: number;
    readonly desiredSize: number;
    /** Root volume size; encrypted gp3. */
    readonly diskSizeGiB: number;
    /** Default "ON_DEMAND": SPOT nodes can be reclaimed at two minutes' notice. */
    readonly capacityType?: "ON_DEMAND" | "SPOT";
}

export interface EksClusterArgs {
    /** EKS cluster name. Default: auto-named from the component name, so stacks never collide. */
    readonly clusterName?: pulumi.Input<string>;
    /** Kubernetes version, e.g. "1.31". */
    readonly version: pulumi.Input<string>;
    /** A new VPC ({ cidr, azCount, natGateways? }) or an existing one ({ vpcId, privateSubnetIds, publicSubnetIds }). */
    readonly network: NetworkArgs;
    /** API endpoint exposure. Default: private only. */
    readonly endpoint?: EksEndpointArgs;
    readonly nodes: EksNodesArgs;
    /** Tags for every AWS resource. Default none. */
    readonly tags?: Record<string, string>;
}

function invalid(propertyPath: string, reason: string): pulumi.InputPropertyError {
    return new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath} ${reason}` });
}

/** Checks EksClusterArgs; throws an InputPropertyError naming the bad value and the fix. */
export function validateEksClusterArgs(args: EksClusterArgs): void {
    if (typeof args.version === "string" && !/^1\.\d{2}$/.test(args.version)) {
        throw invalid("version", `is "${args.version}"; use an EKS Kubernetes version such as "1.31"`);
    }
    const net = args.network;
    if (isNewNetwork(net)) {
        if (!Number.isInteger(net.azCount) || net.azCount < 2) {
            throw invalid("network.azCount", `is ${net.azCount}; use at least 2 availability zones so one zone failing leaves the cluster up`);
        }
        if (net.natGateways !== undefined && net.natGateways !== "single" && net.natGateways !== "perAz") {
            throw invalid("network.natGateways", `is "${net.natGateways}"; use "perAz" or "single"`);
        }
        try {
            subnetCidrs(net.cidr, net.azCount);
        } catch (err) {
            throw invalid("network.cidr", `is invalid: ${(err as Error).message}`);
        }
    } else if (net.privateSubnetIds.length < 2) {
        throw invalid("network.privateSubnetIds", `has ${net.privateSubnetIds.length} subnet(s); EKS needs private subnets in at least 2 availability zones`);
    }
    const publicAccess = args.endpoint?.publicAccess ?? false;
    const cidrs = args.endpoint?.publicAccessCidrs ?? [];
    if (publicAccess && cidrs.length === 0) {
        throw invalid("endpoint.publicAccessCidrs", "is empty while publicAccess is true; list the CIDRs allowed to reach the API or set publicAccess: false");
    }
    cidrs.forEach((cidr, i) => {
        if (cidr.trim().endsWith("/0")) {
            throw invalid(`endpoint.publicAccessCidrs[${i}]`, `is ${cidr}, which opens the API to the whole internet; list specific CIDRs such as 203.0.113.0/24`);
        }
        try {
            parseCidr(cidr);
        } catch (err) {
            throw invalid(`endpoint.publicAccessCidrs[${i}]`, `is invalid: ${(err as Error).message}`);
        }
    });
    const n = args.nodes;
    if (n.instanceTypes.length === 0) throw invalid("nodes.instanceTypes", "is empty; list at least one instance type such as t3.large");
    for (const key of ["minSize", "maxSize", "desiredSize"] as const) {
        if (!Number.isInteger(n[key]) || n[key] < 0) throw invalid(`nodes.${key}`, `is ${n[key]}; use a whole number >= 0`);
    }
    if (n.maxSize < 1) throw invalid("nodes.maxSize", `is ${n.maxSize}; use at least 1`);
    if (n.minSize > n.maxSize) throw invalid("nodes.minSize", `is ${n.minSize}, above maxSize ${n.maxSize}; lower minSize or raise maxSize`);
    if (n.desiredSize < n.minSize || n.desiredSize > n.maxSize) {
        throw invalid("nodes.desiredSize", `is ${n.desiredSize}, outside minSize..maxSize (${n.minSize}..${n.maxSize}); pick a value in that range`);
    }
    if (!Number.isInteger(n.diskSizeGiB) || n.diskSizeGiB < 20) {
        throw invalid("nodes.diskSizeGiB", `is ${n.diskSizeGiB}; use at least 20 GiB (the node image and container layers need it)`);
    }
    if (n.capacityType !== undefined && n.capacityType !== "ON_DEMAND" && n.capacityType !== "SPOT") {
        throw invalid("nodes.capacityType", `is "${n.capacityType}"; use "ON_DEMAND" or "SPOT"`);
    }
}

/** An EKS cluster ready for workloads, with a Kubernetes provider for the layers above it. */
export class EksCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** Kubeconfig using `aws eks get-token`; secret because it names the endpoint and CA. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Kubernetes provider for this cluster (a child of this component). */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad args leave no half-built component behind.
        validateEksClusterArgs(args);
        super("platform:cluster:EksCluster", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = { parent: this };

        const network = createNetwork(name, args.network, this, tags);
        const roles = createClusterRoles(name, tags, this);

        const key = new aws.kms.Key(`${name}-secrets-key`, {
            description: `Envelope encryption of Kubernetes secrets for EKS cluster ${name}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags,
        }, parent);
        new aws.kms.Alias(`${name}-secrets-key-alias`, { namePrefix: `alias/eks/${name}-`, targetKeyId: key.keyId }, parent);

        const publicAccess = args.endpoint?.publicAccess ?? false;
        const cluster = new aws.eks.Cluster(`${name}-eks`, {
            name: args.clusterName,
            version: args.version,
            roleArn: roles.clusterRole.arn,
            vpcConfig: {
                subnetIds: network.privateSubnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: publicAccess,
                // Without an explicit list AWS opens the public endpoint to 0.0.0.0/0.
                publicAccessCidrs: publicAccess ? args.endpoint?.publicAccessCidrs : undefined,
            },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
            enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
            // Access entries only: no aws-auth ConfigMap that anyone with edit rights could rewrite.
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            tags,
        }, { ...parent, dependsOn: roles.clusterAttachments });

        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes-lt`, {
            description: `Hardened nodes of EKS cluster ${name}`,
            updateDefaultVersion: true,
            // IMDSv2 only, hop limit 1: pods cannot reach the node role's credentials through the metadata service.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda",
                ebs: { volumeSize: args.nodes.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            }],
            tagSpecifications: [
                { resourceType: "instance", tags: { ...tags, Name: `${name}-node` } },
                { resourceType: "volume", tags: { ...tags, Name: `${name}-node` } },
            ],
            tags,
        }, parent);

        new aws.eks.NodeGroup(`${name}-nodes`, {
            clusterName: cluster.name,
            version: cluster.version,
            nodeRoleArn: roles.nodeRole.arn,
            subnetIds: network.privateSubnetIds,
            instanceTypes: args.nodes.instanceTypes,
            capacityType: args.nodes.capacityType ?? "ON_DEMAND",
            scalingConfig: { minSize: args.nodes.minSize, maxSize: args.nodes.maxSize, desiredSize: args.nodes.desiredSize },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            tags,
        }, {
            ...parent,
            dependsOn: roles.nodeAttachments,
            // A cluster autoscaler owns the live node count; re-applying would fight it.
            ignoreChanges: ["scalingConfig.desiredSize"],
        });

        const issuer = cluster.identities.apply((ids) => {
            const url = ids?.[0]?.oidcs?.[0]?.issuer;
            if (!url) throw new pulumi.ResourceError(`EKS cluster ${name} reported no OIDC issuer; IRSA cannot be set up`, this);
            return url;
        });
        const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
            url: issuer,
            clientIdLists: ["sts.amazonaws.com"],
            tags,
        }, parent);

        const region = aws.getRegionOutput({}, parent).region;
        this.kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority, region])
            .apply(([clusterName, endpoint, ca, reg]) =>
                renderEksKubeconfig({ clusterName, endpoint, certificateAuthorityData: ca.data ?? "", region: reg })));
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, parent);

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuerUrl = issuer;
        this.nodeRoleArn = roles.nodeRole.arn;
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuerUrl: this.oidcIssuerUrl,
            nodeRoleArn: this.nodeRoleArn,
            kubeconfig: this.kubeconfig,
            provider: this.provider,
        });
    }
}
