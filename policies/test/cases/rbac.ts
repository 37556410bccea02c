/**
 * RBAC rule fixtures: a least-privilege role or binding per rule, and variants that each add
 * one dangerous grant or subject. Stack cases wire bindings to roles (including aggregated and
 * built-in ClusterRoles) for the effective-permissions rule.
 */
import type { RuleCase, StackCase } from "../support";

type Props = Record<string, unknown>;
type PolicyRule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[] };

const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

/** What an application actually needs: read its config, and one named TLS Secret. */
const READ_ONLY: PolicyRule[] = [
    { apiGroups: [""], resources: ["configmaps", "services"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["secrets"], resourceNames: ["app-tls"], verbs: ["get"] },
];

function role(rules: PolicyRule[], name = "app-reader", namespace = "apps", labels?: Record<string, string>): Props {
    return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name, namespace, ...(labels ? { labels } : {}) }, rules };
}

function clusterRole(rules: PolicyRule[], name = "app-reader", labels?: Record<string, string>): Props {
    return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name, ...(labels ? { labels } : {}) }, rules };
}

const APP_SA = { kind: "ServiceAccount", name: "app", namespace: "apps" };

function roleBinding(roleRef: { kind: string; name: string }, subjects: Props[] = [APP_SA], name = "app-reader"): Props {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name, namespace: "apps" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
        subjects,
    };
}

function clusterRoleBinding(roleRef: { kind: string; name: string }, subjects: Props[] = [APP_SA], name = "app-reader"): Props {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
        subjects,
    };
}

/** A role that keeps the read-only rules and adds one more. */
const withRule = (make: (rules: PolicyRule[]) => Props, extra: PolicyRule) => make([...READ_ONLY, extra]);
const asRole = (rules: PolicyRule[]) => role(rules);
const asClusterRole = (rules: PolicyRule[]) => clusterRole(rules);

export const cases: RuleCase[] = [
    {
        rule: "rbac-no-wildcard-permissions",
        type: CLUSTER_ROLE,
        compliant: clusterRole(READ_ONLY),
        broken: [
            { name: "wildcard verbs", props: withRule(asClusterRole, { apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }) },
            { name: "wildcard resources", props: withRule(asClusterRole, { apiGroups: ["apps"], resources: ["*"], verbs: ["get", "list"] }) },
            { name: "wildcard apiGroups and resources", props: withRule(asClusterRole, { apiGroups: ["*"], resources: ["*"], verbs: ["deletecollection"] }) },
        ],
    },
    {
        rule: "rbac-no-wildcard-permissions",
        type: ROLE,
        compliant: role(READ_ONLY),
        broken: [{ name: "namespaced Role with wildcard verbs", props: withRule(asRole, { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] }) }],
    },
    {
        rule: "rbac-no-secrets-read",
        type: ROLE,
        compliant: role(READ_ONLY),
        broken: [
            { name: "get on all secrets", props: withRule(asRole, { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }) },
            { name: "list on secrets", props: withRule(asRole, { apiGroups: [""], resources: ["secrets"], verbs: ["list"] }) },
            { name: "watch on secrets through apiGroups *", props: withRule(asRole, { apiGroups: ["*"], resources: ["secrets"], verbs: ["watch"] }) },
        ],
    },
    {
        rule: "rbac-no-secrets-read",
        type: CLUSTER_ROLE,
        compliant: clusterRole(READ_ONLY),
        broken: [{ name: "cluster-wide secrets list", props: withRule(asClusterRole, { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }) }],
    },
    {
        rule: "rbac-no-pod-exec",
        type: ROLE,
        compliant: role(READ_ONLY),
        broken: [
            { name: "create on pods/exec", props: withRule(asRole, { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }) },
            { name: "get on pods/exec (websocket exec)", props: withRule(asRole, { apiGroups: [""], resources: ["pods/exec"], verbs: ["get"] }) },
            { name: "create on pods/attach", props: withRule(asRole, { apiGroups: [""], resources: ["pods/attach"], verbs: ["create"] }) },
            { name: "create on every pods subresource", props: withRule(asRole, { apiGroups: [""], resources: ["pods/*"], verbs: ["create"] }) },
        ],
    },
    {
        rule: "rbac-no-node-proxy",
        type: CLUSTER_ROLE,
        compliant: clusterRole([
            { apiGroups: [""], resources: ["nodes", "nodes/metrics"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
        ]),
        broken: [
            { name: "get on nodes/proxy", props: withRule(asClusterRole, { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }) },
            { name: "create on nodes/proxy", props: withRule(asClusterRole, { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["create"] }) },
            { name: "every nodes subresource", props: withRule(asClusterRole, { apiGroups: [""], resources: ["nodes/*"], verbs: ["get"] }) },
        ],
    },
    {
        rule: "rbac-no-escalate-bind-impersonate",
        type: CLUSTER_ROLE,
        // Binding only the "view" ClusterRole (resourceNames) is the recommended delegation pattern.
        compliant: clusterRole([
            ...READ_ONLY,
            { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["view"], verbs: ["bind"] },
        ]),
        broken: [
            { name: "escalate on clusterroles", props: withRule(asClusterRole, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] }) },
            { name: "bind on any role", props: withRule(asClusterRole, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["bind"] }) },
            { name: "impersonate service accounts", props: withRule(asClusterRole, { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }) },
            { name: "impersonate users and groups", props: withRule(asClusterRole, { apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] }) },
        ],
    },
    {
        rule: "rbac-no-token-request",
        type: ROLE,
        compliant: role(READ_ONLY),
        broken: [
            { name: "create on serviceaccounts/token", props: withRule(asRole, { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }) },
            { name: "create on every serviceaccounts subresource", props: withRule(asRole, { apiGroups: [""], resources: ["serviceaccounts/*"], verbs: ["create"] }) },
        ],
    },
    {
        rule: "rbac-no-pod-create",
        type: ROLE,
        compliant: role(READ_ONLY),
        broken: [
            { name: "create pods", props: withRule(asRole, { apiGroups: [""], resources: ["pods"], verbs: ["create"] }) },
            { name: "patch pods (swap the image)", props: withRule(asRole, { apiGroups: [""], resources: ["pods"], verbs: ["patch", "update"] }) },
        ],
    },
    {
        rule: "rbac-no-cluster-admin-binding",
        type: CLUSTER_ROLE_BINDING,
        compliant: clusterRoleBinding({ kind: "ClusterRole", name: "app-reader" }),
        // The stack rule also follows the binding to the built-in cluster-admin role.
        broken: [{ name: "ClusterRoleBinding to cluster-admin", props: clusterRoleBinding({ kind: "ClusterRole", name: "cluster-admin" }), alsoViolates: ["rbac-effective-permissions"] }],
    },
    {
        rule: "rbac-no-cluster-admin-binding",
        type: ROLE_BINDING,
        compliant: roleBinding({ kind: "Role", name: "app-reader" }),
        broken: [{ name: "RoleBinding to cluster-admin", props: roleBinding({ kind: "ClusterRole", name: "cluster-admin" }), alsoViolates: ["rbac-effective-permissions"] }],
    },
    {
        rule: "rbac-no-anonymous-subject",
        type: CLUSTER_ROLE_BINDING,
        compliant: clusterRoleBinding({ kind: "ClusterRole", name: "app-reader" }),
        broken: [
            { name: "Group system:unauthenticated", props: clusterRoleBinding({ kind: "ClusterRole", name: "app-reader" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:unauthenticated" }]) },
            { name: "User system:anonymous", props: clusterRoleBinding({ kind: "ClusterRole", name: "app-reader" }, [APP_SA, { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:anonymous" }]) },
        ],
    },
    {
        rule: "rbac-no-system-masters-subject",
        type: ROLE_BINDING,
        compliant: roleBinding({ kind: "Role", name: "app-reader" }),
        broken: [
            { name: "Group system:masters", props: roleBinding({ kind: "Role", name: "app-reader" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:masters" }]) },
            { name: "User named system:masters", props: roleBinding({ kind: "Role", name: "app-reader" }, [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:masters" }]) },
        ],
    },
    {
        rule: "rbac-no-default-service-account-binding",
        type: ROLE_BINDING,
        compliant: roleBinding({ kind: "Role", name: "app-reader" }),
        broken: [
            { name: "default service account", props: roleBinding({ kind: "Role", name: "app-reader" }, [{ kind: "ServiceAccount", name: "default", namespace: "apps" }]) },
            { name: "every service account of the namespace", props: roleBinding({ kind: "Role", name: "app-reader" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts:apps" }]) },
        ],
    },
];

const res = (type: string, name: string, props: Props) => ({ type, name, props });

export const stackCases: StackCase[] = [
    {
        rule: "rbac-effective-permissions",
        compliant: [
            res(ROLE, "app-reader", role(READ_ONLY)),
            res(ROLE_BINDING, "app-reader", roleBinding({ kind: "Role", name: "app-reader" })),
            res(CLUSTER_ROLE, "app-view", clusterRole([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }], "app-view")),
            res(CLUSTER_ROLE_BINDING, "app-view", clusterRoleBinding({ kind: "ClusterRole", name: "app-view" }, [APP_SA], "app-view")),
            // A ClusterRole bound by a RoleBinding only in namespace "apps"; granting view there is fine.
            res(ROLE_BINDING, "app-builtin-view", roleBinding({ kind: "ClusterRole", name: "view" }, [APP_SA], "app-builtin-view")),
        ],
        broken: [
            {
                name: "RoleBinding to a Role that reads every Secret",
                alsoViolates: ["rbac-no-secrets-read"],
                resources: [
                    res(ROLE, "app-reader", role([...READ_ONLY, { apiGroups: [""], resources: ["secrets"], verbs: ["list"] }])),
                    res(ROLE_BINDING, "app-reader", roleBinding({ kind: "Role", name: "app-reader" })),
                ],
            },
            {
                name: "RoleBinding to a wildcard ClusterRole, applied in the binding's namespace",
                alsoViolates: ["rbac-no-wildcard-permissions"],
                resources: [
                    res(CLUSTER_ROLE, "deployer", clusterRole([{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] }], "deployer")),
                    res(ROLE_BINDING, "deployer", roleBinding({ kind: "ClusterRole", name: "deployer" }, [APP_SA], "deployer")),
                ],
            },
            {
                name: "ClusterRoleBinding to an aggregated ClusterRole that folds in exec",
                alsoViolates: ["rbac-no-pod-exec"],
                resources: [
                    res(CLUSTER_ROLE, "ops", {
                        ...clusterRole([], "ops"),
                        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "platform.example.com/aggregate-to-ops": "true" } }] },
                    }),
                    res(CLUSTER_ROLE, "ops-exec", clusterRole([{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }], "ops-exec", { "platform.example.com/aggregate-to-ops": "true" })),
                    res(CLUSTER_ROLE_BINDING, "ops", clusterRoleBinding({ kind: "ClusterRole", name: "ops" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "platform-ops" }], "ops")),
                ],
            },
            {
                name: "ClusterRoleBinding to an auto-named ClusterRole (roleRef carries Pulumi's generated name)",
                alsoViolates: ["rbac-no-secrets-read"],
                resources: [
                    res(CLUSTER_ROLE, "ops-reader", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }] }),
                    res(CLUSTER_ROLE_BINDING, "ops-reader", clusterRoleBinding({ kind: "ClusterRole", name: "ops-reader-4379833d" }, [APP_SA], "ops-reader")),
                ],
            },
            {
                name: "RoleBinding to the built-in edit ClusterRole (Secrets and exec)",
                resources: [res(ROLE_BINDING, "app-edit", roleBinding({ kind: "ClusterRole", name: "edit" }, [APP_SA], "app-edit"))],
            },
            {
                name: "ClusterRoleBinding to a ClusterRole that can impersonate",
                alsoViolates: ["rbac-no-escalate-bind-impersonate"],
                resources: [
                    res(CLUSTER_ROLE, "impersonator", clusterRole([{ apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] }], "impersonator")),
                    res(CLUSTER_ROLE_BINDING, "impersonator", clusterRoleBinding({ kind: "ClusterRole", name: "impersonator" }, [APP_SA], "impersonator")),
                ],
            },
            {
                name: "a stack ClusterRole aggregated into the built-in view grants Secrets read to every view binding",
                alsoViolates: ["rbac-no-secrets-read"],
                resources: [
                    res(CLUSTER_ROLE, "crd-view", clusterRole([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }], "crd-view", { "rbac.authorization.k8s.io/aggregate-to-view": "true" })),
                    res(ROLE_BINDING, "app-builtin-view", roleBinding({ kind: "ClusterRole", name: "view" }, [APP_SA], "app-builtin-view")),
                ],
            },
        ],
    },
];
