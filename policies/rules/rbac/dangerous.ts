/**
 * The grants the effective-permissions rule looks for, as named predicates over a PolicyRule.
 * They mirror the single-role rules in this folder so a binding is reported for exactly what
 * those rules would report on the role it reaches.
 */
import { ruleGrants, stringList, type Permission, type PolicyRule } from "./util";

const RBAC = "rbac.authorization.k8s.io";

export const ESCALATION: Permission[] = [
    ...["roles", "clusterroles"].map((resource) => ({ verbs: ["escalate", "bind"], group: RBAC, resource })),
    ...["users", "groups", "serviceaccounts"].map((resource) => ({ verbs: ["impersonate"], group: "", resource })),
    ...["uids", "userextras/scopes"].map((resource) => ({ verbs: ["impersonate"], group: "authentication.k8s.io", resource })),
];
export const SECRETS: Permission[] = [{ verbs: ["get", "list", "watch"], group: "", resource: "secrets" }];
export const EXEC: Permission[] = ["pods/exec", "pods/attach"].map((resource) => ({ verbs: ["create", "get"], group: "", resource }));

/** Name of each dangerous grant, and whether a rule makes it. */
export const DANGEROUS_GRANTS: { name: string; test: (rule: PolicyRule) => boolean }[] = [
    { name: "wildcard", test: (r) => stringList(r.verbs).includes("*") || stringList(r.resources).includes("*") },
    // Stryker disable next-line MethodExpression: SECRETS has a single entry, so some() and every() agree
    { name: "secrets read", test: (r) => SECRETS.some((p) => ruleGrants(r, p)) },
    { name: "escalate/bind/impersonate", test: (r) => ESCALATION.some((p) => ruleGrants(r, p)) },
    { name: "exec/attach", test: (r) => EXEC.some((p) => ruleGrants(r, p)) },
];
