/**
 * Deterministic fabricated provider outputs for the offline engine and tests: the same
 * inputs always give the same ids, ARNs, endpoints and digests, so plans are stable and
 * comparable across runs. Unknown provider functions (invokes) throw: an unmocked call
 * must fail loudly rather than return something plausible.
 */
import { createHash } from "crypto";

export const FAKE_ACCOUNT = "123456789012";
export const FAKE_REGION = "eu-west-1";

export function hash(...parts: unknown[]): string {
    return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

function awsService(type: string): string {
    // "aws:eks/cluster:Cluster" -> "eks"
    const mod = type.split(":")[1] ?? "";
    return mod.split("/")[0] || "aws";
}

/** Provider state for a new resource of `type` named `name` with `inputs`. */
export function fabricateResource(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const h = hash(type, name).slice(0, 12);
    const region = (inputs.region as string) || FAKE_REGION;
    const state: Record<string, any> = { ...inputs };
    let id = `${name}-${h.slice(0, 8)}`;
    if (type.startsWith("aws:")) {
        const svc = awsService(type);
        state.arn ??= `arn:aws:${svc}:${region}:${FAKE_ACCOUNT}:${type.split(":")[2]?.toLowerCase() ?? "resource"}/${name}`;
        state.name ??= inputs.name ?? `${name}-${h.slice(0, 7)}`;
        state.tagsAll ??= inputs.tags ?? {};
    }
    switch (type) {
        case "aws:ec2/vpc:Vpc": id = `vpc-${h.slice(0, 17)}`; break;
        case "aws:ec2/subnet:Subnet": id = `subnet-${h.slice(0, 17)}`; break;
        case "aws:ec2/securityGroup:SecurityGroup": id = `sg-${h.slice(0, 17)}`; break;
        case "aws:ec2/internetGateway:InternetGateway": id = `igw-${h.slice(0, 17)}`; break;
        case "aws:ec2/natGateway:NatGateway": id = `nat-${h.slice(0, 17)}`; break;
        case "aws:ec2/eip:Eip": id = `eipalloc-${h.slice(0, 17)}`; state.publicIp = "203.0.113.10"; break;
        case "aws:ec2/routeTable:RouteTable": id = `rtb-${h.slice(0, 17)}`; break;
        case "aws:ec2/launchTemplate:LaunchTemplate": id = `lt-${h.slice(0, 17)}`; state.latestVersion = 1; break;
        case "aws:kms/key:Key": id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4000-8000-${h.slice(0, 12)}`; state.keyId = id; state.arn = `arn:aws:kms:${region}:${FAKE_ACCOUNT}:key/${id}`; break;
        case "aws:iam/role:Role": state.arn = `arn:aws:iam::${FAKE_ACCOUNT}:role/${state.name}`; id = state.name; break;
        case "aws:iam/policy:Policy": state.arn = `arn:aws:iam::${FAKE_ACCOUNT}:policy/${state.name}`; break;
        case "aws:iam/rolePolicy:RolePolicy": id = `${inputs.role ?? name}:${state.name}`; break;
        // Secrets Manager appends six random characters to a secret's ARN; its id is the ARN.
        case "aws:secretsmanager/secret:Secret":
            state.arn = `arn:aws:secretsmanager:${region}:${FAKE_ACCOUNT}:secret:${state.name}-${h.slice(0, 6)}`;
            id = state.arn;
            break;
        case "aws:secretsmanager/secretVersion:SecretVersion":
            state.versionId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4000-8000-${h.slice(0, 12)}`;
            state.arn = inputs.secretId;
            id = `${inputs.secretId}|${state.versionId}`;
            break;
        case "aws:eks/cluster:Cluster": {
            id = state.name;
            state.endpoint = `https://${h.toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
            state.certificateAuthority = { data: Buffer.from(`-----BEGIN CERTIFICATE-----\n${h}\n-----END CERTIFICATE-----\n`).toString("base64") };
            state.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${h.toUpperCase()}` }] }];
            state.version = inputs.version ?? "1.31";
            state.status = "ACTIVE";
            state.vpcConfig = { ...(inputs.vpcConfig ?? {}), clusterSecurityGroupId: `sg-${h.slice(0, 17)}` };
            break;
        }
        case "aws:eks/nodeGroup:NodeGroup": state.status = "ACTIVE"; break;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": state.arn = `arn:aws:iam::${FAKE_ACCOUNT}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`; break;
        case "aws:ecr/repository:Repository":
            state.repositoryUrl = `${FAKE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${state.name}`;
            state.registryId = FAKE_ACCOUNT;
            id = state.name;
            break;
        case "aws:s3/bucketV2:BucketV2":
        case "aws:s3/bucket:Bucket":
            state.bucket ??= `${name}-${h.slice(0, 8)}`; id = state.bucket;
            state.arn = `arn:aws:s3:::${state.bucket}`;
            state.bucketDomainName = `${state.bucket}.s3.amazonaws.com`;
            state.region = region;
            break;
        case "docker-build:index:Image": {
            const digest = `sha256:${hash("image", name, inputs.context, inputs.dockerfile, inputs.buildArgs).slice(0, 64)}`;
            state.digest = digest;
            const tag: string = (inputs.tags ?? [])[0] ?? `${name}:latest`;
            state.ref = `${tag.replace(/:[^:/]+$/, "")}@${digest}`;
            break;
        }
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            state.result = hash("secret", name).slice(0, inputs.length ?? 32);
            break;
        case "random:index/randomId:RandomId":
            state.hex = hash("id", name).slice(0, (inputs.byteLength ?? 8) * 2);
            break;
    }
    if (type.startsWith("kubernetes:") && type !== "kubernetes:helm.sh/v3:Release" && !type.startsWith("pulumi:providers:")) {
        const meta = { ...(inputs.metadata ?? {}) };
        meta.name ??= `${name}-${h.slice(0, 8)}`;
        state.metadata = meta;
        id = meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
    }
    if (type === "kubernetes:helm.sh/v3:Release") {
        state.name ??= name;
        state.status = { name: state.name, namespace: inputs.namespace ?? "default", status: "deployed", version: inputs.version, revision: 1 };
    }
    if (type.startsWith("pulumi:providers:")) id = `${name}-provider`;
    return { id, state };
}

export type CallHandler = (inputs: Record<string, any>) => Record<string, any>;

/** Provider functions (invokes) the programs are allowed to call; anything else throws. */
export const CALLS: Record<string, CallHandler> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: [`${FAKE_REGION}a`, `${FAKE_REGION}b`, `${FAKE_REGION}c`],
        zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
        state: "available",
        id: FAKE_REGION,
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: FAKE_ACCOUNT,
        arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/offline`,
        userId: "AIDAOFFLINE",
        id: FAKE_ACCOUNT,
    }),
    "aws:index/getRegion:getRegion": (i) => ({ name: i.name ?? FAKE_REGION, region: i.region ?? FAKE_REGION, id: FAKE_REGION, endpoint: `ec2.${FAKE_REGION}.amazonaws.com` }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": (i) => ({
        // Fabricated, never a real credential; the SDK marks it secret like the real provider output.
        authorizationToken: Buffer.from("AWS:offline-token").toString("base64"),
        userName: "AWS",
        password: "offline-token",
        proxyEndpoint: `https://${i.registryId ?? FAKE_ACCOUNT}.dkr.ecr.${FAKE_REGION}.amazonaws.com`,
        expiresAt: "2099-01-01T00:00:00Z",
        id: FAKE_REGION,
    }),
};

export function fabricateCall(token: string, inputs: Record<string, any>): Record<string, any> {
    const handler = CALLS[token];
    if (!handler) {
        throw new Error(`unmocked provider function "${token}" was called; add a deterministic handler in automation/offline/fabricate.ts or avoid the call`);
    }
    return handler(inputs);
}
