/**
 * The S3 bucket Velero writes backups to: versioned, encrypted with a KMS key of its own (rotated
 * yearly), every public path blocked, ACLs off (BucketOwnerEnforced), TLS only, and superseded
 * object versions expired after the retention. Versioning is what makes a backup survive a
 * delete within that window: Velero deleting an expired backup, or anyone with write access
 * deleting a live one, only turns its objects into noncurrent versions, which stay restorable
 * until the lifecycle rule expires them.
 *
 * The key and the bucket are retained when the layer is destroyed (`retainOnDelete`): a destroy
 * of the cluster side is exactly when the backups are needed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface BackupBucketArgs {
    /** Days a superseded or deleted object version is kept (the environment's backup.retentionDays). */
    readonly noncurrentDays: number;
    readonly tags?: Record<string, string>;
}

/** The bucket policy: refuse every request that does not use TLS. */
export function tlsOnlyPolicy(bucketArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    });
}

/** Creates the key, the bucket and its settings under `parent`; returns the bucket and the key. */
export function createBackupBucket(name: string, args: BackupBucketArgs, parent: pulumi.Resource): { bucket: aws.s3.Bucket; key: aws.kms.Key } {
    const child = { parent };
    const kept = { parent, retainOnDelete: true };
    const key = new aws.kms.Key(`${name}-key`, {
        description: "Encrypts the Velero cluster backups",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: args.tags,
    }, kept);
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: false, tags: args.tags }, kept);
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    }, child);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
        bucket: bucket.id,
        // A bucket key cuts the KMS requests (and their cost) per object to one per bucket and key.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    }, child);
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
        bucket: bucket.id,
        rules: [{
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentDays },
            // Delete markers left once every version under them expired, and uploads that never finished.
            expiration: { expiredObjectDeleteMarker: true },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        }],
    }, { parent, dependsOn: [versioning] });
    new aws.s3.BucketPolicy(`${name}-tls-only`, { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyPolicy) }, child);
    return { bucket, key };
}
