import { rule } from "../util/rule";
import { label } from "./util";

/**
 * Prevents ECR repositories with mutable tags (the default). With mutable tags a push can
 * silently replace the image behind a tag that environments already run or promote; immutable
 * tags keep a tag bound to one digest. AWS Foundational Security Best Practices ECR.2.
 * Severity medium.
 */
export const ecrImmutableTags = rule(
    {
        name: "ecr-immutable-tags",
        description: "ECR repositories must use immutable image tags.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { awsFsbp: ["ECR.2"] },
        remediationSteps: "Set imageTagMutability = \"IMMUTABLE\" on the repository and deploy by digest.",
        scope: "resource",
        types: ["aws:ecr/repository:Repository"],
    },
    (args, reportViolation) => {
        const mutability = String(args.props.imageTagMutability ?? "MUTABLE");
        if (mutability.startsWith("IMMUTABLE")) return;
        reportViolation(`${label(args)} has imageTagMutability ${mutability}: set imageTagMutability = "IMMUTABLE".`);
    },
);
