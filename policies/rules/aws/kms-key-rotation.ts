import { rule } from "../util/rule";
import { label } from "./util";

/**
 * Prevents symmetric customer-managed KMS keys without automatic rotation. Rotation limits how
 * much data one key version protects. Asymmetric and HMAC keys cannot rotate and are skipped.
 * Severity medium; CIS AWS Foundations 3.0.0 3.6.
 */
export const kmsKeyRotation = rule(
    {
        name: "kms-key-rotation",
        description: "Symmetric KMS keys must enable automatic key rotation.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["3.6"], awsFsbp: ["KMS.4"] },
        remediationSteps: "Set enableKeyRotation = true on the key.",
        scope: "resource",
        types: ["aws:kms/key:Key"],
    },
    (args, reportViolation) => {
        const spec = String(args.props.customerMasterKeySpec ?? args.props.keySpec ?? "SYMMETRIC_DEFAULT");
        if (spec !== "SYMMETRIC_DEFAULT") return;
        if (args.props.enableKeyRotation === true) return;
        reportViolation(`${label(args)} is a symmetric key without rotation: set enableKeyRotation = true.`);
    },
);
