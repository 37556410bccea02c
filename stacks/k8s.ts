/** The Kubernetes provider every cluster-side layer deploys through, built from the cluster layer's outputs. */
import * as k8s from "@pulumi/kubernetes";
import { readUpstream, type UpstreamOutputs } from "./upstream";

/**
 * `cluster` is the cluster layer's outputs when the caller reads them for more than the
 * provider (a second StackReference to the same stack would be a duplicate resource).
 */
export function clusterProvider(env: string, cluster: UpstreamOutputs<"cluster"> = readUpstream(env, "cluster")): k8s.Provider {
    return new k8s.Provider("k8s", {
        kubeconfig: cluster.kubeconfig,
        context: cluster.kubeContext,
        enableServerSideApply: true,
        // A refreshed kubeconfig (new token, new endpoint form) must not replace every
        // Kubernetes resource; only a different cluster should.
        clusterIdentifier: cluster.clusterName,
    });
}
