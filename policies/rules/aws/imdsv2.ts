import { rule } from "../util/rule";
import { asList, asObject, label } from "./util";

export const IMDS_TYPES = ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"];

/** True when metadataOptions turn the instance metadata endpoint off (AWS accepts "enabled" or "disabled"). */
export function imdsDisabled(metadataOptions: Record<string, unknown>): boolean {
    return metadataOptions.httpEndpoint === "disabled";
}

/**
 * Prevents launch templates and instances that allow IMDSv1. IMDSv1 answers plain GET requests,
 * so any SSRF in a pod or process on the node can read the node role's credentials; IMDSv2
 * requires a session token obtained with a PUT. An unset httpTokens means "optional" (v1 allowed).
 * An instance with the metadata endpoint disabled passes.
 * Severity high; CIS AWS Foundations 3.0.0 5.6.
 */
export const ec2ImdsV2Required = rule(
    {
        name: "ec2-imdsv2-required",
        description: "Launch templates and instances must require IMDSv2 (metadataOptions.httpTokens = \"required\").",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["5.6"], nsaCisa: "network-separation", awsFsbp: ["EC2.8"] },
        remediationSteps: "Set metadataOptions.httpTokens = \"required\" on launch templates and instances.",
        scope: "resource",
        types: IMDS_TYPES,
    },
    (args, reportViolation) => {
        const md = asObject(asList(args.props.metadataOptions)[0]);
        if (imdsDisabled(md) || md.httpTokens === "required") return;
        reportViolation(
            `${label(args)} allows IMDSv1 (metadataOptions.httpTokens is ${md.httpTokens === undefined ? "unset" : `"${String(md.httpTokens)}"`}): ` +
                `set metadataOptions.httpTokens to "required".`,
        );
    },
);
