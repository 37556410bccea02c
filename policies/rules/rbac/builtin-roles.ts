/**
 * What the Kubernetes default user-facing ClusterRoles grant, for bindings in a stack that refer
 * to them without defining them. Only the rules that matter to effective-permission checks are
 * listed (from the Kubernetes "User-facing roles" documentation); aggregation labels say which
 * stack ClusterRoles the controller folds into each one.
 */
import type { PolicyRule } from "./util";

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export interface BuiltinRole {
    rules: PolicyRule[];
    /** Label that makes a ClusterRole aggregate into this one. */
    aggregateLabel?: string;
}

export const BUILTIN_CLUSTER_ROLES: Record<string, BuiltinRole> = {
    "cluster-admin": { rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["*"], verbs: ["*"] }] },
    admin: {
        aggregateLabel: "rbac.authorization.k8s.io/aggregate-to-admin",
        rules: [
            { apiGroups: [""], resources: ["secrets"], verbs: ALL_VERBS },
            { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: ALL_VERBS },
            { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
        ],
    },
    edit: {
        aggregateLabel: "rbac.authorization.k8s.io/aggregate-to-edit",
        rules: [
            { apiGroups: [""], resources: ["secrets"], verbs: ALL_VERBS },
            { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: ALL_VERBS },
            { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
        ],
    },
    view: {
        aggregateLabel: "rbac.authorization.k8s.io/aggregate-to-view",
        rules: [{ apiGroups: [""], resources: ["configmaps", "pods", "services", "endpoints"], verbs: ["get", "list", "watch"] }],
    },
};
