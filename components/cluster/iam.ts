/**
 * The two IAM roles an EKS cluster needs, each with only the AWS managed policies EKS
 * documents as required, so neither the control plane nor the nodes hold broader rights.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** Managed policies of the control-plane role, keyed by the attachment's role in its resource name. */
export const CLUSTER_ROLE_POLICIES: Record<string, string> = { eks: "AmazonEKSClusterPolicy" };
/** Managed policies of the node role: join the cluster, run the VPC CNI, pull images from ECR. */
export const NODE_ROLE_POLICIES: Record<string, string> = {
    worker: "AmazonEKSWorkerNodePolicy",
    cni: "AmazonEKS_CNI_Policy",
    ecr: "AmazonEC2ContainerRegistryReadOnly",
};

export interface ClusterRoles {
    clusterRole: aws.iam.Role;
    nodeRole: aws.iam.Role;
    /** Attachments the cluster must wait for (EKS checks the role's rights when it is created). */
    clusterAttachments: aws.iam.RolePolicyAttachment[];
    /** Attachments the node group must wait for (nodes fail to join without them). */
    nodeAttachments: aws.iam.RolePolicyAttachment[];
}

function assumeRolePolicy(service: string, actions: string[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
    });
}

export function createClusterRoles(name: string, tags: Record<string, string>, parent: pulumi.Resource): ClusterRoles {
    const opts = { parent };
    const partition = aws.getPartitionOutput({}, opts).partition;
    const attach = (prefix: string, role: aws.iam.Role, [key, policy]: [string, string]) =>
        new aws.iam.RolePolicyAttachment(`${name}-${prefix}-${key}`, {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        }, opts);

    const clusterRole = new aws.iam.Role(`${name}-cluster-role`, {
        description: "EKS control plane",
        assumeRolePolicy: assumeRolePolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
        tags,
    }, opts);
    const nodeRole = new aws.iam.Role(`${name}-node-role`, {
        description: "EKS managed node group instances",
        assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com", ["sts:AssumeRole"]),
        tags,
    }, opts);
    return {
        clusterRole,
        nodeRole,
        clusterAttachments: Object.entries(CLUSTER_ROLE_POLICIES).map((p) => attach("cluster", clusterRole, p)),
        nodeAttachments: Object.entries(NODE_ROLE_POLICIES).map((p) => attach("node", nodeRole, p)),
    };
}
