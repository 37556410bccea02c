/**
 * RBAC helpers shared by the rules in this folder: recognising Role/ClusterRole and
 * RoleBinding/ClusterRoleBinding resources (typed resources, Patch variants, YAML-rendered
 * objects and CustomResource-style props), and matching PolicyRules against a permission
 * the way the Kubernetes RBAC authorizer does (wildcards, subresources, resourceNames).
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { k8sKind } from "../util/kind";

export { k8sKind };

/** A Kubernetes RBAC PolicyRule as it appears in resource inputs. */
export interface PolicyRule {
    apiGroups?: string[];
    resources?: string[];
    verbs?: string[];
    resourceNames?: string[];
    nonResourceURLs?: string[];
}

/** A RoleBinding / ClusterRoleBinding subject. */
export interface Subject {
    kind?: string;
    name?: string;
    namespace?: string;
    apiGroup?: string;
}

/** One permission to look for: any of `verbs` on `resource` (may be "pods/exec") in `group`. */
export interface Permission {
    verbs: string[];
    group: string;
    resource: string;
}

const RBAC_GROUP = "rbac.authorization.k8s.io";


/** "Role" or "ClusterRole" when the resource is one of them. */
export function roleKind(type: string, props: Record<string, unknown>): "Role" | "ClusterRole" | undefined {
    const k = k8sKind(type, props);
    if (k?.group !== RBAC_GROUP) return undefined;
    return k.kind === "Role" || k.kind === "ClusterRole" ? k.kind : undefined;
}

/** "RoleBinding" or "ClusterRoleBinding" when the resource is one of them. */
export function bindingKind(type: string, props: Record<string, unknown>): "RoleBinding" | "ClusterRoleBinding" | undefined {
    const k = k8sKind(type, props);
    if (k?.group !== RBAC_GROUP) return undefined;
    return k.kind === "RoleBinding" || k.kind === "ClusterRoleBinding" ? k.kind : undefined;
}

/** The PolicyRules of a Role/ClusterRole (empty when absent or unknown). */
export function rulesOf(props: Record<string, unknown>): PolicyRule[] {
    return Array.isArray(props.rules) ? (props.rules.filter((r) => r && typeof r === "object") as PolicyRule[]) : [];
}

/** The subjects of a binding (empty when absent). */
export function subjectsOf(props: Record<string, unknown>): Subject[] {
    return Array.isArray(props.subjects) ? (props.subjects.filter((s) => s && typeof s === "object") as Subject[]) : [];
}

/** metadata.name / metadata.namespace of a Kubernetes resource. */
export function metaOf(props: Record<string, unknown>): { name?: string; namespace?: string; labels: Record<string, string> } {
    const md = (props.metadata ?? {}) as Record<string, unknown>;
    return {
        name: typeof md.name === "string" ? md.name : undefined,
        namespace: typeof md.namespace === "string" ? md.namespace : undefined,
        labels: (md.labels && typeof md.labels === "object" ? md.labels : {}) as Record<string, string>,
    };
}

function list(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** True when a rule's resources entry covers `resource` ("pods", "pods/exec"), as the authorizer matches it. */
export function resourceMatches(entry: string, resource: string): boolean {
    if (entry === "*" || entry === resource) return true;
    const [base, sub] = resource.split("/", 2);
    if (sub === undefined) return false;
    // "pods/*" covers every subresource of pods; "*/exec" covers exec of every resource.
    return entry === `${base}/*` || entry === `*/${sub}`;
}

/**
 * True when `rule` grants any of `perm.verbs` on `perm.resource` in `perm.group` without a
 * resourceNames restriction. Rules limited to resourceNames reach only the named objects,
 * which is what the RBAC good-practices guide recommends, so they do not count.
 */
export function ruleGrants(rule: PolicyRule, perm: Permission): boolean {
    if (list(rule.resourceNames).length > 0) return false;
    const verbs = list(rule.verbs);
    if (!verbs.includes("*") && !perm.verbs.some((v) => verbs.includes(v))) return false;
    // An omitted apiGroups is invalid for the API server; treat it as the core group rather than miss a grant.
    const groups = rule.apiGroups === undefined ? [""] : list(rule.apiGroups);
    if (!groups.includes("*") && !groups.includes(perm.group)) return false;
    return list(rule.resources).some((r) => resourceMatches(r, perm.resource));
}

/** The rules among `rules` that grant `perm`. */
export function grantingRules(rules: PolicyRule[], perm: Permission): PolicyRule[] {
    return rules.filter((r) => ruleGrants(r, perm));
}

/** A rule as one compact line, for messages: `[apiGroups=[""] resources=[secrets] verbs=[get,list]]`. */
export function describeRule(rule: PolicyRule): string {
    const parts: string[] = [];
    if (rule.apiGroups) parts.push(`apiGroups=[${list(rule.apiGroups).map((g) => (g === "" ? '""' : g)).join(",")}]`);
    if (rule.resources) parts.push(`resources=[${list(rule.resources).join(",")}]`);
    if (rule.nonResourceURLs) parts.push(`nonResourceURLs=[${list(rule.nonResourceURLs).join(",")}]`);
    if (rule.resourceNames) parts.push(`resourceNames=[${list(rule.resourceNames).join(",")}]`);
    parts.push(`verbs=[${list(rule.verbs).join(",")}]`);
    return `{${parts.join(" ")}}`;
}

/** Policy config with the schema defaults filled in (the Analyzer passes only what the user set). */
export function configWithDefaults<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const set = Object.entries(args.getConfig<Partial<T>>() ?? {}).filter(([, v]) => v !== undefined);
    return { ...defaults, ...Object.fromEntries(set) } as T;
}

/** The role's own name plus "Role"/"ClusterRole", for messages. */
export function roleLabel(kind: string, props: Record<string, unknown>): string {
    const { name, namespace } = metaOf(props);
    return `${kind} ${namespace ? `${namespace}/` : ""}${name ?? "(unnamed)"}`;
}

/** Config schema fragment shared by role rules: role names exempted from the rule. */
export const exemptRolesSchema = {
    exemptRoles: {
        type: "array" as const,
        items: { type: "string" as const },
        default: [] as string[],
        description: "Role/ClusterRole metadata.name values exempted (for reviewed system or operator roles).",
    },
};

/** True when the role's metadata.name is listed in `exemptRoles`. */
export function isExemptRole(props: Record<string, unknown>, exemptRoles: string[]): boolean {
    const name = metaOf(props).name;
    return name !== undefined && exemptRoles.includes(name);
}

/**
 * The shared body of the "role grants X" rules: for a Role/ClusterRole that is not exempt,
 * reports each PolicyRule granting any of `perms`, naming `what` it grants and the `fix`.
 */
export function reportRoleGrants(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    perms: Permission[],
    what: string,
    fix: string,
): void {
    const kind = roleKind(args.type, args.props);
    if (!kind) return;
    const { exemptRoles } = configWithDefaults(args, { exemptRoles: [] as string[] });
    if (isExemptRole(args.props, exemptRoles)) return;
    for (const rule of rulesOf(args.props)) {
        if (perms.some((p) => ruleGrants(rule, p))) {
            reportViolation(`${roleLabel(kind, args.props)} grants ${what} in rule ${describeRule(rule)}: ${fix}`);
        }
    }
}
