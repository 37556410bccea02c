import { rule } from "../util/rule";
import { label } from "./util";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const TYPES = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"];

/**
 * Prevents S3 public access blocks (bucket or account level) that leave any of the four guards
 * off. Each one closes a different path: public ACLs on write, public ACLs already present,
 * public bucket policies on write, and public access through an existing policy.
 * Severity high; CIS AWS Foundations 3.0.0 2.1.4.
 */
export const s3PublicAccessBlock = rule(
    {
        name: "s3-public-access-block",
        description: "S3 public access blocks must set all four flags to true.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["2.1.4"], awsFsbp: ["S3.8"] },
        remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
        scope: "resource",
        types: TYPES,
    },
    (args, reportViolation) => {
        const off = FLAGS.filter((f) => args.props[f] !== true);
        if (off.length === 0) return;
        reportViolation(`${label(args)} does not enable ${off.join(", ")}: set all four of ${FLAGS.join(", ")} to true.`);
    },
);
