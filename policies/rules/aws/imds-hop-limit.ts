import { rule } from "../util/rule";
import { IMDS_TYPES, imdsDisabled } from "./imdsv2";
import { configWithDefaults } from "../../config";
import { asList, asObject, label } from "./util";

/**
 * Flags launch templates and instances whose IMDS response hop limit is above 1. On a Kubernetes
 * node a limit of 2 or more lets every pod (one extra network hop) fetch the node role's
 * credentials; with 1 only the host can, and pods use IRSA / Pod Identity instead. A template
 * or instance with the metadata endpoint disabled (httpEndpoint "disabled") passes.
 * Severity medium; Kubescape C-0052 (instance metadata API), AWS EKS best practices.
 */
export const ec2ImdsHopLimit = rule(
    {
        name: "ec2-imds-hop-limit",
        description: "Node launch templates should keep the IMDS hop limit at 1 so pods cannot reach node credentials.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0052"] },
        settings: { maxHopLimit: { type: "integer", minimum: 1, default: 1, description: "Largest httpPutResponseHopLimit allowed." } },
        remediationSteps: "Set metadataOptions.httpPutResponseHopLimit = 1 on node launch templates (pods get AWS access through IRSA or Pod Identity).",
        scope: "resource",
        types: IMDS_TYPES,
    },
    (args, reportViolation) => {
        const { maxHopLimit } = configWithDefaults(args, { maxHopLimit: 1 });
        const md = asObject(asList(args.props.metadataOptions)[0]);
        // With the endpoint off nothing answers on the node, so there is no hop to limit.
        if (imdsDisabled(md)) return;
        const hops = Number(md.httpPutResponseHopLimit);
        if (!Number.isFinite(hops) || hops <= maxHopLimit) return;
        reportViolation(
            `${label(args)} sets metadataOptions.httpPutResponseHopLimit=${hops}, so pods can reach the node's instance ` +
                `credentials: set it to ${maxHopLimit} and give pods IAM roles through IRSA or EKS Pod Identity.`,
        );
    },
);
