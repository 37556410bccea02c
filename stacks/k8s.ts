/** The Kubernetes provider every cluster-side layer deploys through, built from the cluster layer's outputs. */
import * as k8s from "@pulumi/kubernetes";
import { readUpstream } from "./upstream";

export function clusterProvider(env: string): k8s.Provider {
    const cluster = readUpstream(env, "cluster");
    return new k8s.Provider("k8s", {
        kubeconfig: cluster.kubeconfig,
        context: cluster.kubeContext,
        enableServerSideApply: true,
        // A refreshed kubeconfig (new token, new endpoint form) must not replace every
        // Kubernetes resource; only a different cluster should.
        clusterIdentifier: cluster.clusterName,
    });
}
