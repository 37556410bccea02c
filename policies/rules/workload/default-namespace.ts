import { rule } from "../util/rule";

/**
 * Discourages workloads in the `default` namespace, which every ServiceAccount and user
 * tends to reach and which carries no NetworkPolicy, quota or RBAC of its own. Only an
 * explicit `metadata.namespace: default` is reported: Pulumi programs often leave it unset
 * and take the namespace from the provider, so an absent namespace is unknown, not
 * "default". Severity medium, advisory. Kubescape C-0061 "Pods in default namespace";
 * Kyverno disallow-default-namespace.
 */
export const defaultNamespace = rule(
    {
        name: "default-namespace",
        description: "Workloads should not run in the default namespace.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0061"] },
        remediationSteps: "Set metadata.namespace to a namespace of the application's own, with its own RBAC, NetworkPolicies and quotas.",
        scope: "pods",
    },
    (pod) => (pod.declaredNamespace === "default" ? ['metadata.namespace is "default"; deploy it to a namespace of its own'] : []),
);
