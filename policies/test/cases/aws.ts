/**
 * AWS rule fixtures: a private, encrypted, fully logged EKS cluster; an IMDSv2-only node launch
 * template with encrypted disks; a scanned, immutable, KMS-encrypted ECR repository; a rotating
 * KMS key; locked-down S3; security groups open only on 443; least-privilege IAM. Each variant
 * loosens one field.
 */
import type { RuleCase, StackCase } from "../support";

type Props = Record<string, unknown>;

const KMS_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100";
const ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const cluster = (over: Props = {}): Props => ({
    name: "platform-dev",
    roleArn: "arn:aws:iam::123456789012:role/platform-dev-cluster",
    version: "1.33",
    vpcConfig: { subnetIds: ["subnet-0a", "subnet-0b"], endpointPrivateAccess: true, endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: KMS_ARN } },
    enabledClusterLogTypes: ALL_LOGS,
    ...over,
});

const launchTemplate = (over: Props = {}): Props => ({
    namePrefix: "platform-nodes-",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", kmsKeyId: KMS_ARN } }],
    ...over,
});

const repository = (over: Props = {}): Props => ({
    name: "platform/web",
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: "IMMUTABLE",
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KMS_ARN }],
    ...over,
});

const publicAccessBlock = (over: Props = {}): Props => ({
    bucket: "platform-artifacts",
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
    ...over,
});

const HTTPS_IN = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" };
const SSH_FROM_VPN = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.20.0.0/16"], description: "SSH from VPN" };
const securityGroup = (ingress: Props[]): Props => ({
    vpcId: "vpc-0123",
    description: "web tier",
    ingress: [HTTPS_IN, SSH_FROM_VPN, ...ingress],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

const INLINE_SSE = { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_ARN } } };

const doc = (statements: Props[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const READ_ARTIFACTS = { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::platform-artifacts/*" };

export const cases: RuleCase[] = [
    {
        rule: "eks-endpoint-not-public",
        type: "aws:eks/cluster:Cluster",
        compliant: cluster(),
        broken: [
            { name: "public endpoint with default CIDRs", props: cluster({ vpcConfig: { subnetIds: ["subnet-0a"], endpointPublicAccess: true } }) },
            { name: "public endpoint open to 0.0.0.0/0", props: cluster({ vpcConfig: { subnetIds: ["subnet-0a"], endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] } }) },
            { name: "public endpoint open to ::/0", props: cluster({ vpcConfig: { subnetIds: ["subnet-0a"], endpointPublicAccess: true, publicAccessCidrs: ["::/0"] } }) },
            { name: "endpoint settings left to the EKS default", props: cluster({ vpcConfig: { subnetIds: ["subnet-0a"] } }) },
        ],
    },
    {
        rule: "eks-secrets-encryption",
        type: "aws:eks/cluster:Cluster",
        compliant: cluster(),
        broken: [
            { name: "no encryptionConfig", props: cluster({ encryptionConfig: undefined }) },
            { name: "encryptionConfig without secrets", props: cluster({ encryptionConfig: { resources: [], provider: { keyArn: KMS_ARN } } }) },
        ],
    },
    {
        rule: "eks-control-plane-logging",
        type: "aws:eks/cluster:Cluster",
        compliant: cluster(),
        broken: [
            { name: "audit log missing", props: cluster({ enabledClusterLogTypes: ["api", "authenticator", "controllerManager", "scheduler"] }) },
            { name: "no control-plane logs", props: cluster({ enabledClusterLogTypes: undefined }) },
        ],
    },
    {
        rule: "ec2-imdsv2-required",
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        compliant: launchTemplate(),
        broken: [
            { name: "httpTokens optional", props: launchTemplate({ metadataOptions: { httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 1 } }) },
            { name: "no metadataOptions", props: launchTemplate({ metadataOptions: undefined }) },
        ],
    },
    {
        rule: "ec2-imds-hop-limit",
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        compliant: launchTemplate(),
        broken: [
            { name: "hop limit 2 lets pods reach IMDS", props: launchTemplate({ metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 } }) },
            {
                name: "hop limit above a configured maximum",
                props: launchTemplate({ metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 3 } }),
                config: { maxHopLimit: 2 },
            },
        ],
    },
    {
        // With the metadata endpoint off there is nothing to hop to: any limit passes every rule.
        rule: "ec2-imds-hop-limit",
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        compliant: launchTemplate({ metadataOptions: { httpEndpoint: "disabled", httpPutResponseHopLimit: 2 } }),
        broken: [
            {
                name: "the same limit with the endpoint enabled",
                props: launchTemplate({ metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 } }),
            },
        ],
    },
    {
        rule: "ec2-ebs-encrypted",
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        compliant: launchTemplate(),
        broken: [
            { name: "encrypted false", props: launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, encrypted: "false" } }] }) },
            { name: "encrypted unset", props: launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { volumeSize: 100, volumeType: "gp3" } }] }) },
        ],
    },
    {
        rule: "ec2-ebs-encrypted",
        type: "aws:ebs/volume:Volume",
        compliant: { availabilityZone: "eu-west-1a", size: 20, encrypted: true, kmsKeyId: KMS_ARN },
        broken: [{ name: "unencrypted volume", props: { availabilityZone: "eu-west-1a", size: 20 } }],
    },
    {
        rule: "ecr-scan-on-push",
        type: "aws:ecr/repository:Repository",
        compliant: repository(),
        broken: [
            { name: "scanOnPush false", props: repository({ imageScanningConfiguration: { scanOnPush: false } }) },
            { name: "no scanning configuration", props: repository({ imageScanningConfiguration: undefined }) },
        ],
    },
    {
        rule: "ecr-immutable-tags",
        type: "aws:ecr/repository:Repository",
        compliant: repository(),
        broken: [
            { name: "MUTABLE tags", props: repository({ imageTagMutability: "MUTABLE" }) },
            { name: "mutability left to the MUTABLE default", props: repository({ imageTagMutability: undefined }) },
        ],
    },
    {
        rule: "ecr-kms-encryption",
        type: "aws:ecr/repository:Repository",
        compliant: repository(),
        broken: [
            { name: "AES256", props: repository({ encryptionConfigurations: [{ encryptionType: "AES256" }] }) },
            { name: "default encryption", props: repository({ encryptionConfigurations: undefined }) },
        ],
    },
    {
        rule: "kms-key-rotation",
        type: "aws:kms/key:Key",
        compliant: { description: "EKS secrets", enableKeyRotation: true, deletionWindowInDays: 30 },
        broken: [
            { name: "rotation disabled", props: { description: "EKS secrets", enableKeyRotation: false } },
            { name: "rotation unset on an explicit symmetric key", props: { description: "EKS secrets", customerMasterKeySpec: "SYMMETRIC_DEFAULT" } },
        ],
    },
    {
        rule: "s3-public-access-block",
        type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        compliant: publicAccessBlock(),
        broken: [
            { name: "blockPublicAcls false", props: publicAccessBlock({ blockPublicAcls: false }) },
            { name: "blockPublicPolicy false", props: publicAccessBlock({ blockPublicPolicy: false }) },
            { name: "ignorePublicAcls false", props: publicAccessBlock({ ignorePublicAcls: false }) },
            { name: "restrictPublicBuckets unset", props: publicAccessBlock({ restrictPublicBuckets: undefined }) },
        ],
    },
    {
        rule: "s3-no-public-acl",
        type: "aws:s3/bucketAclV2:BucketAclV2",
        compliant: { bucket: "platform-artifacts", acl: "private" },
        broken: [
            { name: "canned public-read", props: { bucket: "platform-artifacts", acl: "public-read" } },
            {
                name: "grant to AllUsers",
                props: {
                    bucket: "platform-artifacts",
                    accessControlPolicy: {
                        owner: { id: "owner" },
                        grants: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" } }],
                    },
                },
            },
        ],
    },
    {
        rule: "s3-no-public-acl",
        type: "aws:s3/bucket:Bucket",
        compliant: { bucket: "platform-artifacts", serverSideEncryptionConfiguration: INLINE_SSE },
        broken: [
            { name: "bucket acl public-read-write", props: { bucket: "platform-artifacts", serverSideEncryptionConfiguration: INLINE_SSE, acl: "public-read-write" } },
            {
                name: "bucket grant to AuthenticatedUsers",
                props: {
                    bucket: "platform-artifacts",
                    serverSideEncryptionConfiguration: INLINE_SSE,
                    grants: [{ type: "Group", permissions: ["READ"], uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" }],
                },
            },
        ],
    },
    {
        rule: "ec2-no-public-admin-ports",
        type: "aws:ec2/securityGroup:SecurityGroup",
        compliant: securityGroup([]),
        broken: [
            { name: "SSH from anywhere", props: securityGroup([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]) },
            { name: "RDP from anywhere over IPv6", props: securityGroup([{ protocol: "tcp", fromPort: 3389, toPort: 3389, ipv6CidrBlocks: ["::/0"] }]) },
            { name: "all traffic from anywhere", props: securityGroup([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]) },
            { name: "full TCP range from anywhere", props: securityGroup([{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }]) },
            { name: "Kubernetes API from anywhere", props: securityGroup([{ protocol: "tcp", fromPort: 6443, toPort: 6443, cidrBlocks: ["0.0.0.0/0"] }]) },
            {
                name: "configured port from anywhere",
                props: securityGroup([{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["0.0.0.0/0"] }]),
                config: { adminPorts: [8443] },
            },
            {
                name: "all traffic from anywhere with no admin ports configured",
                props: securityGroup([{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }]),
                config: { adminPorts: [] },
            },
        ],
    },
    {
        rule: "ec2-no-public-admin-ports",
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        compliant: { securityGroupId: "sg-0123", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
        broken: [
            { name: "kubelet from anywhere", props: { securityGroupId: "sg-0123", ipProtocol: "tcp", fromPort: 10250, toPort: 10250, cidrIpv4: "0.0.0.0/0" } },
            { name: "all protocols from ::/0", props: { securityGroupId: "sg-0123", ipProtocol: "-1", cidrIpv6: "::/0" } },
        ],
    },
    {
        rule: "ec2-no-public-admin-ports",
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        compliant: { type: "ingress", securityGroupId: "sg-0123", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        broken: [{ name: "PostgreSQL from anywhere", props: { type: "ingress", securityGroupId: "sg-0123", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] } }],
    },
    {
        rule: "iam-no-full-admin-policy",
        type: "aws:iam/policy:Policy",
        compliant: { description: "read build artifacts", policy: doc([READ_ARTIFACTS]) },
        broken: [
            { name: "Action * on Resource * (JSON string)", props: { policy: doc([READ_ARTIFACTS, { Effect: "Allow", Action: "*", Resource: "*" }]) } },
            { name: "Action *:* on Resource * (object, lists)", props: { policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*:*"], Resource: ["*"] }] } } },
            { name: "everything but IAM (NotAction) on Resource *", props: { policy: doc([READ_ARTIFACTS, { Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }]) } },
        ],
    },
    {
        rule: "iam-no-full-admin-policy",
        type: "aws:iam/rolePolicy:RolePolicy",
        compliant: { role: "platform-ci", policy: doc([READ_ARTIFACTS]) },
        broken: [{ name: "inline role policy with a single admin statement", props: { role: "platform-ci", policy: doc([{ Effect: "Allow", Action: "*", Resource: "*" }]) } }],
    },
    {
        rule: "iam-no-full-admin-policy",
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        compliant: { role: "platform-ci", policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" },
        broken: [{ name: "AdministratorAccess attached", props: { role: "platform-ci", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } }],
    },
];

const res = (type: string, name: string, props: Props) => ({ type, name, props });
const BUCKET = res("aws:s3/bucket:Bucket", "artifacts", { bucket: "platform-artifacts" });
const SSE = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "artifacts-sse", {
    bucket: "platform-artifacts",
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_ARN }, bucketKeyEnabled: true }],
});
const BPA = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "artifacts-bpa", publicAccessBlock());

export const stackCases: StackCase[] = [
    {
        rule: "s3-bucket-encryption",
        compliant: [
            BUCKET,
            SSE,
            BPA,
            res("aws:s3/bucketV2:BucketV2", "logs", {
                bucket: "platform-logs",
                serverSideEncryptionConfiguration: INLINE_SSE,
            }),
            // An auto-named bucket, referred to by the generated name Pulumi gives it.
            res("aws:s3/bucketV2:BucketV2", "scratch", {}),
            res("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "scratch-sse", {
                bucket: "scratch-d01d67d8",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_ARN } }],
            }),
        ],
        broken: [
            { name: "bucket without an encryption configuration", resources: [BUCKET, BPA] },
            { name: "encryption configured for another bucket", resources: [BUCKET, { ...SSE, props: { ...SSE.props, bucket: "platform-other" } }, BPA] },
            { name: "BucketV2 without encryption", resources: [res("aws:s3/bucketV2:BucketV2", "logs", { bucket: "platform-logs" })] },
        ],
    },
];
