import { rule } from "../util/rule";
import type { PolicyResource } from "@pulumi/policy";
import { asObject, label } from "./util";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const SSE = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];

/**
 * True when `ref` (another resource's `bucket` input) names this bucket: its id, name or ARN, or,
 * for a bucket without an explicit name, Pulumi's auto-name `<resource name>-<random hex>`.
 */
function refersTo(b: PolicyResource, ref: unknown): boolean {
    if (typeof ref !== "string" || ref === "") return false;
    if ([b.props.id, b.props.bucket, b.props.arn, b.name].includes(ref)) return true;
    const prefix = `${b.name}-`;
    return b.props.bucket === undefined && ref.startsWith(prefix) && /^[0-9a-f]{7,8}$/.test(ref.slice(prefix.length));
}

/**
 * Requires every S3 bucket in the stack to declare default server-side encryption, either
 * inline (serverSideEncryptionConfiguration on the bucket) or with a separate
 * BucketServerSideEncryptionConfiguration(V2) whose bucket refers to it. S3 now encrypts new
 * objects with SSE-S3 by default, so this is advisory: declaring it (ideally aws:kms) keeps the
 * choice visible, reviewable and protected from drift.
 * Severity medium; CIS AWS Foundations 1.4.0 2.1.1.
 */
export const s3BucketEncryption = rule(
    {
        name: "s3-bucket-encryption",
        description: "S3 buckets should declare default server-side encryption.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { cisAws: ["2.1.1"] },
        remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm \"aws:kms\" and a customer KMS key.",
        scope: "stack-args",
    },
    (args, reportViolation) => {
        const sse = args.resources.filter((r) => SSE.includes(r.type));
        for (const b of args.resources.filter((r) => BUCKETS.includes(r.type))) {
            if (Object.keys(asObject(b.props.serverSideEncryptionConfiguration)).length > 0) continue;
            // Stryker disable next-line ArrayDeclaration: the fallback list holds no PolicyResource, so includes(b) stays false
            const covered = sse.some((s) => (s.propertyDependencies?.bucket ?? []).includes(b) || refersTo(b, s.props.bucket));
            if (covered) continue;
            reportViolation(
                `${label(b)} has no default encryption: add an aws.s3.BucketServerSideEncryptionConfiguration ` +
                    `for it with sseAlgorithm "aws:kms" and a customer KMS key.`,
                b.urn,
            );
        }
    },
);
