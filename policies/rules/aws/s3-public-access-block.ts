import type { ResourceRule } from "../types";
import { label } from "./util";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const TYPES = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"];

/**
 * Prevents S3 public access blocks (bucket or account level) that leave any of the four guards
 * off. Each one closes a different path: public ACLs on write, public ACLs already present,
 * public bucket policies on write, and public access through an existing policy.
 * Severity high; CIS AWS Foundations 3.0.0 2.1.4.
 */
export const s3PublicAccessBlock: ResourceRule = {
    name: "s3-public-access-block",
    description: "S3 public access blocks must set all four flags to true.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { cis: "CIS-AWS-2.1.4" },
    validateResource: (args, reportViolation) => {
        if (!TYPES.includes(args.type)) return;
        const off = FLAGS.filter((f) => args.props[f] !== true);
        if (off.length === 0) return;
        reportViolation(`${label(args)} does not enable ${off.join(", ")}: set all four of ${FLAGS.join(", ")} to true.`);
    },
};
