/** Layer "cluster": an EKS cluster (dev, staging, prod) or an existing cluster from a kubeconfig (local). */
import * as aws from "@pulumi/aws";
import { EksCluster } from "../components/cluster/eks";
import { ExistingCluster } from "../components/cluster/existing";
import type { Environment } from "../environments/schema";
import type { LayerProgramOutputs } from "./types";
import { awsTags } from "./settings";

export function clusterLayer(env: Environment): LayerProgramOutputs<"cluster"> {
    if (env.cluster.kind === "existing") {
        const existing = new ExistingCluster("cluster", { context: env.cluster.context, kubeconfigPath: env.cluster.kubeconfigPath });
        return { clusterName: existing.clusterName, kubeconfig: existing.kubeconfig, kubeContext: env.cluster.context };
    }
    const provider = new aws.Provider("aws", { region: env.aws!.region as aws.Region, defaultTags: { tags: awsTags(env, "cluster") } });
    const c = env.cluster;
    const cluster = new EksCluster(
        "cluster",
        {
            clusterName: `platform-${env.name}`,
            version: c.version,
            network: c.network,
            endpoint: c.endpoint,
            nodes: c.nodes,
            tags: awsTags(env, "cluster"),
        },
        { providers: { aws: provider } },
    );
    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        oidcProviderArn: cluster.oidcProviderArn,
        nodeRoleArn: cluster.nodeRoleArn,
    };
}
