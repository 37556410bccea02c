/**
 * NetworkPolicies for the workload's pods: deny everything, then allow only what the app
 * and its sidecar need. Each allow is a separate object so its reason sits next to it and
 * a reviewer can remove one without editing the others.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppSettings } from "./args";
import { metricsTarget } from "./service-monitor";

/** Istiod's port for xDS configuration and certificate signing over mTLS. */
export const ISTIOD_XDS_PORT = 15012;

type Rule = Omit<k8s.types.input.networking.v1.NetworkPolicySpec, "podSelector">;

function byName(namespaces: pulumi.Input<string>[]): k8s.types.input.meta.v1.LabelSelector {
    // kubernetes.io/metadata.name is set by the API server on every namespace; it cannot be forged by a label edit.
    return { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: namespaces }] };
}

/** The default-deny policy and its allows, all selecting only this app's pods. */
export function createNetworkPolicies(name: string, namespace: pulumi.Input<string>, s: AppSettings, parent: pulumi.Resource): k8s.networking.v1.NetworkPolicy[] {
    const policy = (role: string, spec: Rule) => new k8s.networking.v1.NetworkPolicy(`${name}-${role}`, {
        metadata: { name: `${s.name}-${role}`, namespace, labels: s.labels },
        spec: { podSelector: { matchLabels: s.selector }, ...spec },
    }, { parent });

    const appPort = [{ protocol: "TCP", port: s.port }];
    return [
        // Default deny: with both policy types listed and no rules, nothing reaches or leaves the pods
        // except what the allows below add (policies are additive).
        policy("default-deny", { policyTypes: ["Ingress", "Egress"] }),
        // The app port, from pods in the same namespace (its callers) and from the listed namespaces
        // (the mesh gateway forwards outside traffic).
        policy("allow-ingress", {
            policyTypes: ["Ingress"],
            ingress: [{
                from: [
                    { podSelector: {} },
                    ...(s.ingressFromNamespaces.length > 0 ? [{ namespaceSelector: byName(s.ingressFromNamespaces) }] : []),
                ],
                ports: appPort,
            }],
        }),
        // Metrics, from the monitoring namespaces only. With "istio-merge" this is istio-agent's port
        // 15020: Prometheus has no sidecar, so under STRICT mTLS it can only scrape the merged
        // metrics there, in plain HTTP. With "direct" it is the app port.
        policy("allow-metrics", {
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ namespaceSelector: byName(s.metricsFromNamespaces) }],
                ports: [{ protocol: "TCP", port: metricsTarget(s).podPort }],
            }],
        }),
        // DNS: every Service name the app or its sidecar resolves goes to CoreDNS in kube-system;
        // TCP too, for answers larger than a UDP datagram.
        policy("allow-dns", {
            policyTypes: ["Egress"],
            egress: [{
                to: [{ namespaceSelector: byName(["kube-system"]) }],
                ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
            }],
        }),
        // Istiod: the sidecar fetches its configuration and its mTLS certificate on 15012. Without it
        // the sidecar never becomes ready and, under STRICT mTLS, the pod can talk to no one.
        policy("allow-istiod", {
            policyTypes: ["Egress"],
            egress: [{
                to: [{ namespaceSelector: byName(["istio-system"]), podSelector: { matchLabels: { app: "istiod" } } }],
                ports: [{ protocol: "TCP", port: ISTIOD_XDS_PORT }],
            }],
        }),
    ];
}
