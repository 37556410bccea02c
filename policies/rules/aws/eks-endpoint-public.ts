import { rule } from "../util/rule";
import { ANYWHERE, asList, asObject, label } from "./util";

/**
 * Prevents EKS clusters whose Kubernetes API endpoint is reachable from the whole internet.
 * EKS defaults to a public endpoint open to 0.0.0.0/0, so an unset vpcConfig fails too: disable
 * public access (private endpoint only) or restrict publicAccessCidrs to known networks.
 * Severity high; CIS Amazon EKS 5.4.1/5.4.2, Kubescape C-0227.
 */
export const eksEndpointNotPublic = rule(
    {
        name: "eks-endpoint-not-public",
        description: "EKS API endpoints must be private or limited to specific CIDRs (not 0.0.0.0/0 or ::/0).",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisEks: ["5.4.1"], nsaCisa: "network-separation", awsFsbp: ["EKS.1"], kubescape: ["C-0227"] },
        remediationSteps: "Set vpcConfig.endpointPublicAccess = false, or list the office/VPN CIDRs in vpcConfig.publicAccessCidrs.",
        scope: "resource",
        types: ["aws:eks/cluster:Cluster"],
    },
    (args, reportViolation) => {
        // vpcConfig is one block in current providers and was a one-element list in older ones.
        const vpc = asObject(asList(args.props.vpcConfig)[0]);
        if (vpc.endpointPublicAccess === false) return;
        const cidrs = Array.isArray(vpc.publicAccessCidrs) ? (vpc.publicAccessCidrs as unknown[]) : [];
        const open = cidrs.length === 0 ? ["0.0.0.0/0 (default)"] : cidrs.filter((c) => ANYWHERE.includes(String(c))).map(String);
        if (open.length === 0) return;
        reportViolation(
            `${label(args)} exposes its API endpoint publicly to ${open.join(", ")}: set vpcConfig.endpointPublicAccess=false ` +
                `with endpointPrivateAccess=true, or list your office/VPN ranges in vpcConfig.publicAccessCidrs.`,
        );
    },
);
