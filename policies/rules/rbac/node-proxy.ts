import { roleGrantRule } from "./util";

// nodes/proxy verbs follow the HTTP method of the proxied kubelet request (GET=get, POST=create, ...).
const ANY_VERB = ["get", "create", "update", "patch", "delete"];

/**
 * Prevents Roles and ClusterRoles that reach the nodes/proxy subresource. It proxies to the
 * kubelet API, which can exec into every pod on the node while bypassing API-server audit
 * logging and admission control; even "get" is enough over WebSocket.
 * Severity high; CIS Kubernetes 5.1.10, Kubescape C-0279.
 */
export const rbacNoNodeProxy = roleGrantRule(
    {
        name: "rbac-no-node-proxy",
        description: "Roles must not grant any verb on nodes/proxy.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.10"], kubescape: ["C-0279"] },
        remediationSteps: "Remove nodes/proxy from the rule; read node metrics through the metrics API instead.",
    },
    {
        perms: [{ verbs: ANY_VERB, group: "", resource: "nodes/proxy" }],
        what: "access to nodes/proxy (the kubelet API)",
        fix: "remove nodes/proxy; scrape kubelet metrics through nodes/metrics instead.",
    },
);
