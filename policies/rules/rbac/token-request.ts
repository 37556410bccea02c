import { roleGrantRule } from "./util";

/**
 * Prevents Roles and ClusterRoles that can create service account tokens (the TokenRequest API,
 * serviceaccounts/token). Whoever holds it can mint a token for any service account in scope and
 * act with that account's permissions.
 * Severity high; CIS Kubernetes 5.1.13, Kubescape C-0282.
 */
export const rbacNoTokenRequest = roleGrantRule(
    {
        name: "rbac-no-token-request",
        description: "Roles must not grant create on serviceaccounts/token.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.13"], kubescape: ["C-0282"] },
        remediationSteps: "Remove create on serviceaccounts/token; workloads get their own token through a projected volume.",
    },
    {
        perms: [{ verbs: ["create"], group: "", resource: "serviceaccounts/token" }],
        what: "create on serviceaccounts/token",
        fix: "remove it, or limit it with resourceNames to the one service account whose token is needed.",
    },
);
