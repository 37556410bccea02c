import { rule } from "../util/rule";
import { describeRule, exemptRolesSchema, reportRoleRules, stringList } from "./util";

/**
 * Prevents Roles and ClusterRoles that use "*" for verbs or resources: a wildcard grants every
 * present and future verb or resource type (CRDs included), so the role silently grows with the
 * cluster. A rule with apiGroups "*" and resources "*" is the cluster-admin shape. A scalar
 * `verbs: "*"` (which the API server would reject) still counts as a wildcard (see stringList).
 * Severity high; CIS Kubernetes 5.1.3, Kubescape C-0187.
 */
export const rbacNoWildcardPermissions = rule(
    {
        name: "rbac-no-wildcard-permissions",
        description: "Roles and ClusterRoles must list verbs and resources explicitly instead of using \"*\".",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.3"], cisEks: ["4.1.3"], kubescape: ["C-0187"] },
        settings: { ...exemptRolesSchema },
        remediationSteps: "Replace \"*\" in verbs, resources and apiGroups with the exact values the subjects need.",
        scope: "resource",
    },
    (args, reportViolation) =>
        reportRoleRules(args, reportViolation, (rule) => {
            const wildVerbs = stringList(rule.verbs).includes("*");
            const wildResources = stringList(rule.resources).includes("*");
            if (!wildVerbs && !wildResources) return undefined;
            const what = [wildVerbs ? "verbs" : "", wildResources ? "resources" : ""].filter(Boolean).join(" and ");
            return `uses "*" in ${what} in rule ${describeRule(rule)}: list the exact verbs and resources the subject needs.`;
        }),
);
