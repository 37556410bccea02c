import { rule } from "../util/rule";
import { asList, asObject, label } from "./util";

/**
 * Flags ECR repositories encrypted with the default AES256 (S3-managed) keys instead of a KMS
 * key. AES256 still encrypts at rest; KMS adds key policies, CloudTrail records of key use and
 * the ability to revoke access. Severity low; advisory.
 */
export const ecrKmsEncryption = rule(
    {
        name: "ecr-kms-encryption",
        description: "ECR repositories should be encrypted with a KMS key.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Set encryptionConfigurations = [{ encryptionType: \"KMS\", kmsKey: <key ARN> }] on the repository.",
        scope: "resource",
        types: ["aws:ecr/repository:Repository"],
    },
    (args, reportViolation) => {
        const type = asObject(asList(args.props.encryptionConfigurations)[0]).encryptionType;
        if (typeof type === "string" && type.toUpperCase().startsWith("KMS")) return;
        reportViolation(
            `${label(args)} uses ${type === undefined ? "the default AES256" : String(type)} encryption: ` +
                `set encryptionConfigurations [{ encryptionType: "KMS", kmsKey: <key ARN> }].`,
        );
    },
);
