import { SECRETS } from "./dangerous";
import { roleGrantRule } from "./util";

/**
 * Prevents Roles and ClusterRoles that can get, list or watch Secrets without a resourceNames
 * restriction: list and watch return every Secret's data, so "read one secret" becomes "read
 * all credentials in the namespace" (or the cluster, for a ClusterRole).
 * Severity high; CIS Kubernetes 5.1.2, Kubescape C-0186.
 */
export const rbacNoSecretsRead = roleGrantRule(
    {
        name: "rbac-no-secrets-read",
        description: "Roles must not read Secrets (get/list/watch) unless limited to named Secrets with resourceNames.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.2"], cisEks: ["4.1.2"], kubescape: ["C-0186"] },
        remediationSteps: "Drop get/list/watch on secrets, or limit get to the needed Secrets with resourceNames.",
    },
    {
        perms: SECRETS,
        what: "read access to Secrets",
        fix: "drop get/list/watch on secrets, or limit get to the needed Secrets with resourceNames.",
    },
);
