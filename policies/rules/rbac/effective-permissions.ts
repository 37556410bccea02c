import { rule } from "../util/rule";
import type { PolicyResource } from "@pulumi/policy";
import { BUILTIN_CLUSTER_ROLES } from "./builtin-roles";
import { DANGEROUS_GRANTS } from "./dangerous";
import { configWithDefaults } from "../../config";
import { metaOf } from "../util/kind";
import { isLabelSelector, selects, type LabelSelector } from "../util/labels";
import { bindingKind, describeRule, roleKind, rulesOf, subjectsOf, type PolicyRule } from "./util";

interface Config {
    exemptNamespaces: string[];
    exemptRoles: string[];
    exemptBindings: string[];
}

const DEFAULTS: Config = {
    exemptNamespaces: ["kube-system", "kube-public", "kube-node-lease"],
    exemptRoles: [],
    exemptBindings: [],
};

interface RoleEntry {
    resource: PolicyResource;
    kind: "Role" | "ClusterRole";
    name: string;
    /** No metadata.name: Pulumi names the object `<resource name>-<random hex>`. */
    autonamed: boolean;
    namespace?: string;
}

/** True when `roleRef` names this role, including a Pulumi auto-name derived from its resource name. */
function namedBy(role: RoleEntry, refName: string): boolean {
    if (role.name === refName) return true;
    return role.autonamed && refName.startsWith(`${role.name}-`) && /^[0-9a-f]{7,8}$/.test(refName.slice(role.name.length + 1));
}

/**
 * The selectors of a ClusterRole's aggregationRule. The API server rejects an aggregationRule
 * that is not an object, selectors that are not a list and entries that are not LabelSelectors,
 * so none of those ever folds a role in: they are dropped and the well-formed rest is kept.
 * A null entry is the exception: it decodes to an empty selector, which selects every ClusterRole.
 */
function aggregationSelectors(props: Record<string, unknown>): LabelSelector[] {
    const agg = props.aggregationRule;
    const selectors = agg && typeof agg === "object" ? (agg as { clusterRoleSelectors?: unknown }).clusterRoleSelectors : undefined;
    return Array.isArray(selectors) ? selectors.map((s: unknown) => s ?? {}).filter(isLabelSelector) : [];
}

/** Rules a ClusterRole really grants: its own, plus those of the stack ClusterRoles its aggregationRule selects. */
function effectiveRules(role: RoleEntry, clusterRoles: RoleEntry[], seen = new Set<RoleEntry>()): PolicyRule[] {
    seen.add(role);
    const own = rulesOf(role.resource.props);
    const selectors = role.kind === "ClusterRole" ? aggregationSelectors(role.resource.props) : [];
    const folded = clusterRoles
        .filter((c) => !seen.has(c) && selectors.some((s) => selects(s, metaOf(c.resource.props).labels)))
        .flatMap((c) => effectiveRules(c, clusterRoles, seen));
    return [...own, ...folded];
}

/** Rules of a built-in ClusterRole plus the stack ClusterRoles that aggregate into it by label. */
function builtinRules(name: string, clusterRoles: RoleEntry[]): PolicyRule[] | undefined {
    // Own keys only: a roleRef named "constructor" must not find Object.prototype's.
    if (!Object.prototype.hasOwnProperty.call(BUILTIN_CLUSTER_ROLES, name)) return undefined;
    const builtin = BUILTIN_CLUSTER_ROLES[name];
    const label = builtin.aggregateLabel;
    const folded = label
        ? clusterRoles.filter((c) => metaOf(c.resource.props).labels[label] === "true").flatMap((c) => effectiveRules(c, clusterRoles))
        // Stryker disable next-line ArrayDeclaration: a string among the rules matches no dangerous grant, so it never shows
        : [];
    return [...builtin.rules, ...folded];
}

function isExempt(binding: PolicyResource, kind: string, cfg: Config, roleName: string): boolean {
    const { name, namespace } = metaOf(binding.props);
    if ((name && cfg.exemptBindings.includes(name)) || cfg.exemptRoles.includes(roleName)) return true;
    if (kind === "RoleBinding") return namespace !== undefined && cfg.exemptNamespaces.includes(namespace);
    // A ClusterRoleBinding is exempt only when every subject is a service account of an exempt namespace.
    const subjects = subjectsOf(binding.props);
    return subjects.length > 0 && subjects.every((s) => s.kind === "ServiceAccount" && cfg.exemptNamespaces.includes(s.namespace ?? ""));
}

/**
 * Follows every RoleBinding and ClusterRoleBinding in the stack to the Role or ClusterRole it
 * references (by metadata.name, in the binding's namespace for a Role; a ClusterRole referenced
 * by a RoleBinding applies inside that namespace) and reports the binding when the role really
 * grants a wildcard, Secrets read, escalate/bind/impersonate or exec/attach. Aggregated
 * ClusterRoles are expanded from the stack, and the built-in admin/edit/cluster-admin roles are
 * known, so a harmless-looking binding to "edit" is still reported for Secrets and exec.
 * Prevents: granting dangerous permissions indirectly through a binding review that only sees
 * a role name. Severity high; CIS Kubernetes 5.1.2/5.1.3/5.1.8, Kubescape C-0186/C-0187/C-0191.
 */
export const rbacEffectivePermissions = rule(
    {
        name: "rbac-effective-permissions",
        description: "Bindings must not reach a role that grants wildcards, Secrets read, escalate/bind/impersonate or exec.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.3"], cisEks: ["4.1.3"], kubescape: ["C-0187"] },
        settings: {
            exemptNamespaces: {
                type: "array",
                items: { type: "string" },
                default: DEFAULTS.exemptNamespaces,
                description: "Namespaces whose RoleBindings (and ClusterRoleBindings to their service accounts) are not checked.",
            },
            exemptRoles: { type: "array", items: { type: "string" }, default: [], description: "Referenced role names not checked." },
            exemptBindings: { type: "array", items: { type: "string" }, default: [], description: "Binding names not checked." },
        },
        remediationSteps: "Bind a narrower role that lists only the verbs and resources the subjects need.",
        scope: "stack-args",
    },
    (args, reportViolation) => {
        const cfg = configWithDefaults(args, DEFAULTS);
        // Stryker disable next-line ArrayDeclaration: a string entry has no kind, so no binding or aggregation ever picks it
        const roles: RoleEntry[] = [];
        for (const r of args.resources) {
            const kind = roleKind(r.type, r.props);
            if (!kind) continue;
            const md = metaOf(r.props);
            roles.push({ resource: r, kind, name: md.name ?? r.name, autonamed: md.name === undefined, namespace: md.namespace });
        }
        const clusterRoles = roles.filter((r) => r.kind === "ClusterRole");

        for (const b of args.resources) {
            const kind = bindingKind(b.type, b.props);
            if (!kind) continue;
            const roleRef = (b.props.roleRef ?? {}) as { kind?: unknown; name?: unknown };
            // A name that is not a string is rejected by the API server: such a binding grants nothing.
            if (typeof roleRef.name !== "string" || !roleRef.name || (roleRef.kind !== "Role" && roleRef.kind !== "ClusterRole")) continue;
            const refName = roleRef.name;
            const refKind = roleRef.kind;
            if (isExempt(b, kind, cfg, refName)) continue;
            const bindingNs = metaOf(b.props).namespace;
            // A roleRef computed from the role's output is linked by property dependency even before names are known.
            // Stryker disable next-line ArrayDeclaration: a string in the set is never a role resource, so linked.has() stays false
            const linked = new Set(b.propertyDependencies?.roleRef ?? []);
            const target = roles.find(
                (r) =>
                    r.kind === refKind &&
                    (linked.has(r.resource) || namedBy(r, refName)) &&
                    (r.kind === "ClusterRole" || (r.namespace ?? "default") === (bindingNs ?? "default")),
            );
            const rules = target
                ? effectiveRules(target, clusterRoles)
                : refKind === "ClusterRole"
                  ? builtinRules(refName, clusterRoles)
                  : undefined;
            if (!rules) continue;
            const found = DANGEROUS_GRANTS.map((g) => ({ name: g.name, rules: rules.filter(g.test) })).filter((g) => g.rules.length > 0);
            if (found.length === 0) continue;
            const quoted = [...new Set(found.flatMap((g) => g.rules))].map(describeRule).join("; ");
            const scope = kind === "RoleBinding" ? ` in namespace ${bindingNs ?? "default"}` : " cluster-wide";
            const origin = target ? "" : " (built-in)";
            reportViolation(
                `${kind} ${metaOf(b.props).name ?? b.name} gives its subjects ${found.map((g) => g.name).join(", ")}${scope} ` +
                    `through ${refKind} ${refName}${origin}, whose rules are ${quoted}: ` +
                    `bind a narrower role that lists only the verbs and resources the subjects need.`,
                b.urn,
            );
        }
    },
);
