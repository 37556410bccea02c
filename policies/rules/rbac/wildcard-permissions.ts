import type { ResourceRule } from "../types";
import { configWithDefaults, describeRule, exemptRolesSchema, isExemptRole, roleKind, roleLabel, rulesOf } from "./util";

/**
 * Prevents Roles and ClusterRoles that use "*" for verbs or resources: a wildcard grants every
 * present and future verb or resource type (CRDs included), so the role silently grows with the
 * cluster. A rule with apiGroups "*" and resources "*" is the cluster-admin shape.
 * Severity high; CIS Kubernetes 5.1.3, Kubescape C-0187.
 */
export const rbacNoWildcardPermissions: ResourceRule = {
    name: "rbac-no-wildcard-permissions",
    description: "Roles and ClusterRoles must list verbs and resources explicitly instead of using \"*\".",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { cis: "CIS-K8s-5.1.3", kubescape: "C-0187" },
    configSchema: { properties: { ...exemptRolesSchema } },
    validateResource: (args, reportViolation) => {
        const kind = roleKind(args.type, args.props);
        if (!kind) return;
        const { exemptRoles } = configWithDefaults(args, { exemptRoles: [] as string[] });
        if (isExemptRole(args.props, exemptRoles)) return;
        for (const rule of rulesOf(args.props)) {
            const wildVerbs = (rule.verbs ?? []).includes("*");
            const wildResources = (rule.resources ?? []).includes("*");
            if (!wildVerbs && !wildResources) continue;
            const what = [wildVerbs ? "verbs" : "", wildResources ? "resources" : ""].filter(Boolean).join(" and ");
            reportViolation(
                `${roleLabel(kind, args.props)} uses "*" in ${what} in rule ${describeRule(rule)}: ` +
                    `list the exact verbs and resources the subject needs.`,
            );
        }
    },
};
