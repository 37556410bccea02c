/**
 * Velero's AWS identity: an IAM role trusted only by the cluster's OIDC provider for Velero's
 * own ServiceAccount (IRSA, components/irsa.ts), allowed to read and write objects in the
 * backup bucket and to use its KMS key, nothing else: no other bucket, no EC2 snapshots (volume
 * snapshots are off), no listing of the account.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { trustPolicy } from "../irsa";

/** The permissions of the velero-plugin-for-aws object store, scoped to one bucket and one key. */
export function backupPolicy(bucketArn: string, keyArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "BackupObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: `${bucketArn}/*`,
            },
            { Sid: "ListBackups", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
            {
                Sid: "BackupKey",
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"],
                Resource: keyArn,
            },
        ],
    });
}

export interface VeleroRoleArgs {
    /** The cluster layer's oidcProviderArn. */
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly bucketArn: pulumi.Input<string>;
    readonly keyArn: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** The role and its inline policy; the role's ARN goes on Velero's ServiceAccount. */
export function createVeleroRole(name: string, args: VeleroRoleArgs, parent: pulumi.Resource): aws.iam.Role {
    const role = new aws.iam.Role(`${name}-role`, {
        description: `Velero backups for ServiceAccount ${args.namespace}/${args.serviceAccount}`,
        assumeRolePolicy: pulumi.output(args.oidcProviderArn).apply((arn) => trustPolicy(arn, args.namespace, args.serviceAccount)),
        maxSessionDuration: 3600,
        tags: args.tags,
    }, { parent });
    new aws.iam.RolePolicy(`${name}-backup-access`, {
        role: role.id,
        policy: pulumi.all([args.bucketArn, args.keyArn]).apply(([bucket, key]) => backupPolicy(bucket, key)),
    }, { parent });
    return role;
}
