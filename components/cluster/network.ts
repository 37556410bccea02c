/**
 * The VPC an EKS cluster runs in when the environment does not bring its own: public and
 * private subnets over N availability zones, an internet gateway, NAT gateways and route tables.
 * A plain function (not a component) so the cluster component stays thin and the resource
 * names stay `${name}-<role>` under the cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { subnetCidrs } from "../../common/checks";

/** Create a new VPC over `azCount` availability zones. */
export interface NewNetworkArgs {
    /** IPv4 CIDR of the VPC, e.g. "10.20.0.0/16". */
    readonly cidr: string;
    /** Availability zones to spread subnets over; at least 2 so one zone failing leaves the cluster up. */
    readonly azCount: number;
    /**
     * NAT gateways for the private subnets' egress. Default "perAz": a zone outage does not cut
     * the other zones' egress. "single" is cheaper and fits development environments.
     */
    readonly natGateways?: "single" | "perAz";
}

/** Use a VPC that already exists. */
export interface ExistingNetworkArgs {
    readonly vpcId: pulumi.Input<string>;
    /** Subnets for the control plane's network interfaces and the nodes. */
    readonly privateSubnetIds: pulumi.Input<string>[];
    /** Subnets for internet-facing load balancers (may be empty). */
    readonly publicSubnetIds: pulumi.Input<string>[];
}

export type NetworkArgs = NewNetworkArgs | ExistingNetworkArgs;

export interface Network {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    publicSubnetIds: pulumi.Output<string>[];
}

export function isNewNetwork(args: NetworkArgs): args is NewNetworkArgs {
    return "cidr" in args;
}

// The address plan is pure and shared with the environment schema, which checks it before any layer runs.
export { parseCidr, subnetCidrs } from "../../common/checks";

/** Creates the network (or passes an existing one through) with resources parented to `parent`. */
export function createNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource, tags: Record<string, string> = {}): Network {
    if (!isNewNetwork(args)) {
        return {
            vpcId: pulumi.output(args.vpcId),
            privateSubnetIds: args.privateSubnetIds.map((s) => pulumi.output(s)),
            publicSubnetIds: args.publicSubnetIds.map((s) => pulumi.output(s)),
        };
    }
    const opts = { parent };
    const plan = subnetCidrs(args.cidr, args.azCount);
    const azs = aws.getAvailabilityZonesOutput({ state: "available" }, opts);
    const azName = (i: number) =>
        azs.names.apply((names) => {
            if (names.length < args.azCount) {
                throw new Error(`network.azCount is ${args.azCount} but the region has ${names.length} available zones; lower azCount`);
            }
            return names[i];
        });

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: args.cidr,
        // EKS needs DNS hostnames for nodes to register and for private endpoint resolution.
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...tags, Name: `${name}-vpc` },
    }, opts);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, opts);

    const publicSubnets = plan.public.map((cidr, i) => new aws.ec2.Subnet(`${name}-public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: cidr,
        availabilityZone: azName(i),
        // Nothing in the public subnets needs an automatic public IP: NAT gateways use Elastic IPs.
        mapPublicIpOnLaunch: false,
        tags: { ...tags, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" },
    }, opts));
    const privateSubnets = plan.private.map((cidr, i) => new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: cidr,
        availabilityZone: azName(i),
        tags: { ...tags, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1" },
    }, opts));

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { ...tags, Name: `${name}-public-rt` },
    }, opts);
    publicSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-rta-${i}`, { subnetId: s.id, routeTableId: publicRoutes.id }, opts));

    const natCount = (args.natGateways ?? "perAz") === "perAz" ? args.azCount : 1;
    const nats = Array.from({ length: natCount }, (_, i) => {
        const eip = new aws.ec2.Eip(`${name}-nat-eip-${i}`, { domain: "vpc", tags: { ...tags, Name: `${name}-nat-eip-${i}` } }, opts);
        return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
            allocationId: eip.id,
            subnetId: publicSubnets[i].id,
            tags: { ...tags, Name: `${name}-nat-${i}` },
        }, { ...opts, dependsOn: [igw] });
    });
    privateSubnets.forEach((s, i) => {
        const rt = new aws.ec2.RouteTable(`${name}-private-rt-${i}`, {
            vpcId: vpc.id,
            // Per-AZ NAT keeps each zone's egress inside that zone.
            routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, nats.length - 1)].id }],
            tags: { ...tags, Name: `${name}-private-rt-${i}` },
        }, opts);
        new aws.ec2.RouteTableAssociation(`${name}-private-rta-${i}`, { subnetId: s.id, routeTableId: rt.id }, opts);
    });

    return {
        vpcId: vpc.id,
        privateSubnetIds: privateSubnets.map((s) => s.id),
        publicSubnetIds: publicSubnets.map((s) => s.id),
    };
}
