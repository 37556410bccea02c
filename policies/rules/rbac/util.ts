/**
 * RBAC helpers shared by the rules in this folder: recognising Role/ClusterRole and
 * RoleBinding/ClusterRoleBinding resources (typed resources, Patch variants, YAML-rendered
 * objects and CustomResource-style props), and matching PolicyRules against a permission
 * the way the Kubernetes RBAC authorizer does (wildcards, subresources, resourceNames).
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { configWithDefaults } from "../../config";
import { k8sKind, metaOf, qualifiedName } from "../util/kind";
import { rule, type RuleMeta } from "../util/rule";
import type { ResourceRule } from "../types";

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

/**
 * A PolicyRule field as the list of strings it holds. The API server rejects a scalar where a
 * list belongs, but a security rule reads `verbs: "*"` as the one-element list its author meant
 * (a wildcard grant) rather than wave it through; anything else that is not a list holds nothing.
 */
export function stringList(v: unknown): string[] {
    if (typeof v === "string") return [v];
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
    if (stringList(rule.resourceNames).length > 0) return false;
    const verbs = stringList(rule.verbs);
    if (!verbs.includes("*") && !perm.verbs.some((v) => verbs.includes(v))) return false;
    // An omitted apiGroups is invalid for the API server; treat it as the core group rather than miss a grant.
    const groups = rule.apiGroups === undefined ? [""] : stringList(rule.apiGroups);
    if (!groups.includes("*") && !groups.includes(perm.group)) return false;
    return stringList(rule.resources).some((r) => resourceMatches(r, perm.resource));
}

/** A rule as one compact line, for messages: `[apiGroups=[""] resources=[secrets] verbs=[get,list]]`. */
export function describeRule(rule: PolicyRule): string {
    const parts: string[] = [];
    // Present means set at all: a scalar "" (the core group) is quoted too.
    if (rule.apiGroups !== undefined && rule.apiGroups !== null) parts.push(`apiGroups=[${stringList(rule.apiGroups).map((g) => (g === "" ? '""' : g)).join(",")}]`);
    if (rule.resources) parts.push(`resources=[${stringList(rule.resources).join(",")}]`);
    if (rule.nonResourceURLs) parts.push(`nonResourceURLs=[${stringList(rule.nonResourceURLs).join(",")}]`);
    if (rule.resourceNames) parts.push(`resourceNames=[${stringList(rule.resourceNames).join(",")}]`);
    parts.push(`verbs=[${stringList(rule.verbs).join(",")}]`);
    return `{${parts.join(" ")}}`;
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

/**
 * The shared body of the role rules: for a Role/ClusterRole whose metadata.name is not in
 * `exemptRoles`, reports `finding(rule)` for each PolicyRule it returns one for, prefixed
 * with the role ("ClusterRole ns/name ...").
 */
export function reportRoleRules(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    finding: (rule: PolicyRule) => string | undefined,
): void {
    const kind = roleKind(args.type, args.props);
    if (!kind) return;
    const { exemptRoles } = configWithDefaults(args, { exemptRoles: [] as string[] });
    const name = metaOf(args.props).name;
    if (name !== undefined && exemptRoles.includes(name)) return;
    const label = `${kind} ${qualifiedName(args.props, "(unnamed)")}`;
    for (const rule of rulesOf(args.props)) {
        const message = finding(rule);
        if (message) reportViolation(`${label} ${message}`);
    }
}

/**
 * The shared body of the subject rules: for a RoleBinding/ClusterRoleBinding, reports
 * `finding(subject)` for each subject it returns one for, prefixed with the binding
 * ("RoleBinding name ...").
 */
export function reportBindingSubjects(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    finding: (subject: Subject) => string | undefined,
): void {
    const kind = bindingKind(args.type, args.props);
    if (!kind) return;
    const label = `${kind} ${metaOf(args.props).name ?? args.name}`;
    for (const s of subjectsOf(args.props)) {
        const message = finding(s);
        if (message) reportViolation(`${label} ${message}`);
    }
}

/** What a "role grants X" rule looks for: the permissions, how messages name them, and the fix they suggest. */
export interface RoleGrant {
    perms: Permission[];
    what: string;
    fix: string;
}

/**
 * A rule over Roles and ClusterRoles that reports each PolicyRule granting any of `grant.perms`,
 * naming what it grants and the fix; it takes the exemptRoles setting (see reportRoleRules).
 */
export function roleGrantRule(meta: Omit<RuleMeta<"resource">, "scope" | "settings">, grant: RoleGrant): ResourceRule {
    return rule({ ...meta, settings: { ...exemptRolesSchema }, scope: "resource" }, (args, reportViolation) =>
        reportRoleRules(args, reportViolation, (r) =>
            grant.perms.some((p) => ruleGrants(r, p)) ? `grants ${grant.what} in rule ${describeRule(r)}: ${grant.fix}` : undefined,
        ),
    );
}
