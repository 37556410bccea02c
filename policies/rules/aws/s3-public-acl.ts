import { rule } from "../util/rule";
import { asList, asObject, label } from "./util";

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];
const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const ACLS = ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"];

/** Grant URIs that point at everyone (AllUsers) or every AWS account (AuthenticatedUsers). */
function publicGrants(grants: unknown[], uriOf: (g: Record<string, unknown>) => unknown): string[] {
    // Stryker disable next-line StringLiteral: any fallback other than a public group URI is filtered out just like the empty string
    return grants.map((g) => String(uriOf(asObject(g)) ?? "")).filter((u) => PUBLIC_GROUPS.includes(u));
}

/**
 * Prevents S3 buckets made public through ACLs: a canned ACL of public-read, public-read-write or
 * authenticated-read (any AWS account), or an explicit grant to the AllUsers / AuthenticatedUsers
 * groups, on the bucket itself or through a separate BucketAcl/BucketAclV2 resource.
 * Severity critical; CIS AWS Foundations 3.0.0 2.1.4.
 */
export const s3NoPublicAcl = rule(
    {
        name: "s3-no-public-acl",
        description: "S3 buckets must not grant access to everyone or to any AWS account through ACLs.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["2.1.4"], awsFsbp: ["S3.2", "S3.3"] },
        remediationSteps: "Use acl \"private\" (or no ACL with BucketOwnerEnforced ownership) and grant access through bucket policies to named principals.",
        scope: "resource",
    },
    (args, reportViolation) => {
        let acl: unknown;
        // Stryker disable next-line ArrayDeclaration: grants is always reassigned before use (or the check returns)
        let grants: string[] = [];
        if (BUCKETS.includes(args.type)) {
            acl = args.props.acl;
            grants = publicGrants(asList(args.props.grants), (g) => g.uri);
        } else if (ACLS.includes(args.type)) {
            acl = args.props.acl;
            const policy = asObject(args.props.accessControlPolicy);
            grants = publicGrants(asList(policy.grants), (g) => asObject(g.grantee).uri);
        // Stryker disable next-line BlockStatement: without the return, acl stays undefined and grants empty, so nothing is reported either
        } else {
            return;
        }
        if (typeof acl === "string" && PUBLIC_ACLS.includes(acl)) {
            reportViolation(`${label(args)} sets the canned ACL "${acl}": use "private" and share through IAM or presigned URLs.`);
        }
        for (const g of new Set(grants)) {
            reportViolation(`${label(args)} grants access to ${g.split("/").pop()}: remove that grant; share through IAM or presigned URLs.`);
        }
    },
);
