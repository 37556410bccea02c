/** AWS rules: EKS control plane, node metadata and disks, ECR, KMS, S3, security groups and IAM. */
import type { Rule } from "../types";
import { ec2EbsEncrypted } from "./ebs-encryption";
import { ecrImmutableTags } from "./ecr-immutable-tags";
import { ecrKmsEncryption } from "./ecr-kms-encryption";
import { ecrScanOnPush } from "./ecr-scan-on-push";
import { eksControlPlaneLogging } from "./eks-control-plane-logging";
import { eksEndpointNotPublic } from "./eks-endpoint-public";
import { eksSecretsEncryption } from "./eks-secrets-encryption";
import { iamNoFullAdminPolicy } from "./iam-admin-policy";
import { ec2ImdsHopLimit } from "./imds-hop-limit";
import { ec2ImdsV2Required } from "./imdsv2";
import { kmsKeyRotation } from "./kms-key-rotation";
import { s3BucketEncryption } from "./s3-encryption";
import { s3PublicAccessBlock } from "./s3-public-access-block";
import { s3NoPublicAcl } from "./s3-public-acl";
import { ec2NoPublicAdminPorts } from "./security-group-admin-ports";

export const awsRules: Rule[] = [
    eksEndpointNotPublic,
    eksSecretsEncryption,
    eksControlPlaneLogging,
    ec2ImdsV2Required,
    ec2ImdsHopLimit,
    ec2EbsEncrypted,
    ecrScanOnPush,
    ecrImmutableTags,
    ecrKmsEncryption,
    kmsKeyRotation,
    s3PublicAccessBlock,
    s3NoPublicAcl,
    s3BucketEncryption,
    ec2NoPublicAdminPorts,
    iamNoFullAdminPolicy,
];
