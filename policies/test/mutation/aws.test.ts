/**
 * Mutation-level tests of the AWS rules (policies/rules/aws): the exact messages users see, the
 * boundaries each rule draws (port ranges, hop limits, canned ACLs, policy statements), the
 * settings the rules read, every shape a field may arrive in, and malformed input that must
 * neither crash a rule nor produce a finding.
 */
import * as assert from "assert";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { awsRules } from "../../rules/aws";
import { ec2EbsEncrypted } from "../../rules/aws/ebs-encryption";
import { ecrImmutableTags } from "../../rules/aws/ecr-immutable-tags";
import { ecrKmsEncryption } from "../../rules/aws/ecr-kms-encryption";
import { ecrScanOnPush } from "../../rules/aws/ecr-scan-on-push";
import { eksControlPlaneLogging } from "../../rules/aws/eks-control-plane-logging";
import { eksEndpointNotPublic } from "../../rules/aws/eks-endpoint-public";
import { eksSecretsEncryption } from "../../rules/aws/eks-secrets-encryption";
import { allActionsNotResource, grantsFullAdmin, iamNoFullAdminPolicy, notActionOnAll } from "../../rules/aws/iam-admin-policy";
import { ec2ImdsHopLimit } from "../../rules/aws/imds-hop-limit";
import { ec2ImdsV2Required, IMDS_TYPES } from "../../rules/aws/imdsv2";
import { kmsKeyRotation } from "../../rules/aws/kms-key-rotation";
import { s3BucketEncryption } from "../../rules/aws/s3-encryption";
import { s3PublicAccessBlock } from "../../rules/aws/s3-public-access-block";
import { s3NoPublicAcl } from "../../rules/aws/s3-public-acl";
import { DEFAULT_ADMIN_PORTS, ec2NoPublicAdminPorts } from "../../rules/aws/security-group-admin-ports";
import { ANYWHERE, asList, asObject, label } from "../../rules/aws/util";
import type { Rule, StackRule } from "../../rules/types";
import { publishedMeta, runRules, urnOf, type FixtureResource } from "../support";

type Props = Record<string, unknown>;

/** The messages `rule` reports for one resource (each on that resource's URN). */
async function check(rule: Rule, type: string, name: string, props: Props, config: Props = {}): Promise<string[]> {
    const findings = await runRules([rule], [{ type, name, props }], config);
    for (const f of findings) {
        assert.strictEqual(f.rule, rule.name);
        assert.strictEqual(f.urn, urnOf(type, name));
    }
    return findings.map((f) => f.message);
}

const CLUSTER = "aws:eks/cluster:Cluster";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const INSTANCE = "aws:ec2/instance:Instance";
const VOLUME = "aws:ebs/volume:Volume";
const REPO = "aws:ecr/repository:Repository";
const KEY = "aws:kms/key:Key";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const KMS_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100";

const EXPECTED_META: Record<string, { description: string; severity: string; enforcementLevel: string; controls: object; remediationSteps: string; settings: object }> = {
    "eks-endpoint-not-public": {
        description: "EKS API endpoints must be private or limited to specific CIDRs (not 0.0.0.0/0 or ::/0).",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"cisEks":["5.4.1"],"nsaCisa":"network-separation","awsFsbp":["EKS.1"],"kubescape":["C-0227"]},
        remediationSteps: "Set vpcConfig.endpointPublicAccess = false, or list the office/VPN CIDRs in vpcConfig.publicAccessCidrs.",
        settings: {},
    },
    "eks-secrets-encryption": {
        description: "EKS clusters must encrypt Kubernetes Secrets with a customer-managed KMS key.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"cisEks":["5.3.1"],"nsaCisa":"network-separation","awsFsbp":["EKS.3"],"kubescape":["C-0066"]},
        remediationSteps: "Add encryptionConfig { resources: [\"secrets\"], provider.keyArn: <customer KMS key ARN> } to the cluster.",
        settings: {},
    },
    "eks-control-plane-logging": {
        description: "EKS clusters should enable all control-plane log types (api, audit, authenticator, controllerManager, scheduler).",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {"cisEks":["2.1.1"],"nsaCisa":"audit-logging","awsFsbp":["EKS.8"],"kubescape":["C-0067"]},
        remediationSteps: "Set enabledClusterLogTypes = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \"scheduler\"] on the cluster.",
        settings: {"requiredLogTypes":{"type":"array","items":{"type":"string","enum":["api","audit","authenticator","controllerManager","scheduler"]},"default":["api","audit","authenticator","controllerManager","scheduler"],"description":"Control-plane log types every cluster must enable."}},
    },
    "ec2-imdsv2-required": {
        description: "Launch templates and instances must require IMDSv2 (metadataOptions.httpTokens = \"required\").",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["5.6"],"nsaCisa":"network-separation","awsFsbp":["EC2.8"]},
        remediationSteps: "Set metadataOptions.httpTokens = \"required\" on launch templates and instances.",
        settings: {},
    },
    "ec2-imds-hop-limit": {
        description: "Node launch templates should keep the IMDS hop limit at 1 so pods cannot reach node credentials.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {"nsaCisa":"network-separation","kubescape":["C-0052"]},
        remediationSteps: "Set metadataOptions.httpPutResponseHopLimit = 1 on node launch templates (pods get AWS access through IRSA or Pod Identity).",
        settings: {"maxHopLimit":{"type":"integer","minimum":1,"default":1,"description":"Largest httpPutResponseHopLimit allowed."}},
    },
    "ec2-ebs-encrypted": {
        description: "EBS volumes in launch templates, instances and volumes must set encrypted = true.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["2.2.1"],"awsFsbp":["EC2.3"]},
        remediationSteps: "Set encrypted = true on every EBS block device (ebs.encrypted in launch templates and instances, encrypted on aws.ebs.Volume), with a customer KMS key.",
        settings: {},
    },
    "ecr-scan-on-push": {
        description: "ECR repositories must scan images on push.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: {"cisEks":["5.1.1"],"nsaCisa":"pod-security","awsFsbp":["ECR.1"],"kubescape":["C-0221"]},
        remediationSteps: "Set imageScanningConfiguration.scanOnPush = true on the repository (or enable registry-wide enhanced scanning).",
        settings: {},
    },
    "ecr-immutable-tags": {
        description: "ECR repositories must use immutable image tags.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: {"awsFsbp":["ECR.2"]},
        remediationSteps: "Set imageTagMutability = \"IMMUTABLE\" on the repository and deploy by digest.",
        settings: {},
    },
    "ecr-kms-encryption": {
        description: "ECR repositories should be encrypted with a KMS key.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Set encryptionConfigurations = [{ encryptionType: \"KMS\", kmsKey: <key ARN> }] on the repository.",
        settings: {},
    },
    "kms-key-rotation": {
        description: "Symmetric KMS keys must enable automatic key rotation.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["3.6"],"awsFsbp":["KMS.4"]},
        remediationSteps: "Set enableKeyRotation = true on the key.",
        settings: {},
    },
    "s3-public-access-block": {
        description: "S3 public access blocks must set all four flags to true.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["2.1.4"],"awsFsbp":["S3.8"]},
        remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
        settings: {},
    },
    "s3-no-public-acl": {
        description: "S3 buckets must not grant access to everyone or to any AWS account through ACLs.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["2.1.4"],"awsFsbp":["S3.2","S3.3"]},
        remediationSteps: "Use acl \"private\" (or no ACL with BucketOwnerEnforced ownership) and grant access through bucket policies to named principals.",
        settings: {},
    },
    "s3-bucket-encryption": {
        description: "S3 buckets should declare default server-side encryption.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {"cisAws":["2.1.1"]},
        remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm \"aws:kms\" and a customer KMS key.",
        settings: {},
    },
    "ec2-no-public-admin-ports": {
        description: "Security groups must not open administrative or data ports (or all traffic) to 0.0.0.0/0 or ::/0.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["5.2"],"nsaCisa":"network-separation","awsFsbp":["EC2.53","EC2.54"]},
        remediationSteps: "Limit the ingress rule's cidrBlocks to known networks, or reach the hosts through SSM Session Manager or a bastion.",
        settings: {"adminPorts":{"type":"array","items":{"type":"integer","minimum":0,"maximum":65535},"default":[22,3389,2375,2376,2379,2380,6443,10250,10255,3306,5432,6379,27017],"description":"Ports that must not be open to the internet; all traffic (protocol -1) is reported whatever this lists."}},
    },
    "iam-no-full-admin-policy": {
        description: "IAM policies must not allow \"*\" actions on \"*\" resources (nor all but a NotAction or NotResource list), nor attach AdministratorAccess or PowerUserAccess.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: {"cisAws":["1.16"],"awsFsbp":["IAM.1"]},
        remediationSteps: "Replace Action \"*\" on Resource \"*\" (or NotAction / NotResource) with the actions and resources the principal needs.",
        settings: {},
    },
};

describe("aws rules (mutation)", () => {
    describe("metadata", () => {
        it("every AWS rule publishes its id, description, severity, level, controls, remediation and settings", () => {
            assert.deepStrictEqual(awsRules.map((r) => r.name), Object.keys(EXPECTED_META));
            for (const r of awsRules) assert.deepStrictEqual(publishedMeta(r), EXPECTED_META[r.name], r.name);
        });

        it("single-type rules declare that type to the SDK", () => {
            const typeOf = (r: Rule) => ("validateResource" in r ? (r.validateResource as unknown as { __pulumiType?: string }).__pulumiType : undefined);
            assert.strictEqual(typeOf(ecrImmutableTags), REPO);
            assert.strictEqual(typeOf(ecrKmsEncryption), REPO);
            assert.strictEqual(typeOf(ecrScanOnPush), REPO);
            assert.strictEqual(typeOf(eksControlPlaneLogging), CLUSTER);
            assert.strictEqual(typeOf(eksEndpointNotPublic), CLUSTER);
            assert.strictEqual(typeOf(eksSecretsEncryption), CLUSTER);
            assert.strictEqual(typeOf(kmsKeyRotation), KEY);
            assert.deepStrictEqual(IMDS_TYPES, [LT, INSTANCE]);
            assert.deepStrictEqual(DEFAULT_ADMIN_PORTS, [22, 3389, 2375, 2376, 2379, 2380, 6443, 10250, 10255, 3306, 5432, 6379, 27017]);
        });
    });

    describe("util", () => {
        it("asList wraps single values and drops null/undefined", () => {
            assert.deepStrictEqual(asList(undefined), []);
            assert.deepStrictEqual(asList(null), []);
            assert.deepStrictEqual(asList("a"), ["a"]);
            assert.deepStrictEqual(asList(0), [0]);
            assert.deepStrictEqual(asList(false), [false]);
            const arr = [1, 2];
            assert.strictEqual(asList(arr), arr);
        });

        it("asObject keeps plain objects only", () => {
            const o = { a: 1 };
            assert.strictEqual(asObject(o), o);
            assert.deepStrictEqual(asObject([1]), {});
            assert.deepStrictEqual(asObject(null), {});
            assert.deepStrictEqual(asObject("x"), {});
            assert.deepStrictEqual(asObject(undefined), {});
        });

        it("ANYWHERE and label", () => {
            assert.deepStrictEqual(ANYWHERE, ["0.0.0.0/0", "::/0"]);
            assert.strictEqual(label({ type: "aws:s3/bucket:Bucket", name: "logs" }), "Bucket logs");
            assert.strictEqual(label({ type: "Bucket", name: "logs" }), "Bucket logs");
        });
    });

    describe("ec2-ebs-encrypted", () => {
        const fix = ": set encrypted = true (and kmsKeyId to a customer key).";
        it("passes launch template devices encrypted with true or \"true\"", async () => {
            const props = { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }, { deviceName: "/dev/xvdb", ebs: { encrypted: "true", kmsKeyId: KMS_ARN } }] };
            assert.deepStrictEqual(await check(ec2EbsEncrypted, LT, "nodes", props), []);
        });

        it("names each unencrypted launch template device by index and device name, skipping non-EBS mappings", async () => {
            const props = {
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { encrypted: false } },
                    { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
                    { ebs: { volumeSize: 10 } },
                    "junk",
                    { deviceName: "/dev/xvdc", ebs: { encrypted: "false" } },
                    { deviceName: "/dev/xvdd", ebs: { encrypted: "TRUE" } },
                ],
            };
            assert.deepStrictEqual(await check(ec2EbsEncrypted, LT, "nodes", props), [
                `LaunchTemplate nodes declares an unencrypted EBS volume at blockDeviceMappings[0].ebs (/dev/xvda)${fix}`,
                `LaunchTemplate nodes declares an unencrypted EBS volume at blockDeviceMappings[2].ebs (?)${fix}`,
                `LaunchTemplate nodes declares an unencrypted EBS volume at blockDeviceMappings[4].ebs (/dev/xvdc)${fix}`,
                `LaunchTemplate nodes declares an unencrypted EBS volume at blockDeviceMappings[5].ebs (/dev/xvdd)${fix}`,
            ]);
        });

        it("reads a single mapping object as a one-element list; no mappings is nothing to check", async () => {
            assert.deepStrictEqual(await check(ec2EbsEncrypted, LT, "nodes", { blockDeviceMappings: { deviceName: "/dev/xvda", ebs: {} } }), [
                `LaunchTemplate nodes declares an unencrypted EBS volume at blockDeviceMappings[0].ebs (/dev/xvda)${fix}`,
            ]);
            assert.deepStrictEqual(await check(ec2EbsEncrypted, LT, "nodes", {}), []);
            assert.deepStrictEqual(await check(ec2EbsEncrypted, LT, "nodes", { blockDeviceMappings: null }), []);
        });

        it("checks an instance's root and extra block devices", async () => {
            assert.deepStrictEqual(
                await check(ec2EbsEncrypted, INSTANCE, "bastion", { rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ encrypted: true }, { encrypted: false }] }),
                [`Instance bastion declares an unencrypted EBS volume at ebsBlockDevices[1]${fix}`],
            );
            assert.deepStrictEqual(await check(ec2EbsEncrypted, INSTANCE, "bastion", { rootBlockDevice: {}, ebsBlockDevices: { encrypted: "no" } }), [
                `Instance bastion declares an unencrypted EBS volume at rootBlockDevice${fix}`,
                `Instance bastion declares an unencrypted EBS volume at ebsBlockDevices[0]${fix}`,
            ]);
        });

        it("an instance that declares no block devices (or null lists) has nothing to report", async () => {
            assert.deepStrictEqual(await check(ec2EbsEncrypted, INSTANCE, "bastion", {}), []);
            assert.deepStrictEqual(await check(ec2EbsEncrypted, INSTANCE, "bastion", { rootBlockDevice: { encrypted: "true" }, ebsBlockDevices: null }), []);
        });

        it("checks standalone volumes", async () => {
            assert.deepStrictEqual(await check(ec2EbsEncrypted, VOLUME, "data", { encrypted: true }), []);
            assert.deepStrictEqual(await check(ec2EbsEncrypted, VOLUME, "data", { encrypted: "true" }), []);
            assert.deepStrictEqual(await check(ec2EbsEncrypted, VOLUME, "data", { size: 10 }), [`Volume data declares an unencrypted EBS volume at volume${fix}`]);
        });

        it("ignores other resource types even with the same fields", async () => {
            const props = { encrypted: false, rootBlockDevice: {}, blockDeviceMappings: [{ ebs: {} }] };
            assert.deepStrictEqual(await check(ec2EbsEncrypted, BUCKET, "b", props), []);
            assert.deepStrictEqual(await check(ec2EbsEncrypted, "aws:ec2/spotInstanceRequest:SpotInstanceRequest", "b", props), []);
        });
    });

    describe("ecr-immutable-tags", () => {
        it("passes IMMUTABLE and IMMUTABLE_WITH_EXCLUSION", async () => {
            assert.deepStrictEqual(await check(ecrImmutableTags, REPO, "web", { imageTagMutability: "IMMUTABLE" }), []);
            assert.deepStrictEqual(await check(ecrImmutableTags, REPO, "web", { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }), []);
        });

        it("reports the default, MUTABLE and anything else with its value", async () => {
            assert.deepStrictEqual(await check(ecrImmutableTags, REPO, "web", {}), ['Repository web has imageTagMutability MUTABLE: set imageTagMutability = "IMMUTABLE".']);
            assert.deepStrictEqual(await check(ecrImmutableTags, REPO, "web", { imageTagMutability: "MUTABLE_WITH_EXCLUSION" }), [
                'Repository web has imageTagMutability MUTABLE_WITH_EXCLUSION: set imageTagMutability = "IMMUTABLE".',
            ]);
            assert.deepStrictEqual(await check(ecrImmutableTags, REPO, "web", { imageTagMutability: "NOT_IMMUTABLE" }), [
                'Repository web has imageTagMutability NOT_IMMUTABLE: set imageTagMutability = "IMMUTABLE".',
            ]);
        });

        it("only checks ECR repositories", async () => {
            assert.deepStrictEqual(await check(ecrImmutableTags, BUCKET, "web", {}), []);
        });
    });

    describe("ecr-kms-encryption", () => {
        const fix = ' encryption: set encryptionConfigurations [{ encryptionType: "KMS", kmsKey: <key ARN> }].';
        it("passes KMS in any case, as a list or a single block, and KMS_DSSE", async () => {
            for (const encryptionConfigurations of [[{ encryptionType: "KMS", kmsKey: KMS_ARN }], { encryptionType: "kms" }, [{ encryptionType: "KMS_DSSE" }, { encryptionType: "AES256" }]]) {
                assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", { encryptionConfigurations }), [], JSON.stringify(encryptionConfigurations));
            }
        });

        it("reports the default and explicit AES256, reading only the first configuration", async () => {
            assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", {}), [`Repository web uses the default AES256${fix}`]);
            assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", { encryptionConfigurations: [] }), [`Repository web uses the default AES256${fix}`]);
            assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", { encryptionConfigurations: [{ encryptionType: "AES256" }, { encryptionType: "KMS" }] }), [
                `Repository web uses AES256${fix}`,
            ]);
            assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", { encryptionConfigurations: [{ encryptionType: "XKMS" }] }), [`Repository web uses XKMS${fix}`]);
        });

        it("odd-typed encryptionType does not crash", async () => {
            assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", { encryptionConfigurations: [{ encryptionType: 5 }] }), [`Repository web uses 5${fix}`]);
            assert.deepStrictEqual(await check(ecrKmsEncryption, REPO, "web", { encryptionConfigurations: ["KMS"] }), [`Repository web uses the default AES256${fix}`]);
        });
    });

    describe("ecr-scan-on-push", () => {
        const msg = "Repository web does not scan images on push: set imageScanningConfiguration.scanOnPush = true.";
        it("passes scanOnPush true as a block or one-element list", async () => {
            assert.deepStrictEqual(await check(ecrScanOnPush, REPO, "web", { imageScanningConfiguration: { scanOnPush: true } }), []);
            assert.deepStrictEqual(await check(ecrScanOnPush, REPO, "web", { imageScanningConfiguration: [{ scanOnPush: true }] }), []);
        });

        it("reports missing, false and string values", async () => {
            assert.deepStrictEqual(await check(ecrScanOnPush, REPO, "web", {}), [msg]);
            assert.deepStrictEqual(await check(ecrScanOnPush, REPO, "web", { imageScanningConfiguration: { scanOnPush: false } }), [msg]);
            assert.deepStrictEqual(await check(ecrScanOnPush, REPO, "web", { imageScanningConfiguration: { scanOnPush: "true" } }), [msg]);
            assert.deepStrictEqual(await check(ecrScanOnPush, REPO, "web", { imageScanningConfiguration: "yes" }), [msg]);
        });
    });

    describe("eks-control-plane-logging", () => {
        const msg = (missing: string) => `Cluster prod does not enable control-plane logs ${missing}: add them to enabledClusterLogTypes.`;
        const ALL = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
        it("passes a cluster with every log type", async () => {
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", { enabledClusterLogTypes: [...ALL].reverse() }), []);
        });

        it("lists every missing type, in order", async () => {
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", {}), [msg("api, audit, authenticator, controllerManager, scheduler")]);
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", { enabledClusterLogTypes: null }), [msg("api, audit, authenticator, controllerManager, scheduler")]);
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", { enabledClusterLogTypes: ["api", "scheduler"] }), [msg("audit, authenticator, controllerManager")]);
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", { enabledClusterLogTypes: "audit" }), [msg("api, authenticator, controllerManager, scheduler")]);
        });

        it("reads requiredLogTypes from config", async () => {
            const config = { requiredLogTypes: ["audit", "authenticator"] };
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", { enabledClusterLogTypes: ["audit", "authenticator"] }, config), []);
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", { enabledClusterLogTypes: ["api", "audit"] }, config), [msg("authenticator")]);
            assert.deepStrictEqual(await check(eksControlPlaneLogging, CLUSTER, "prod", {}, { requiredLogTypes: [] }), []);
        });
    });

    describe("eks-endpoint-not-public", () => {
        const msg = (open: string) =>
            `Cluster prod exposes its API endpoint publicly to ${open}: set vpcConfig.endpointPublicAccess=false ` +
            `with endpointPrivateAccess=true, or list your office/VPN ranges in vpcConfig.publicAccessCidrs.`;
        it("passes a private endpoint, as a block or a one-element list", async () => {
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: { endpointPublicAccess: false } }), []);
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: [{ endpointPublicAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }] }), []);
        });

        it("passes a public endpoint limited to known CIDRs", async () => {
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "2001:db8::/32"] } }), []);
        });

        it("reports the default (unset vpcConfig, no CIDRs, odd-typed CIDRs) as 0.0.0.0/0", async () => {
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", {}), [msg("0.0.0.0/0 (default)")]);
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: [] } }), [msg("0.0.0.0/0 (default)")]);
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: { endpointPublicAccess: "false", publicAccessCidrs: "10.0.0.0/8" } }), [msg("0.0.0.0/0 (default)")]);
        });

        it("names each open-to-the-world CIDR, IPv4 and IPv6", async () => {
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: { publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0", "::/0"] } }), [msg("0.0.0.0/0, ::/0")]);
            assert.deepStrictEqual(await check(eksEndpointNotPublic, CLUSTER, "prod", { vpcConfig: [{ publicAccessCidrs: ["::/0"] }] }), [msg("::/0")]);
        });
    });

    describe("eks-secrets-encryption", () => {
        const msg = 'Cluster prod does not encrypt Secrets with a KMS key: set encryptionConfig { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } }.';
        it("passes secrets under a key ARN, as a block or any element of a list", async () => {
            assert.deepStrictEqual(await check(eksSecretsEncryption, CLUSTER, "prod", { encryptionConfig: { resources: ["secrets"], provider: { keyArn: KMS_ARN } } }), []);
            assert.deepStrictEqual(await check(eksSecretsEncryption, CLUSTER, "prod", { encryptionConfig: { resources: "secrets", provider: { keyArn: "k" } } }), []);
            assert.deepStrictEqual(
                await check(eksSecretsEncryption, CLUSTER, "prod", { encryptionConfig: [{ resources: ["configmaps"], provider: { keyArn: KMS_ARN } }, { resources: ["secrets"], provider: { keyArn: KMS_ARN } }] }),
                [],
            );
        });

        it("reports no config, other resources, and missing, empty or odd-typed key ARNs", async () => {
            for (const encryptionConfig of [
                undefined,
                null,
                [],
                { resources: ["configmaps"], provider: { keyArn: KMS_ARN } },
                { resources: ["secrets"] },
                { resources: ["secrets"], provider: { keyArn: "" } },
                { resources: ["secrets"], provider: { keyArn: 42 } },
                { resources: ["secrets"], provider: "k" },
                ["secrets"],
            ]) {
                assert.deepStrictEqual(await check(eksSecretsEncryption, CLUSTER, "prod", { encryptionConfig }), [msg], JSON.stringify(encryptionConfig));
            }
        });
    });

    describe("iam-no-full-admin-policy", () => {
        const admin = (where: string, lbl = "Policy p") => `${lbl} ${where} allows Action "*" on Resource "*": list the actions and resource ARNs the principal needs.`;
        const attaches = (lbl: string) => `${lbl} attaches the AdministratorAccess managed policy: attach a least-privilege policy instead.`;
        const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
        const doc = (...Statement: Props[]) => JSON.stringify({ Version: "2012-10-17", Statement });
        const FULL = { Effect: "Allow", Action: "*", Resource: "*" };

        it("grantsFullAdmin: Allow with Action * or *:* (string or in a list) on Resource *", () => {
            assert.strictEqual(grantsFullAdmin(doc(FULL)), true);
            assert.strictEqual(grantsFullAdmin({ Statement: [FULL] }), true);
            assert.strictEqual(grantsFullAdmin({ Statement: FULL }), true);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", Action: "*:*", Resource: "*" }] }), true);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: ["arn:aws:s3:::b", "*"] }] }), true);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }, FULL] }), true);
        });

        it("grantsFullAdmin: Deny, NotAction, service wildcards and scoped resources are not full admin", () => {
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", Action: "**", Resource: "*" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b/*" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::b" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Action: "*", Resource: "*" }] }), false);
            assert.strictEqual(grantsFullAdmin({ Statement: [{ Effect: "allow", Action: "*", Resource: "*" }] }), false);
        });

        it("notActionOnAll: the exclusion list of an Allow NotAction statement on Resource *", () => {
            assert.deepStrictEqual(notActionOnAll(doc({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" })), ["iam:*"]);
            assert.deepStrictEqual(notActionOnAll({ Statement: { Effect: "Allow", NotAction: "iam:*", Resource: ["arn:aws:s3:::b", "*"] } }), ["iam:*"]);
            const powerUser = ["iam:*", "organizations:*", "account:*"];
            assert.deepStrictEqual(notActionOnAll({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, { Effect: "Allow", NotAction: powerUser, Resource: "*" }] }), powerUser);
            assert.deepStrictEqual(notActionOnAll({ Statement: [{ Effect: "Allow", NotAction: [], Resource: "*" }] }), []);
            for (const d of [
                { Statement: [{ Effect: "Deny", NotAction: "iam:*", Resource: "*" }] },
                { Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b/*" }] },
                { Statement: [{ Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::b" }] },
                { Statement: [{ Effect: "Allow", NotAction: "*", Resource: "*" }] },
                { Statement: [{ Effect: "Allow", NotAction: ["s3:*", "*:*"], Resource: "*" }] },
                { Statement: [{ NotAction: "iam:*", Resource: "*" }] },
                { Statement: [{ Effect: "Allow", NotAction: null, Resource: "*" }] },
                { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
                undefined, "not json", { Statement: ["x", null] },
            ]) {
                assert.strictEqual(notActionOnAll(d), undefined, JSON.stringify(d));
            }
        });

        it("reports Allow NotAction on Resource * whatever it excludes short of *, once per document", async () => {
            const except = (list: string, where = "policy", lbl = "Policy p") =>
                `${lbl} ${where} allows every action except NotAction [${list}] on Resource "*": list the actions and resource ARNs the principal needs.`;
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy: doc({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }) }), [except("iam:*")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/rolePolicy:RolePolicy", "p", { policy: { Statement: { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" } } }), [
                except("iam:*, organizations:*, account:*", "policy", "RolePolicy p"),
            ]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", { inlinePolicies: [{ policy: doc({ Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: "*" }) }] }), [
                except("s3:DeleteBucket", "inlinePolicies[0]", "Role ci"),
            ]);
            // Full admin in the same document is the one finding.
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }, FULL) }), [admin("policy")]);
            for (const policy of [
                doc({ Effect: "Deny", NotAction: "iam:*", Resource: "*" }),
                doc({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b/*" }),
                doc({ Effect: "Allow", NotAction: ["iam:*", "*"], Resource: "*" }),
            ]) {
                assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy }), [], policy);
            }
        });

        it("allActionsNotResource: the exclusion list of an Allow Action * statement on NotResource", () => {
            assert.deepStrictEqual(allActionsNotResource(doc({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::audit" })), ["arn:aws:s3:::audit"]);
            assert.deepStrictEqual(allActionsNotResource({ Statement: { Effect: "Allow", Action: ["s3:GetObject", "*:*"], NotResource: ["a", "b"] } }), ["a", "b"]);
            assert.deepStrictEqual(allActionsNotResource({ Statement: [{ Effect: "Allow", Action: "*", NotResource: [] }] }), []);
            for (const d of [
                { Statement: [{ Effect: "Deny", Action: "*", NotResource: "a" }] },
                { Statement: [{ Effect: "Allow", Action: "s3:*", NotResource: "a" }] },
                { Statement: [{ Effect: "Allow", Action: "*", NotResource: ["a", "*"] }] },
                { Statement: [{ Effect: "Allow", Action: "*", NotResource: null }] },
                { Statement: [{ Action: "*", NotResource: "a" }] },
                { Statement: [FULL] },
                undefined, "not json", { Statement: ["x", null] },
            ]) {
                assert.strictEqual(allActionsNotResource(d), undefined, JSON.stringify(d));
            }
        });

        it("reports Action * on NotResource, and attachments of PowerUserAccess", async () => {
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy: doc({ Effect: "Allow", Action: "*", NotResource: ["arn:aws:s3:::audit", "arn:aws:s3:::audit/*"] }) }), [
                'Policy p policy allows Action "*" on every resource except NotResource [arn:aws:s3:::audit, arn:aws:s3:::audit/*]: list the actions and resource ARNs the principal needs.',
            ]);
            // NotAction on * is the one finding of a document that has both shapes.
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy: doc({ Effect: "Allow", Action: "*", NotResource: "a" }, { Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }), [
                'Policy p policy allows every action except NotAction [iam:*] on Resource "*": list the actions and resource ARNs the principal needs.',
            ]);
            const power = "attaches the PowerUserAccess managed policy (every action but IAM, Organizations and Account): attach a least-privilege policy instead.";
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", { policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }), [`RolePolicyAttachment a ${power}`]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "r", { managedPolicyArns: ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"] }), [`Role r ${power}`]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "r", { managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccessX", "arn:aws:iam::123456789012:policy/PowerUserAccess"] }), []);
        });

        it("grantsFullAdmin: unreadable documents are not full admin and do not throw", () => {
            for (const d of [undefined, null, "", "not json", "null", "[1]", "42", 42, true, [FULL], { Statement: null }, { Statement: ["x", null, 3] }, { Statement: [{ Effect: "Allow", Action: null, Resource: null }] }]) {
                assert.strictEqual(grantsFullAdmin(d), false, JSON.stringify(d));
            }
        });

        it("reports managed and inline policies of every type, as JSON strings or objects", async () => {
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy: doc(FULL) }), [admin("policy")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy: { Version: "2012-10-17", Statement: [FULL] } }), [admin("policy")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/rolePolicy:RolePolicy", "p", { policy: doc(FULL) }), [admin("policy", "RolePolicy p")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/userPolicy:UserPolicy", "p", { policy: doc(FULL) }), [admin("policy", "UserPolicy p")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/groupPolicy:GroupPolicy", "p", { policy: doc(FULL) }), [admin("policy", "GroupPolicy p")]);
        });

        it("passes least-privilege, Deny-only, NotAction and malformed policies", async () => {
            for (const policy of [
                doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }),
                doc({ Effect: "Deny", Action: "*", Resource: "*" }),
                doc({ Effect: "Allow", NotAction: "*", Resource: "*" }),
                "{ not json",
                undefined,
                42,
            ]) {
                assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policy:Policy", "p", { policy }), [], String(policy));
            }
        });

        it("reports each admin inline policy of a role by index", async () => {
            const props = {
                inlinePolicies: [
                    { name: "read", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
                    { name: "admin", policy: doc(FULL) },
                    "junk",
                    { name: "obj", policy: { Statement: [FULL] } },
                ],
            };
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", props), [admin("inlinePolicies[1]", "Role ci"), admin("inlinePolicies[3]", "Role ci")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", { inlinePolicies: { name: "admin", policy: doc(FULL) } }), [admin("inlinePolicies[0]", "Role ci")]);
        });

        it("does not read policy documents or managed ARNs of other resource types", async () => {
            const props = { policy: doc(FULL), inlinePolicies: [{ policy: doc(FULL) }], managedPolicyArns: [ADMIN] };
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/user:User", "u", props), []);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:s3/bucketPolicy:BucketPolicy", "u", props), []);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/policyAttachment:PolicyAttachment", "u", { ...props, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }), []);
        });

        it("reports attaching AdministratorAccess through each attachment type and managedPolicyArns", async () => {
            for (const t of [
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "aws:iam/userPolicyAttachment:UserPolicyAttachment",
                "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
                "aws:iam/policyAttachment:PolicyAttachment",
            ]) {
                assert.deepStrictEqual(await check(iamNoFullAdminPolicy, t, "a", { policyArn: ADMIN }), [attaches(`${t.split(":").pop()} a`)], t);
            }
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", { managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", ADMIN] }), [attaches("Role ci")]);
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", { managedPolicyArns: ADMIN }), [attaches("Role ci")]);
            assert.deepStrictEqual(
                await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", { inlinePolicies: [{ policy: doc(FULL) }], managedPolicyArns: [ADMIN, ADMIN] }),
                [admin("inlinePolicies[0]", "Role ci"), attaches("Role ci")],
            );
        });

        it("matches AdministratorAccess in every partition and nothing else", async () => {
            const T = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
            for (const arn of ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess", "arn:aws-cn:iam::aws:policy/AdministratorAccess"]) {
                assert.deepStrictEqual(await check(iamNoFullAdminPolicy, T, "a", { policyArn: arn }), [attaches("RolePolicyAttachment a")], arn);
            }
            for (const arn of [
                "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
                "arn:aws:iam::123456789012:policy/AdministratorAccess",
                "xarn:aws:iam::aws:policy/AdministratorAccess",
                "arn:aws1:iam::aws:policy/AdministratorAccess",
                "arn:aws:iam::aws:policy/job-function/AdministratorAccess",
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                [ADMIN],
                42,
                undefined,
            ]) {
                assert.deepStrictEqual(await check(iamNoFullAdminPolicy, T, "a", { policyArn: arn }), [], String(arn));
            }
            assert.deepStrictEqual(await check(iamNoFullAdminPolicy, "aws:iam/role:Role", "ci", { managedPolicyArns: [[ADMIN], null, 7] }), []);
        });
    });

    describe("ec2-imds-hop-limit", () => {
        const msg = (lbl: string, hops: number | string, max: number) =>
            `${lbl} sets metadataOptions.httpPutResponseHopLimit=${hops}, so pods can reach the node's instance ` +
            `credentials: set it to ${max} and give pods IAM roles through IRSA or EKS Pod Identity.`;
        it("passes a limit of 1 (the default maximum), unset and unreadable limits", async () => {
            for (const metadataOptions of [{ httpPutResponseHopLimit: 1 }, { httpPutResponseHopLimit: 0 }, {}, undefined, { httpPutResponseHopLimit: "abc" }, { httpPutResponseHopLimit: null }, [{ httpPutResponseHopLimit: 1 }], { httpPutResponseHopLimit: "Infinity" }]) {
                assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions }), [], JSON.stringify(metadataOptions));
            }
        });

        it("reports a limit above the maximum on launch templates and instances, numbers or strings", async () => {
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: { httpPutResponseHopLimit: 2 } }), [msg("LaunchTemplate nodes", 2, 1)]);
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: [{ httpPutResponseHopLimit: "3" }] }), [msg("LaunchTemplate nodes", 3, 1)]);
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, INSTANCE, "vm", { metadataOptions: { httpPutResponseHopLimit: 64 } }), [msg("Instance vm", 64, 1)]);
        });

        it("reads maxHopLimit from config (the limit itself passes)", async () => {
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: { httpPutResponseHopLimit: 2 } }, { maxHopLimit: 2 }), []);
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: { httpPutResponseHopLimit: 3 } }, { maxHopLimit: 2 }), [msg("LaunchTemplate nodes", 3, 2)]);
        });

        it("only checks launch templates and instances", async () => {
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, CLUSTER, "c", { metadataOptions: { httpPutResponseHopLimit: 5 } }), []);
        });

        it("a disabled metadata endpoint has no hops to limit; enabled or unset is checked", async () => {
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: { httpEndpoint: "disabled", httpPutResponseHopLimit: 2 } }), []);
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, INSTANCE, "vm", { metadataOptions: [{ httpEndpoint: "disabled", httpPutResponseHopLimit: 64 }] }), []);
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 2 } }), [msg("LaunchTemplate nodes", 2, 1)]);
            assert.deepStrictEqual(await check(ec2ImdsHopLimit, LT, "nodes", { metadataOptions: { httpEndpoint: "DISABLED", httpPutResponseHopLimit: 2 } }), [msg("LaunchTemplate nodes", 2, 1)], "AWS accepts lowercase only, as ec2-imdsv2-required reads it");
        });
    });

    describe("ec2-imdsv2-required", () => {
        const msg = (lbl: string, tokens: string) => `${lbl} allows IMDSv1 (metadataOptions.httpTokens is ${tokens}): set metadataOptions.httpTokens to "required".`;
        it("passes required tokens or a disabled endpoint, as a block or a list", async () => {
            assert.deepStrictEqual(await check(ec2ImdsV2Required, LT, "nodes", { metadataOptions: { httpTokens: "required" } }), []);
            assert.deepStrictEqual(await check(ec2ImdsV2Required, INSTANCE, "vm", { metadataOptions: [{ httpEndpoint: "disabled", httpTokens: "optional" }] }), []);
            assert.deepStrictEqual(await check(ec2ImdsV2Required, LT, "nodes", { metadataOptions: { httpEndpoint: "disabled" } }), []);
        });

        it("reports unset and optional tokens on launch templates and instances", async () => {
            assert.deepStrictEqual(await check(ec2ImdsV2Required, LT, "nodes", {}), [msg("LaunchTemplate nodes", "unset")]);
            assert.deepStrictEqual(await check(ec2ImdsV2Required, LT, "nodes", { metadataOptions: { httpEndpoint: "enabled" } }), [msg("LaunchTemplate nodes", "unset")]);
            assert.deepStrictEqual(await check(ec2ImdsV2Required, INSTANCE, "vm", { metadataOptions: { httpEndpoint: "enabled", httpTokens: "optional" } }), [msg("Instance vm", '"optional"')]);
            assert.deepStrictEqual(await check(ec2ImdsV2Required, INSTANCE, "vm", { metadataOptions: { httpTokens: "REQUIRED" } }), [msg("Instance vm", '"REQUIRED"')]);
        });

        it("only checks launch templates and instances", async () => {
            assert.deepStrictEqual(await check(ec2ImdsV2Required, CLUSTER, "c", {}), []);
        });
    });

    describe("kms-key-rotation", () => {
        const msg = "Key k is a symmetric key without rotation: set enableKeyRotation = true.";
        it("passes rotating symmetric keys and skips asymmetric and HMAC keys", async () => {
            assert.deepStrictEqual(await check(kmsKeyRotation, KEY, "k", { enableKeyRotation: true }), []);
            assert.deepStrictEqual(await check(kmsKeyRotation, KEY, "k", { keySpec: "RSA_2048" }), []);
            assert.deepStrictEqual(await check(kmsKeyRotation, KEY, "k", { customerMasterKeySpec: "HMAC_256" }), []);
            assert.deepStrictEqual(await check(kmsKeyRotation, KEY, "k", { customerMasterKeySpec: "ECC_NIST_P256", keySpec: "SYMMETRIC_DEFAULT" }), []);
        });

        it("reports symmetric keys (default, keySpec or customerMasterKeySpec) without rotation", async () => {
            for (const props of [{}, { enableKeyRotation: false }, { enableKeyRotation: "true" }, { keySpec: "SYMMETRIC_DEFAULT" }, { customerMasterKeySpec: "SYMMETRIC_DEFAULT", keySpec: "RSA_2048" }]) {
                assert.deepStrictEqual(await check(kmsKeyRotation, KEY, "k", props), [msg], JSON.stringify(props));
            }
        });

        it("only checks KMS keys", async () => {
            assert.deepStrictEqual(await check(kmsKeyRotation, REPO, "k", {}), []);
        });
    });

    describe("s3-public-access-block", () => {
        const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
        const tail = ": set all four of blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets to true.";
        const BPAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
        const APAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
        it("passes bucket and account blocks with all four flags", async () => {
            assert.deepStrictEqual(await check(s3PublicAccessBlock, BPAB, "pab", { bucket: "b", ...ALL_ON }), []);
            assert.deepStrictEqual(await check(s3PublicAccessBlock, APAB, "pab", ALL_ON), []);
        });

        it("names every flag left off, false or a string", async () => {
            assert.deepStrictEqual(await check(s3PublicAccessBlock, BPAB, "pab", { bucket: "b" }), [
                `BucketPublicAccessBlock pab does not enable blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets${tail}`,
            ]);
            assert.deepStrictEqual(await check(s3PublicAccessBlock, APAB, "pab", { ...ALL_ON, blockPublicPolicy: false, restrictPublicBuckets: "true" }), [
                `AccountPublicAccessBlock pab does not enable blockPublicPolicy, restrictPublicBuckets${tail}`,
            ]);
            assert.deepStrictEqual(await check(s3PublicAccessBlock, BPAB, "pab", { ...ALL_ON, blockPublicAcls: undefined }), [`BucketPublicAccessBlock pab does not enable blockPublicAcls${tail}`]);
            assert.deepStrictEqual(await check(s3PublicAccessBlock, BPAB, "pab", { ...ALL_ON, ignorePublicAcls: 1 }), [`BucketPublicAccessBlock pab does not enable ignorePublicAcls${tail}`]);
        });

        it("only checks public access blocks", async () => {
            assert.deepStrictEqual(await check(s3PublicAccessBlock, BUCKET, "b", {}), []);
        });
    });

    describe("s3-no-public-acl", () => {
        const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
        const AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
        const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
        const canned = (lbl: string, acl: string) => `${lbl} sets the canned ACL "${acl}": use "private" and share through IAM or presigned URLs.`;
        const grant = (lbl: string, g: string) => `${lbl} grants access to ${g}: remove that grant; share through IAM or presigned URLs.`;

        it("reports each public canned ACL on buckets (v1 and v2) and ACL resources", async () => {
            for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
                assert.deepStrictEqual(await check(s3NoPublicAcl, BUCKET, "site", { acl }), [canned("Bucket site", acl)], acl);
                assert.deepStrictEqual(await check(s3NoPublicAcl, BUCKET_V2, "site", { acl }), [canned("BucketV2 site", acl)], acl);
                assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketAclV2:BucketAclV2", "acl", { bucket: "b", acl }), [canned("BucketAclV2 acl", acl)], acl);
                assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketAcl:BucketAcl", "acl", { bucket: "b", acl }), [canned("BucketAcl acl", acl)], acl);
            }
        });

        it("passes private, log-delivery and odd-typed ACLs", async () => {
            for (const acl of ["private", "log-delivery-write", "bucket-owner-full-control", "PUBLIC-READ", "public-read ", ["public-read"], undefined, 1]) {
                assert.deepStrictEqual(await check(s3NoPublicAcl, BUCKET, "site", { acl }), [], String(acl));
            }
        });

        it("reports grants to AllUsers and AuthenticatedUsers on a bucket, once per group", async () => {
            const grants = [
                { type: "Group", uri: ALL_USERS, permissions: ["READ"] },
                { type: "Group", uri: ALL_USERS, permissions: ["READ_ACP"] },
                { type: "Group", uri: LOG_DELIVERY, permissions: ["WRITE"] },
                { type: "CanonicalUser", id: "abc", permissions: ["FULL_CONTROL"] },
                { type: "Group", uri: AUTH_USERS, permissions: ["READ"] },
                "junk",
            ];
            assert.deepStrictEqual(await check(s3NoPublicAcl, BUCKET, "site", { acl: "public-read", grants }), [
                canned("Bucket site", "public-read"),
                grant("Bucket site", "AllUsers"),
                grant("Bucket site", "AuthenticatedUsers"),
            ]);
            assert.deepStrictEqual(await check(s3NoPublicAcl, BUCKET_V2, "site", { grants: { type: "Group", uri: AUTH_USERS } }), [grant("BucketV2 site", "AuthenticatedUsers")]);
            assert.deepStrictEqual(await check(s3NoPublicAcl, BUCKET, "site", { grants: [{ grantee: { uri: ALL_USERS } }] }), []);
        });

        it("reports grants in a BucketAcl(V2) accessControlPolicy", async () => {
            const accessControlPolicy = {
                owner: { id: "owner" },
                grants: [
                    { grantee: { type: "Group", uri: AUTH_USERS }, permission: "READ" },
                    { grantee: { type: "CanonicalUser", id: "abc" }, permission: "FULL_CONTROL" },
                    { grantee: null, permission: "READ" },
                    { grantee: { type: "Group", uri: ALL_USERS }, permission: "WRITE" },
                ],
            };
            assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketAclV2:BucketAclV2", "acl", { bucket: "b", accessControlPolicy }), [
                grant("BucketAclV2 acl", "AuthenticatedUsers"),
                grant("BucketAclV2 acl", "AllUsers"),
            ]);
            assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketAcl:BucketAcl", "acl", { accessControlPolicy: { grants: { grantee: { uri: ALL_USERS } } } }), [grant("BucketAcl acl", "AllUsers")]);
        });

        it("does not read bucket-shaped grants on ACL resources, nor other resource types", async () => {
            assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketAclV2:BucketAclV2", "acl", { grants: [{ uri: ALL_USERS }], accessControlPolicy: "x" }), []);
            assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketAclV2:BucketAclV2", "acl", { accessControlPolicy: { grants: [{ uri: ALL_USERS }] } }), []);
            const everything = { acl: "public-read", grants: [{ uri: ALL_USERS }], accessControlPolicy: { grants: [{ grantee: { uri: ALL_USERS } }] } };
            assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketObject:BucketObject", "obj", everything), []);
            assert.deepStrictEqual(await check(s3NoPublicAcl, "aws:s3/bucketObjectv2:BucketObjectv2", "obj", everything), []);
        });
    });

    describe("s3-bucket-encryption", () => {
        const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
        const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
        const RULE = { rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_ARN } }] };
        const msg = (lbl: string) =>
            `${lbl} has no default encryption: add an aws.s3.BucketServerSideEncryptionConfiguration ` + `for it with sseAlgorithm "aws:kms" and a customer KMS key.`;
        const run = async (resources: FixtureResource[]) => (await runRules([s3BucketEncryption], resources)).map((f) => ({ rule: f.rule, message: f.message, urn: f.urn }));
        const finding = (type: string, name: string) => ({ rule: "s3-bucket-encryption", message: msg(`${type.split(":").pop()} ${name}`), urn: urnOf(type, name) });

        it("reports every bucket (v1 and v2) without encryption, on its URN, and nothing else", async () => {
            assert.deepStrictEqual(
                await run([
                    { type: BUCKET, name: "logs", props: {} },
                    { type: BUCKET_V2, name: "data", props: { bucket: "data-prod" } },
                    { type: "aws:s3/bucketPolicy:BucketPolicy", name: "pol", props: { bucket: "x" } },
                ]),
                [finding(BUCKET, "logs"), finding(BUCKET_V2, "data")],
            );
        });

        it("passes inline serverSideEncryptionConfiguration, but not an empty or odd-typed one", async () => {
            assert.deepStrictEqual(await run([{ type: BUCKET, name: "logs", props: { serverSideEncryptionConfiguration: RULE } }]), []);
            assert.deepStrictEqual(await run([{ type: BUCKET, name: "logs", props: { serverSideEncryptionConfiguration: {} } }]), [finding(BUCKET, "logs")]);
            assert.deepStrictEqual(await run([{ type: BUCKET, name: "logs", props: { serverSideEncryptionConfiguration: "aws:kms" } }]), [finding(BUCKET, "logs")]);
            assert.deepStrictEqual(await run([{ type: BUCKET, name: "logs", props: { serverSideEncryptionConfiguration: [RULE] } }]), [finding(BUCKET, "logs")]);
        });

        it("a separate SSE configuration (v1 or v2) covers the bucket its bucket input names: id, bucket name, ARN or resource name", async () => {
            const bucket = { type: BUCKET_V2, name: "data", props: { id: "data-id", bucket: "data-prod", arn: "arn:aws:s3:::data-prod" } };
            for (const ref of ["data-id", "data-prod", "arn:aws:s3:::data-prod", "data"]) {
                for (const t of [SSE, SSE_V2]) {
                    assert.deepStrictEqual(await run([bucket, { type: t, name: "sse", props: { bucket: ref, ...RULE } }]), [], `${t} ${ref}`);
                }
            }
        });

        it("an SSE configuration for another bucket, without a bucket, or with an odd-typed bucket does not cover it", async () => {
            const bucket = { type: BUCKET, name: "data", props: { bucket: "data-prod" } };
            for (const props of [{ bucket: "other" }, {}, { bucket: "" }, { bucket: 7 }, { bucket: ["data-prod"] }, { bucket: "data-prod-1234567" }]) {
                assert.deepStrictEqual(await run([bucket, { type: SSE, name: "sse", props }]), [finding(BUCKET, "data")], JSON.stringify(props));
            }
            assert.deepStrictEqual(await run([bucket, { type: "aws:s3/bucketVersioningV2:BucketVersioningV2", name: "v", props: { bucket: "data-prod" } }]), [finding(BUCKET, "data")]);
        });

        it("an empty bucket input never matches, even a bucket whose fields are empty", async () => {
            assert.deepStrictEqual(await run([{ type: BUCKET, name: "odd", props: { bucket: "", id: "" } }, { type: SSE, name: "sse", props: { bucket: "" } }]), [finding(BUCKET, "odd")]);
        });

        it("matches Pulumi auto-names <resource name>-<7 or 8 hex> only for buckets without an explicit name", async () => {
            const auto = { type: BUCKET, name: "logs", props: {} };
            for (const ref of ["logs-1a2b3c4", "logs-1a2b3c4d"]) {
                assert.deepStrictEqual(await run([auto, { type: SSE, name: "sse", props: { bucket: ref } }]), [], ref);
            }
            for (const ref of ["logs-1a2b3c", "logs-1a2b3c4d5", "logs-1A2B3C4", "logs-g1a2b3c4", "logs-1a2b3c4dz", "logs1a2b3c4", "1a2b3c4d", "xlogs-1a2b3c4", "logs-"]) {
                assert.deepStrictEqual(await run([auto, { type: SSE, name: "sse", props: { bucket: ref } }]), [finding(BUCKET, "logs")], ref);
            }
            const named = { type: BUCKET, name: "logs", props: { bucket: "logs-prod" } };
            assert.deepStrictEqual(await run([named, { type: SSE, name: "sse", props: { bucket: "logs-1a2b3c4" } }]), [finding(BUCKET, "logs")]);
        });

        it("a configuration whose bucket input depends on the bucket covers it (unknown names at preview)", async () => {
            const res = (type: string, name: string, props: Props, propertyDependencies?: Record<string, PolicyResource[]>): PolicyResource =>
                ({ type, name, urn: urnOf(type, name), props, opts: {}, dependencies: [], propertyDependencies, isType: () => false, asType: () => undefined }) as unknown as PolicyResource;
            const runDirect = async (resources: PolicyResource[]) => {
                const out: { message: string; urn?: string }[] = [];
                const args = { resources, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error("n/a"); } } as unknown as StackValidationArgs;
                await (s3BucketEncryption as StackRule).validateStack!(args, (message: string, urn?: string) => { out.push({ message, urn }); });
                return out;
            };
            const logs = res(BUCKET, "logs", { bucket: "logs-prod" });
            const other = res(BUCKET, "other", { bucket: "other-prod" });
            assert.deepStrictEqual(await runDirect([logs, other, res(SSE, "sse", { bucket: "unknown" }, { bucket: [logs] })]), [{ message: msg("Bucket other"), urn: urnOf(BUCKET, "other") }]);
            assert.deepStrictEqual(await runDirect([logs, res(SSE_V2, "sse", { bucket: "x" }, { bucket: [other] })]), [{ message: msg("Bucket logs"), urn: urnOf(BUCKET, "logs") }]);
            assert.deepStrictEqual(await runDirect([logs, res(SSE, "sse", { bucket: "x" }, undefined)]), [{ message: msg("Bucket logs"), urn: urnOf(BUCKET, "logs") }]);
            assert.deepStrictEqual(await runDirect([logs, res(SSE, "sse", { bucket: "logs-prod" }, {})]), []);
        });
    });

    describe("ec2-no-public-admin-ports", () => {
        const tail = ": restrict the source to known CIDRs or security groups, or reach the hosts through SSM Session Manager or a VPN.";
        const opens = (lbl: string, where: string, what: string, to: string) => `${lbl} ${where} opens ${what} to ${to}${tail}`;
        const sg = (...ingress: unknown[]) => ({ vpcId: "vpc-1", ingress });
        const tcp = (fromPort: unknown, toPort: unknown, cidrBlocks: unknown = ["0.0.0.0/0"]) => ({ protocol: "tcp", fromPort, toPort, cidrBlocks });

        it("writes the first message out in full", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(22, 22))), [
                "SecurityGroup web ingress[0] opens port 22 to 0.0.0.0/0: restrict the source to known CIDRs or security groups, or reach the hosts through SSM Session Manager or a VPN.",
            ]);
        });

        it("passes public non-admin ports and admin ports from private CIDRs", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(443, 443), tcp(80, 80, ["0.0.0.0/0", "::/0"]), tcp(22, 22, ["10.0.0.0/8"]), { protocol: "-1", cidrBlocks: ["10.0.0.0/8"], ipv6CidrBlocks: ["2001:db8::/32"] })), []);
        });

        it("range boundaries: from and to are inclusive", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(21, 22), tcp(22, 23), tcp(23, 2374), tcp(3389, 3390), tcp(3390, 5432), tcp(5433, 6378), tcp(27018, 65535))), [
                opens("SecurityGroup web", "ingress[0]", "port 22", "0.0.0.0/0"),
                opens("SecurityGroup web", "ingress[1]", "port 22", "0.0.0.0/0"),
                opens("SecurityGroup web", "ingress[3]", "port 3389", "0.0.0.0/0"),
                opens("SecurityGroup web", "ingress[4]", "port 5432", "0.0.0.0/0"),
            ]);
        });

        it("a range covering several admin ports lists them in adminPorts order", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(23, 3388), tcp(6000, 10300))), [
                opens("SecurityGroup web", "ingress[0]", "ports 2375, 2376, 2379, 2380, 3306", "0.0.0.0/0"),
                opens("SecurityGroup web", "ingress[1]", "ports 6443, 10250, 10255, 6379", "0.0.0.0/0"),
            ]);
        });

        it("an inverted range opens nothing", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(23, 22), tcp(3390, 3389))), []);
        });

        it("missing, null or empty ports mean an unbounded side of the range", async () => {
            const every = "ports 22, 3389, 2375, 2376, 2379, 2380, 6443, 10250, 10255, 3306, 5432, 6379, 27017";
            assert.deepStrictEqual(
                await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(undefined, 22), tcp(null, 22), tcp("", 22), tcp(27017, undefined), tcp(27017, null), tcp(27017, ""), { protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] })),
                [
                    opens("SecurityGroup web", "ingress[0]", "port 22", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[1]", "port 22", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[2]", "port 22", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[3]", "port 27017", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[4]", "port 27017", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[5]", "port 27017", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[6]", every, "0.0.0.0/0"),
                ],
            );
        });

        it("ports given as strings are read as numbers", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp("5432", "5432"), tcp("abc", "22"))), [opens("SecurityGroup web", "ingress[0]", "port 5432", "0.0.0.0/0")]);
        });

        it("an empty adminPorts checks no port, but all traffic to the world is still reported", async () => {
            const rules = sg(
                tcp(22, 22),
                tcp(0, 65535, ["::/0"]),
                { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "all", ipv6CidrBlocks: ["::/0"] },
                { protocol: "-1", cidrBlocks: ["10.0.0.0/8"] },
            );
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", rules, { adminPorts: [] }), [
                opens("SecurityGroup web", "ingress[2]", "all traffic", "0.0.0.0/0"),
                opens("SecurityGroup web", "ingress[3]", "all traffic", "::/0"),
            ]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "r", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { adminPorts: [] }), [
                opens("SecurityGroupRule r", "rule", "all traffic", "0.0.0.0/0"),
            ]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "r", { ipProtocol: "-1", cidrIpv6: "::/0" }, { adminPorts: [] }), [
                opens("SecurityGroupIngressRule r", "rule", "all traffic", "::/0"),
            ]);
        });

        it("protocol -1 / all (any case, or unset) opens all traffic whatever the ports", async () => {
            assert.deepStrictEqual(
                await check(ec2NoPublicAdminPorts, SG, "web", sg(
                    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "all", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "ALL", fromPort: 1, toPort: 1, ipv6CidrBlocks: ["::/0"] },
                    { fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: -1, fromPort: 0, toPort: 0, cidrBlocks: "0.0.0.0/0" },
                )),
                [
                    opens("SecurityGroup web", "ingress[0]", "all traffic", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[1]", "all traffic", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[2]", "all traffic", "::/0"),
                    opens("SecurityGroup web", "ingress[3]", "all traffic", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[4]", "all traffic", "0.0.0.0/0"),
                ],
            );
        });

        it("tcp, udp and their numbers 6 and 17 (any case) are port-checked; ICMP and other protocols open no ports", async () => {
            assert.deepStrictEqual(
                await check(ec2NoPublicAdminPorts, SG, "web", sg(
                    { protocol: "udp", fromPort: 2379, toPort: 2380, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "6", fromPort: 3306, toPort: 3306, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: 17, fromPort: 6379, toPort: 6379, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "TCP", fromPort: 2375, toPort: 2375, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "icmpv6", fromPort: 0, toPort: 65535, ipv6CidrBlocks: ["::/0"] },
                    { protocol: "58", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] },
                    { protocol: "1", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "sctp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
                )),
                [
                    opens("SecurityGroup web", "ingress[0]", "ports 2379, 2380", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[1]", "port 3306", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[2]", "port 6379", "0.0.0.0/0"),
                    opens("SecurityGroup web", "ingress[3]", "port 2375", "0.0.0.0/0"),
                ],
            );
        });

        it("names every open CIDR, IPv4 and IPv6, and only those", async () => {
            assert.deepStrictEqual(
                await check(ec2NoPublicAdminPorts, SG, "web", sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"], ipv6CidrBlocks: ["2001:db8::/32", "::/0"] }, { protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: "::/0" })),
                [opens("SecurityGroup web", "ingress[0]", "port 22", "0.0.0.0/0, ::/0"), opens("SecurityGroup web", "ingress[1]", "port 22", "::/0")],
            );
        });

        it("ignores egress and malformed ingress entries", async () => {
            const props = { ingress: ["junk", null, { protocol: "tcp", fromPort: 22, toPort: 22 }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] };
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", props), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", {}), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", { ingress: tcp(3389, 3389) }), [opens("SecurityGroup web", "ingress[0]", "port 3389", "0.0.0.0/0")]);
        });

        it("reads adminPorts from config", async () => {
            const config = { adminPorts: [8080, 9090] };
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg(tcp(22, 22), tcp(8000, 9000), tcp(8080, 9090)), config), [
                opens("SecurityGroup web", "ingress[1]", "port 8080", "0.0.0.0/0"),
                opens("SecurityGroup web", "ingress[2]", "ports 8080, 9090", "0.0.0.0/0"),
            ]);
            // An empty list checks no port; all traffic is still reported (see the empty-adminPorts test).
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG, "web", sg({ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }, tcp(0, 65535)), { adminPorts: [] }), [
                opens("SecurityGroup web", "ingress[0]", "all traffic", "0.0.0.0/0"),
            ]);
        });

        it("SecurityGroupRule: ingress only", async () => {
            const r = { type: "ingress", protocol: "tcp", fromPort: 6443, toPort: 6443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] };
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "api", r), [opens("SecurityGroupRule api", "rule", "port 6443", "0.0.0.0/0, ::/0")]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "api", { type: "ingress", cidrBlocks: "0.0.0.0/0" }), [opens("SecurityGroupRule api", "rule", "all traffic", "0.0.0.0/0")]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "api", { type: "ingress", protocol: "tcp", fromPort: "", toPort: 22, ipv6CidrBlocks: ["::/0"] }), [opens("SecurityGroupRule api", "rule", "port 22", "::/0")]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "api", { ...r, type: "egress" }), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "api", { ...r, type: undefined }), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_RULE, "api", { ...r, cidrBlocks: ["10.0.0.0/8"], ipv6CidrBlocks: [] }), []);
        });

        it("vpc.SecurityGroupIngressRule: cidrIpv4 / cidrIpv6 and ipProtocol", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }), [opens("SecurityGroupIngressRule ssh", "rule", "port 22", "0.0.0.0/0")]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "ssh", { ipProtocol: "-1", cidrIpv6: "::/0" }), [opens("SecurityGroupIngressRule ssh", "rule", "all traffic", "::/0")]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "ssh", { cidrIpv4: "0.0.0.0/0", cidrIpv6: "::/0" }), [opens("SecurityGroupIngressRule ssh", "rule", "all traffic", "0.0.0.0/0, ::/0")]);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "ssh", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: ["0.0.0.0/0"], cidrIpv6: 0 }), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "ssh", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/8", referencedSecurityGroupId: "sg-1" }), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, SG_INGRESS, "ssh", { protocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }), [opens("SecurityGroupIngressRule ssh", "rule", "all traffic", "0.0.0.0/0")]);
        });

        it("ignores other resource types", async () => {
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "out", { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }), []);
            assert.deepStrictEqual(await check(ec2NoPublicAdminPorts, BUCKET, "b", { ingress: [tcp(22, 22)], type: "ingress", cidrBlocks: ["0.0.0.0/0"] }), []);
        });
    });
});
