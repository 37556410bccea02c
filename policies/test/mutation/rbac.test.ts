/**
 * RBAC rules, one by one: the exact messages users see (object, grant, quoted rule, fix), the
 * permission tables (verbs, resources, API groups, built-in ClusterRoles), wildcard and
 * subresource matching, resourceNames, every setting the rules read, the stack rule's binding
 * resolution (namespaces, auto-names, aggregation, built-ins) and malformed inputs.
 */
import * as assert from "assert";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import type { Rule } from "../../rules/types";
import { rbacNoAnonymousSubject } from "../../rules/rbac/anonymous-subject";
import { BUILTIN_CLUSTER_ROLES } from "../../rules/rbac/builtin-roles";
import { rbacNoClusterAdminBinding } from "../../rules/rbac/cluster-admin-binding";
import { DANGEROUS_GRANTS, ESCALATION, EXEC, SECRETS } from "../../rules/rbac/dangerous";
import { rbacNoDefaultServiceAccountBinding } from "../../rules/rbac/default-service-account";
import { rbacEffectivePermissions } from "../../rules/rbac/effective-permissions";
import { rbacNoEscalateBindImpersonate } from "../../rules/rbac/escalate-bind-impersonate";
import { rbacNoNodeProxy } from "../../rules/rbac/node-proxy";
import { rbacNoPodCreate } from "../../rules/rbac/pod-create";
import { rbacNoPodExec } from "../../rules/rbac/pod-exec";
import { rbacNoSecretsRead } from "../../rules/rbac/secrets-read";
import { rbacNoSystemMastersSubject } from "../../rules/rbac/system-masters-subject";
import { rbacNoTokenRequest } from "../../rules/rbac/token-request";
import { rbacNoWildcardPermissions } from "../../rules/rbac/wildcard-permissions";
import {
    bindingKind,
    describeRule,
    exemptRolesSchema,
    resourceMatches,
    roleKind,
    ruleGrants,
    rulesOf,
    subjectsOf,
    type PolicyRule,
} from "../../rules/rbac/util";
import { runRules, urnOf, type Finding, type FixtureResource } from "../support";

type Props = Record<string, unknown>;

const API = "rbac.authorization.k8s.io/v1";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** `namespace` null: no metadata.namespace. */
function roleProps(name: string | undefined, rules: unknown, namespace: string | null = "apps", labels?: Record<string, string>): Props {
    const metadata: Props = {};
    if (name !== undefined) metadata.name = name;
    if (namespace !== null) metadata.namespace = namespace;
    if (labels) metadata.labels = labels;
    return { apiVersion: API, kind: "Role", metadata, rules };
}

function clusterRoleProps(name: string | undefined, rules: unknown, labels?: Record<string, string>, extra: Props = {}): Props {
    const metadata: Props = {};
    if (name !== undefined) metadata.name = name;
    if (labels) metadata.labels = labels;
    return { apiVersion: API, kind: "ClusterRole", metadata, rules, ...extra };
}

const APP_SA = { kind: "ServiceAccount", name: "app", namespace: "apps" };

function bindingProps(kind: "RoleBinding" | "ClusterRoleBinding", name: string | undefined, roleRef: unknown, subjects: unknown = [APP_SA], namespace: string | null = kind === "RoleBinding" ? "apps" : null): Props {
    const metadata: Props = {};
    if (name !== undefined) metadata.name = name;
    if (namespace !== null) metadata.namespace = namespace;
    return { apiVersion: API, kind, metadata, roleRef, subjects };
}

const ref = (kind: string, name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });

/** Runs one rule over one resource named "res". */
function runOne(rule: Rule, type: string, props: Props, config: Record<string, unknown> = {}): Promise<Finding[]> {
    return runRules([rule], [{ type, name: "res", props }], config);
}

const at = (rule: Rule, type: string, message: string, name = "res"): Finding => ({ rule: rule.name, message, urn: urnOf(type, name) });

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): rule metadata", () => {
    const exemptRoles = {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Role/ClusterRole metadata.name values exempted (for reviewed system or operator roles).",
    };

    it("exemptRolesSchema is the documented setting", () => {
        assert.deepStrictEqual(exemptRolesSchema, { exemptRoles });
    });

    const meta: [Rule, Omit<Rule, "validateResource" | "validateStack" | "configSchema">, string[]][] = [
        [rbacNoWildcardPermissions, {
            name: "rbac-no-wildcard-permissions",
            description: "Roles and ClusterRoles must list verbs and resources explicitly instead of using \"*\".",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.3"], cisEks: ["4.1.3"], kubescape: ["C-0187"] },
            remediationSteps: "Replace \"*\" in verbs, resources and apiGroups with the exact values the subjects need.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoClusterAdminBinding, {
            name: "rbac-no-cluster-admin-binding",
            description: "Bindings must not reference the cluster-admin ClusterRole.",
            severity: "critical",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.1"], cisEks: ["4.1.1"], kubescape: ["C-0185"] },
            remediationSteps: "Bind a Role or ClusterRole that grants only the verbs and resources the subjects need.",
        }, ["exemptions", "exemptBindings"]],
        [rbacNoAnonymousSubject, {
            name: "rbac-no-anonymous-subject",
            description: "Bindings must not grant permissions to system:anonymous or system:unauthenticated.",
            severity: "critical",
            enforcementLevel: "mandatory",
            controls: { kubescape: ["C-0262"] },
            remediationSteps: "Remove system:anonymous and system:unauthenticated from the subjects; bind authenticated identities only.",
        }, ["exemptions"]],
        [rbacNoSystemMastersSubject, {
            name: "rbac-no-system-masters-subject",
            description: "Bindings must not name the system:masters group (or a user of that name) as a subject.",
            severity: "critical",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.7"], cisEks: ["4.1.7"], kubescape: ["C-0246"] },
            remediationSteps: "Remove system:masters from the subjects; it bypasses RBAC and cannot be revoked by removing bindings.",
        }, ["exemptions"]],
        [rbacNoEscalateBindImpersonate, {
            name: "rbac-no-escalate-bind-impersonate",
            description: "Roles must not grant escalate or bind on roles, or impersonate on users/groups/service accounts.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.8"], cisEks: ["4.1.8"], kubescape: ["C-0191"] },
            remediationSteps: "Remove escalate, bind and impersonate from the rule, or limit them with resourceNames to reviewed roles.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoSecretsRead, {
            name: "rbac-no-secrets-read",
            description: "Roles must not read Secrets (get/list/watch) unless limited to named Secrets with resourceNames.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.2"], cisEks: ["4.1.2"], kubescape: ["C-0186"] },
            remediationSteps: "Drop get/list/watch on secrets, or limit get to the needed Secrets with resourceNames.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoPodExec, {
            name: "rbac-no-pod-exec",
            description: "Roles must not grant create or get on pods/exec or pods/attach.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { kubescape: ["C-0002"] },
            remediationSteps: "Remove create/get on pods/exec and pods/attach; give break-glass access outside the stack.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoNodeProxy, {
            name: "rbac-no-node-proxy",
            description: "Roles must not grant any verb on nodes/proxy.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.10"], kubescape: ["C-0279"] },
            remediationSteps: "Remove nodes/proxy from the rule; read node metrics through the metrics API instead.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoTokenRequest, {
            name: "rbac-no-token-request",
            description: "Roles must not grant create on serviceaccounts/token.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.13"], kubescape: ["C-0282"] },
            remediationSteps: "Remove create on serviceaccounts/token; workloads get their own token through a projected volume.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoPodCreate, {
            name: "rbac-no-pod-create",
            description: "Roles should not create, update or patch Pods directly.",
            severity: "medium",
            enforcementLevel: "advisory",
            controls: { cisKubernetes: ["5.1.4"], cisEks: ["4.1.4"], kubescape: ["C-0188"] },
            remediationSteps: "Let a controller (Deployment, Job) create pods; remove create/update/patch on pods from the role.",
        }, ["exemptions", "exemptRoles"]],
        [rbacNoDefaultServiceAccountBinding, {
            name: "rbac-no-default-service-account-binding",
            description: "Bindings must not grant permissions to the default service account (or all service accounts).",
            severity: "medium",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.5"], cisEks: ["4.1.5"], kubescape: ["C-0189"] },
            remediationSteps: "Create a dedicated ServiceAccount for the workload and bind that instead of default (or system:serviceaccounts).",
        }, ["exemptions"]],
        [rbacEffectivePermissions, {
            name: "rbac-effective-permissions",
            description: "Bindings must not reach a role that grants wildcards, Secrets read, escalate/bind/impersonate or exec.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { cisKubernetes: ["5.1.3"], cisEks: ["4.1.3"], kubescape: ["C-0187"] },
            remediationSteps: "Bind a narrower role that lists only the verbs and resources the subjects need.",
        }, ["exemptions", "exemptNamespaces", "exemptRoles", "exemptBindings"]],
    ];
    for (const [rule, expected, settings] of meta) {
        it(`${expected.name}: id, description, severity, level, controls, remediation and settings`, () => {
            const { name, description, severity, enforcementLevel, controls, remediationSteps } = rule;
            assert.deepStrictEqual({ name, description, severity, enforcementLevel, controls, remediationSteps }, expected);
            assert.deepStrictEqual(Object.keys(rule.configSchema?.properties ?? {}).sort(), [...settings].sort());
            assert.strictEqual("validateStack" in rule, expected.name === "rbac-effective-permissions");
        });
    }

    it("role rules declare exemptRoles as documented", () => {
        for (const rule of [rbacNoWildcardPermissions, rbacNoEscalateBindImpersonate, rbacNoSecretsRead, rbacNoPodExec, rbacNoNodeProxy, rbacNoTokenRequest, rbacNoPodCreate]) {
            assert.deepStrictEqual(rule.configSchema?.properties?.exemptRoles, exemptRoles, rule.name);
        }
    });

    it("rbac-no-cluster-admin-binding declares exemptBindings", () => {
        assert.deepStrictEqual(rbacNoClusterAdminBinding.configSchema?.properties?.exemptBindings, {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Binding metadata.name values allowed to reference cluster-admin.",
        });
    });

    it("rbac-effective-permissions declares its three settings with defaults", () => {
        const p = rbacEffectivePermissions.configSchema?.properties ?? {};
        assert.deepStrictEqual(p.exemptNamespaces, {
            type: "array",
            items: { type: "string" },
            default: ["kube-system", "kube-public", "kube-node-lease"],
            description: "Namespaces whose RoleBindings (and ClusterRoleBindings to their service accounts) are not checked.",
        });
        assert.deepStrictEqual(p.exemptRoles, { type: "array", items: { type: "string" }, default: [], description: "Referenced role names not checked." });
        assert.deepStrictEqual(p.exemptBindings, { type: "array", items: { type: "string" }, default: [], description: "Binding names not checked." });
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): tables", () => {
    it("ESCALATION: escalate/bind on roles and clusterroles, impersonate on identities", () => {
        assert.deepStrictEqual(ESCALATION, [
            { verbs: ["escalate", "bind"], group: "rbac.authorization.k8s.io", resource: "roles" },
            { verbs: ["escalate", "bind"], group: "rbac.authorization.k8s.io", resource: "clusterroles" },
            { verbs: ["impersonate"], group: "", resource: "users" },
            { verbs: ["impersonate"], group: "", resource: "groups" },
            { verbs: ["impersonate"], group: "", resource: "serviceaccounts" },
            { verbs: ["impersonate"], group: "authentication.k8s.io", resource: "uids" },
            { verbs: ["impersonate"], group: "authentication.k8s.io", resource: "userextras/scopes" },
        ]);
    });

    it("SECRETS and EXEC", () => {
        assert.deepStrictEqual(SECRETS, [{ verbs: ["get", "list", "watch"], group: "", resource: "secrets" }]);
        assert.deepStrictEqual(EXEC, [
            { verbs: ["create", "get"], group: "", resource: "pods/exec" },
            { verbs: ["create", "get"], group: "", resource: "pods/attach" },
        ]);
    });

    it("DANGEROUS_GRANTS: names in order, each recognising its grant only", () => {
        assert.deepStrictEqual(DANGEROUS_GRANTS.map((g) => g.name), ["wildcard", "secrets read", "escalate/bind/impersonate", "exec/attach"]);
        const probes: PolicyRule[] = [
            { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] },
            { apiGroups: ["apps"], resources: ["*"], verbs: ["get"] },
            { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
            { apiGroups: [""], resources: ["users"], verbs: ["impersonate"] },
            { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
            {},
        ];
        assert.deepStrictEqual(
            probes.map((r) => DANGEROUS_GRANTS.filter((g) => g.test(r)).map((g) => g.name)),
            [["wildcard"], ["wildcard"], ["secrets read"], ["escalate/bind/impersonate"], ["exec/attach"], [], []],
        );
    });

    it("DANGEROUS_GRANTS: non-list fields grant nothing and do not throw; a scalar string is a one-element list", () => {
        const odd = (rule: Record<string, unknown>) => DANGEROUS_GRANTS.filter((g) => g.test(rule as PolicyRule)).map((g) => g.name);
        assert.deepStrictEqual(odd({ apiGroups: [""], resources: ["secrets"], verbs: 5 }), []);
        assert.deepStrictEqual(odd({ apiGroups: [""], resources: 5, verbs: ["*"] }), ["wildcard"]);
        assert.deepStrictEqual(odd({ apiGroups: ["apps"], resources: ["deployments"], verbs: "*" }), ["wildcard"]);
        assert.deepStrictEqual(odd({ apiGroups: ["apps"], resources: "*", verbs: "get" }), ["wildcard"]);
        assert.deepStrictEqual(odd({ apiGroups: ["apps"], resources: "deployments/*", verbs: "get" }), []);
        assert.deepStrictEqual(odd({ apiGroups: "", resources: "secrets", verbs: "list" }), ["secrets read"]);
    });

    it("BUILTIN_CLUSTER_ROLES: cluster-admin, admin, edit, view as Kubernetes ships them", () => {
        const powerful = [
            { apiGroups: [""], resources: ["secrets"], verbs: ALL_VERBS },
            { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: ALL_VERBS },
            { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
        ];
        assert.deepStrictEqual(BUILTIN_CLUSTER_ROLES, {
            "cluster-admin": { rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["*"], verbs: ["*"] }] },
            admin: { aggregateLabel: "rbac.authorization.k8s.io/aggregate-to-admin", rules: powerful },
            edit: { aggregateLabel: "rbac.authorization.k8s.io/aggregate-to-edit", rules: powerful },
            view: {
                aggregateLabel: "rbac.authorization.k8s.io/aggregate-to-view",
                rules: [{ apiGroups: [""], resources: ["configmaps", "pods", "services", "endpoints"], verbs: ["get", "list", "watch"] }],
            },
        });
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): util helpers", () => {
    it("roleKind and bindingKind: typed, Patch and rendered objects of the RBAC group only", () => {
        assert.strictEqual(roleKind(ROLE, {}), "Role");
        assert.strictEqual(roleKind(CLUSTER_ROLE, {}), "ClusterRole");
        assert.strictEqual(roleKind("kubernetes:rbac.authorization.k8s.io/v1:RolePatch", {}), "Role");
        assert.strictEqual(roleKind("kubernetes:yaml:ConfigFile", { apiVersion: API, kind: "ClusterRole" }), "ClusterRole");
        assert.strictEqual(roleKind(ROLE_BINDING, {}), undefined);
        assert.strictEqual(roleKind("kubernetes:example.com/v1:Role", {}), undefined);
        assert.strictEqual(roleKind("aws:s3/bucket:Bucket", {}), undefined);
        assert.strictEqual(bindingKind(ROLE_BINDING, {}), "RoleBinding");
        assert.strictEqual(bindingKind(CLUSTER_ROLE_BINDING, {}), "ClusterRoleBinding");
        assert.strictEqual(bindingKind(ROLE, {}), undefined);
        assert.strictEqual(bindingKind("kubernetes:apiextensions.k8s.io/v1:CustomResource", { apiVersion: "example.com/v1", kind: "RoleBinding" }), undefined);
        assert.strictEqual(bindingKind("aws:s3/bucket:Bucket", {}), undefined);
    });

    it("rulesOf and subjectsOf keep objects only", () => {
        assert.deepStrictEqual(rulesOf({ rules: [null, "x", 5, { verbs: ["get"] }] }), [{ verbs: ["get"] }]);
        assert.deepStrictEqual(rulesOf({ rules: "x" }), []);
        assert.deepStrictEqual(rulesOf({}), []);
        assert.deepStrictEqual(subjectsOf({ subjects: [null, "x", 5, { kind: "User", name: "a" }] }), [{ kind: "User", name: "a" }]);
        assert.deepStrictEqual(subjectsOf({ subjects: { kind: "User" } }), []);
        assert.deepStrictEqual(subjectsOf({}), []);
    });

    it("resourceMatches: exact, *, base/* and */sub, but never a base for its subresource or back", () => {
        const cases: [string, string, boolean][] = [
            ["*", "pods", true],
            ["*", "pods/exec", true],
            ["pods", "pods", true],
            ["pods/exec", "pods/exec", true],
            ["pods/*", "pods/exec", true],
            ["*/exec", "pods/exec", true],
            ["pods", "pods/exec", false],
            ["pods/*", "pods", false],
            ["*/exec", "pods", false],
            ["nodes/*", "pods/exec", false],
            ["*/attach", "pods/exec", false],
            ["pods/exec", "pods/attach", false],
            ["secrets", "pods", false],
        ];
        assert.deepStrictEqual(cases.map(([e, r]) => resourceMatches(e, r)), cases.map(([, , want]) => want));
    });

    it("ruleGrants: verbs, groups, resources and resourceNames", () => {
        const perm = { verbs: ["get", "list"], group: "", resource: "secrets" };
        const cases: [PolicyRule, boolean][] = [
            [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }, true],
            [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }, true],
            [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }, true],
            [{ apiGroups: [""], resources: ["secrets"], verbs: ["watch"] }, false],
            [{ apiGroups: [""], resources: ["secrets"] }, false],
            [{ apiGroups: ["*"], resources: ["secrets"], verbs: ["get"] }, true],
            [{ apiGroups: ["apps"], resources: ["secrets"], verbs: ["get"] }, false],
            [{ resources: ["secrets"], verbs: ["get"] }, true],
            [{ apiGroups: "" as unknown as string[], resources: ["secrets"], verbs: ["get"] }, true],
            [{ apiGroups: 5 as unknown as string[], resources: ["secrets"], verbs: ["get"] }, false],
            [{ apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get"] }, true],
            [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }, false],
            [{ apiGroups: [""], verbs: ["get"] }, false],
            [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }, true],
            [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["tls"], verbs: ["get"] }, false],
            [{ apiGroups: [""], resources: ["secrets"], resourceNames: [], verbs: ["get"] }, true],
            [{ apiGroups: [""], resources: ["secrets"], resourceNames: [5 as unknown as string], verbs: ["get"] }, true],
            [{ apiGroups: [""], resources: ["secrets"], verbs: "get" as unknown as string[] }, true],
            [{ apiGroups: [""], resources: "secrets" as unknown as string[], verbs: "watch" as unknown as string[] }, false],
            [{ apiGroups: [""], resources: { secrets: true } as unknown as string[], verbs: 5 as unknown as string[] }, false],
        ];
        assert.deepStrictEqual(cases.map(([r]) => ruleGrants(r, perm)), cases.map(([, want]) => want));
    });

    it("describeRule: every part it has, in order, core group as \"\"", () => {
        assert.strictEqual(
            describeRule({ apiGroups: ["", "apps"], resources: ["pods", "deployments"], resourceNames: ["a", "b"], verbs: ["get", "list"] }),
            '{apiGroups=["",apps] resources=[pods,deployments] resourceNames=[a,b] verbs=[get,list]}',
        );
        assert.strictEqual(describeRule({ nonResourceURLs: ["/healthz", "/metrics"], verbs: ["get"] }), "{nonResourceURLs=[/healthz,/metrics] verbs=[get]}");
        assert.strictEqual(describeRule({}), "{verbs=[]}");
        assert.strictEqual(describeRule({ verbs: ["get", 5 as unknown as string] }), "{verbs=[get]}");
        assert.strictEqual(describeRule({ apiGroups: "" as unknown as string[], resources: "pods" as unknown as string[], verbs: "*" as unknown as string[] }), '{apiGroups=[""] resources=[pods] verbs=[*]}');
        assert.strictEqual(describeRule({ apiGroups: null as unknown as string[], verbs: 5 as unknown as string[] }), "{verbs=[]}");
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): rbac-no-wildcard-permissions", () => {
    const fix = "list the exact verbs and resources the subject needs.";
    const r = rbacNoWildcardPermissions;

    it("names verbs, resources or both, with the quoted rule, for a Role and a ClusterRole", async () => {
        const rules = [
            { apiGroups: [""], resources: ["configmaps"], verbs: ["*"] },
            { apiGroups: ["apps"], resources: ["*"], verbs: ["get", "list"] },
            { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
            { apiGroups: ["*"], resources: ["pods"], verbs: ["get"] },
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
        ];
        assert.deepStrictEqual(await runOne(r, ROLE, roleProps("ops", rules, "team")), [
            at(r, ROLE, `Role team/ops uses "*" in verbs in rule {apiGroups=[""] resources=[configmaps] verbs=[*]}: ${fix}`),
            at(r, ROLE, `Role team/ops uses "*" in resources in rule {apiGroups=[apps] resources=[*] verbs=[get,list]}: ${fix}`),
            at(r, ROLE, `Role team/ops uses "*" in verbs and resources in rule {apiGroups=[*] resources=[*] verbs=[*]}: ${fix}`),
        ]);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, clusterRoleProps("ops", [rules[1]])), [
            at(r, CLUSTER_ROLE, `ClusterRole ops uses "*" in resources in rule {apiGroups=[apps] resources=[*] verbs=[get,list]}: ${fix}`),
        ]);
    });

    it("reports wildcards even when resourceNames or nonResourceURLs are set, quoting them", async () => {
        const rules = [
            { apiGroups: [""], resources: ["secrets"], resourceNames: ["tls"], verbs: ["*"] },
            { nonResourceURLs: ["/metrics"], verbs: ["*"] },
        ];
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, clusterRoleProps("m", rules)), [
            at(r, CLUSTER_ROLE, `ClusterRole m uses "*" in verbs in rule {apiGroups=[""] resources=[secrets] resourceNames=[tls] verbs=[*]}: ${fix}`),
            at(r, CLUSTER_ROLE, `ClusterRole m uses "*" in verbs in rule {nonResourceURLs=[/metrics] verbs=[*]}: ${fix}`),
        ]);
    });

    it("exemptRoles skips the named role only", async () => {
        const props = clusterRoleProps("ops", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, props, { exemptRoles: ["ops"] }), []);
        assert.strictEqual((await runOne(r, CLUSTER_ROLE, props, { exemptRoles: ["other"] })).length, 1);
    });

    it("an unnamed role is labelled (unnamed) and is not exempted", async () => {
        const props = roleProps(undefined, [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }], "team");
        const want = [at(r, ROLE, `Role team/(unnamed) uses "*" in verbs in rule {apiGroups=[""] resources=[pods] verbs=[*]}: ${fix}`)];
        assert.deepStrictEqual(await runOne(r, ROLE, props), want);
        assert.deepStrictEqual(await runOne(r, ROLE, props, { exemptRoles: ["res", "(unnamed)"] }), want);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, clusterRoleProps(undefined, [{ resources: ["*"], verbs: ["get"] }])), [
            at(r, CLUSTER_ROLE, `ClusterRole (unnamed) uses "*" in resources in rule {resources=[*] verbs=[get]}: ${fix}`),
        ]);
    });

    it("ignores bindings, other groups' Role kinds, non-Kubernetes resources and malformed rules", async () => {
        const wild = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];
        assert.deepStrictEqual(await runOne(r, ROLE_BINDING, { ...bindingProps("RoleBinding", "b", ref("Role", "x")), rules: wild }), []);
        assert.deepStrictEqual(await runOne(r, "kubernetes:apiextensions.k8s.io/v1:CustomResource", { apiVersion: "example.com/v1", kind: "Role", metadata: { name: "x" }, rules: wild }), []);
        assert.deepStrictEqual(await runOne(r, "aws:iam/role:Role", { rules: wild }), []);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, clusterRoleProps("x", "not-a-list")), []);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, clusterRoleProps("x", [null, 5, {}, { apiGroups: [""] }])), []);
    });

    it("non-list verbs and resources do not crash it; a scalar string is read as a one-element list", async () => {
        for (const odd of [5, true, { "*": "*" }, null]) {
            assert.deepStrictEqual(await runOne(r, ROLE, roleProps("ops", [{ apiGroups: [""], resources: odd, verbs: odd }], "team")), [], JSON.stringify(odd));
        }
        // The API server rejects a string where a list belongs; read as the list its author meant, "*" is still a wildcard grant.
        assert.deepStrictEqual(await runOne(r, ROLE, roleProps("ops", [{ apiGroups: "", resources: "pods", verbs: "*" }, { apiGroups: [""], resources: "*", verbs: ["get"] }], "team")), [
            at(r, ROLE, `Role team/ops uses "*" in verbs in rule {apiGroups=[""] resources=[pods] verbs=[*]}: ${fix}`),
            at(r, ROLE, `Role team/ops uses "*" in resources in rule {apiGroups=[""] resources=[*] verbs=[get]}: ${fix}`),
        ]);
        // ... and a string is one entry, not characters: "pods/*" and "get,*" are not "*".
        assert.deepStrictEqual(await runOne(r, ROLE, roleProps("ops", [{ apiGroups: [""], resources: "pods/*", verbs: "get,*" }], "team")), []);
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): role grant rules", () => {
    interface GrantCase {
        rule: Rule;
        what: string;
        fix: string;
        reported: PolicyRule[];
        passes: PolicyRule[];
    }
    const grantCases: GrantCase[] = [
        {
            rule: rbacNoSecretsRead,
            what: "read access to Secrets",
            fix: "drop get/list/watch on secrets, or limit get to the needed Secrets with resourceNames.",
            reported: [
                { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
                { apiGroups: [""], resources: ["secrets"], verbs: ["list"] },
                { apiGroups: [""], resources: ["secrets"], verbs: ["watch"] },
                { apiGroups: ["*"], resources: ["secrets"], verbs: ["*"] },
                { resources: ["secrets"], verbs: ["get"] },
                { apiGroups: [""], resources: ["*"], verbs: ["list"] },
            ],
            passes: [
                { apiGroups: [""], resources: ["secrets"], verbs: ["create", "update", "delete"] },
                { apiGroups: [""], resources: ["secrets"], resourceNames: ["app-tls"], verbs: ["get"] },
                { apiGroups: ["apps"], resources: ["secrets"], verbs: ["get"] },
                { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
                { apiGroups: [""], resources: ["secrets/status"], verbs: ["get"] },
            ],
        },
        {
            rule: rbacNoPodExec,
            what: "exec/attach into pods",
            fix: "remove pods/exec and pods/attach; debug through logs, metrics or an audited break-glass role.",
            reported: [
                { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
                { apiGroups: [""], resources: ["pods/exec"], verbs: ["get"] },
                { apiGroups: [""], resources: ["pods/attach"], verbs: ["create"] },
                { apiGroups: [""], resources: ["pods/attach"], verbs: ["get"] },
                { apiGroups: [""], resources: ["pods/*"], verbs: ["create"] },
                { apiGroups: [""], resources: ["*/attach"], verbs: ["get"] },
            ],
            passes: [
                { apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] },
                { apiGroups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["list", "watch"] },
                { apiGroups: [""], resources: ["pods/portforward", "pods/log"], verbs: ["create", "get"] },
                { apiGroups: [""], resources: ["pods/exec"], resourceNames: ["debug"], verbs: ["create"] },
                { apiGroups: ["apps"], resources: ["pods/exec"], verbs: ["create"] },
            ],
        },
        {
            rule: rbacNoNodeProxy,
            what: "access to nodes/proxy (the kubelet API)",
            fix: "remove nodes/proxy; scrape kubelet metrics through nodes/metrics instead.",
            reported: [
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] },
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["create"] },
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["update"] },
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["patch"] },
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["delete"] },
                { apiGroups: [""], resources: ["nodes/*"], verbs: ["get"] },
                { apiGroups: [""], resources: ["*/proxy"], verbs: ["get"] },
            ],
            passes: [
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["list", "watch"] },
                { apiGroups: [""], resources: ["nodes", "nodes/metrics", "nodes/stats"], verbs: ["get"] },
                { apiGroups: ["metrics.k8s.io"], resources: ["nodes/proxy"], verbs: ["get"] },
            ],
        },
        {
            rule: rbacNoTokenRequest,
            what: "create on serviceaccounts/token",
            fix: "remove it, or limit it with resourceNames to the one service account whose token is needed.",
            reported: [
                { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
                { apiGroups: [""], resources: ["serviceaccounts/*"], verbs: ["create"] },
                { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["*"] },
            ],
            passes: [
                { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["get", "list"] },
                { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["create"] },
                { apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: ["ci"], verbs: ["create"] },
                { apiGroups: ["authentication.k8s.io"], resources: ["serviceaccounts/token"], verbs: ["create"] },
            ],
        },
        {
            rule: rbacNoPodCreate,
            what: "create/update/patch on pods",
            fix: "grant it only to controllers that must create pods, and list them in exemptRoles after review.",
            reported: [
                { apiGroups: [""], resources: ["pods"], verbs: ["create"] },
                { apiGroups: [""], resources: ["pods"], verbs: ["update"] },
                { apiGroups: [""], resources: ["pods"], verbs: ["patch"] },
            ],
            passes: [
                { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "delete"] },
                { apiGroups: [""], resources: ["pods/*"], verbs: ["create"] },
                { apiGroups: ["apps"], resources: ["pods"], verbs: ["create"] },
                { apiGroups: [""], resources: ["pods"], resourceNames: ["one"], verbs: ["patch"] },
            ],
        },
        {
            rule: rbacNoEscalateBindImpersonate,
            what: "escalate, bind or impersonate",
            fix: "remove these verbs, or limit bind to specific roles with resourceNames.",
            reported: [
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["bind"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"] },
                { apiGroups: [""], resources: ["users"], verbs: ["impersonate"] },
                { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"] },
                { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
                { apiGroups: ["authentication.k8s.io"], resources: ["uids"], verbs: ["impersonate"] },
                { apiGroups: ["authentication.k8s.io"], resources: ["userextras/scopes"], verbs: ["impersonate"] },
                { apiGroups: ["authentication.k8s.io"], resources: ["userextras/*"], verbs: ["impersonate"] },
            ],
            passes: [
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["view"], verbs: ["bind"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "clusterroles", "rolebindings"], verbs: ["get", "create", "update"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["bind", "escalate"] },
                { apiGroups: [""], resources: ["roles"], verbs: ["escalate"] },
                { apiGroups: ["authentication.k8s.io"], resources: ["users", "groups"], verbs: ["impersonate"] },
                { apiGroups: [""], resources: ["uids", "userextras/scopes"], verbs: ["impersonate"] },
                { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["create"] },
            ],
        },
    ];

    for (const c of grantCases) {
        describe(c.rule.name, () => {
            it("reports each granting PolicyRule of a Role with the quoted rule and the fix", async () => {
                const findings = await runOne(c.rule, ROLE, roleProps("app", [...c.passes, ...c.reported], "team"));
                assert.deepStrictEqual(findings, c.reported.map((p) => at(c.rule, ROLE, `Role team/app grants ${c.what} in rule ${describeRule(p)}: ${c.fix}`)));
            });

            it("reports a ClusterRole by its bare name", async () => {
                const findings = await runOne(c.rule, CLUSTER_ROLE, clusterRoleProps("wide", [c.reported[0]]));
                assert.deepStrictEqual(findings, [at(c.rule, CLUSTER_ROLE, `ClusterRole wide grants ${c.what} in rule ${describeRule(c.reported[0])}: ${c.fix}`)]);
            });

            it("passes a role made only of the near misses", async () => {
                assert.deepStrictEqual(await runOne(c.rule, ROLE, roleProps("app", c.passes)), []);
            });

            it("exemptRoles skips a role by metadata.name, not by resource name", async () => {
                const props = roleProps("app", c.reported);
                assert.deepStrictEqual(await runOne(c.rule, ROLE, props, { exemptRoles: ["app"] }), []);
                assert.strictEqual((await runOne(c.rule, ROLE, props, { exemptRoles: ["res", "other"] })).length, c.reported.length);
            });

            it("ignores bindings and non-Kubernetes resources carrying the same rules", async () => {
                assert.deepStrictEqual(await runOne(c.rule, CLUSTER_ROLE_BINDING, { ...bindingProps("ClusterRoleBinding", "b", ref("ClusterRole", "x")), rules: c.reported }), []);
                assert.deepStrictEqual(await runOne(c.rule, "aws:iam/policy:Policy", { rules: c.reported }), []);
            });
        });
    }

    it("the canonical literal messages", async () => {
        assert.deepStrictEqual(await runOne(rbacNoSecretsRead, ROLE, roleProps("app-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }])), [
            at(rbacNoSecretsRead, ROLE, 'Role apps/app-reader grants read access to Secrets in rule {apiGroups=[""] resources=[secrets] verbs=[get,list]}: drop get/list/watch on secrets, or limit get to the needed Secrets with resourceNames.'),
        ]);
        assert.deepStrictEqual(await runOne(rbacNoEscalateBindImpersonate, CLUSTER_ROLE, clusterRoleProps("delegator", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"] }])), [
            at(rbacNoEscalateBindImpersonate, CLUSTER_ROLE, "ClusterRole delegator grants escalate, bind or impersonate in rule {apiGroups=[rbac.authorization.k8s.io] resources=[clusterroles] verbs=[bind]}: remove these verbs, or limit bind to specific roles with resourceNames."),
        ]);
    });

    it("malformed roles neither crash nor report undefined", async () => {
        for (const props of [
            clusterRoleProps("x", undefined),
            clusterRoleProps("x", "secrets"),
            clusterRoleProps("x", [null, "rule", 7, []]),
            { apiVersion: API, kind: "ClusterRole", metadata: "bad", rules: [] },
            { apiVersion: API, kind: "ClusterRole" },
        ]) {
            assert.deepStrictEqual(await runOne(rbacNoSecretsRead, CLUSTER_ROLE, props), []);
        }
        const odd = clusterRoleProps("x", [{ apiGroups: [""], resources: ["secrets", 3], verbs: ["get", null] }]);
        assert.deepStrictEqual(await runOne(rbacNoSecretsRead, CLUSTER_ROLE, odd), [
            at(rbacNoSecretsRead, CLUSTER_ROLE, 'ClusterRole x grants read access to Secrets in rule {apiGroups=[""] resources=[secrets] verbs=[get]}: drop get/list/watch on secrets, or limit get to the needed Secrets with resourceNames.'),
        ]);
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): rbac-no-cluster-admin-binding", () => {
    const r = rbacNoClusterAdminBinding;
    const fix = "bind a Role or ClusterRole that grants only the verbs and resources the subjects need.";

    it("reports RoleBindings and ClusterRoleBindings to the cluster-admin ClusterRole", async () => {
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, bindingProps("ClusterRoleBinding", "ops-admin", ref("ClusterRole", "cluster-admin"))), [
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding ops-admin binds the cluster-admin ClusterRole: ${fix}`),
        ]);
        assert.deepStrictEqual(await runOne(r, ROLE_BINDING, bindingProps("RoleBinding", "ns-admin", ref("ClusterRole", "cluster-admin"))), [
            at(r, ROLE_BINDING, `RoleBinding ns-admin binds the cluster-admin ClusterRole: ${fix}`),
        ]);
    });

    it("an unnamed binding is named by its resource and never matches exemptBindings", async () => {
        const props = bindingProps("ClusterRoleBinding", undefined, ref("ClusterRole", "cluster-admin"));
        const want = [at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding res binds the cluster-admin ClusterRole: ${fix}`)];
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, props), want);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, props, { exemptBindings: ["other"] }), want);
    });

    it("exemptBindings skips the named binding only", async () => {
        const props = bindingProps("ClusterRoleBinding", "break-glass", ref("ClusterRole", "cluster-admin"));
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, props, { exemptBindings: ["break-glass"] }), []);
        assert.strictEqual((await runOne(r, CLUSTER_ROLE_BINDING, props, { exemptBindings: ["res"] })).length, 1);
    });

    it("passes other roles, a Role named cluster-admin, roles and missing or odd roleRefs", async () => {
        for (const roleRef of [ref("ClusterRole", "admin"), ref("Role", "cluster-admin"), ref("ClusterRole", "cluster-admin-lite"), undefined, {}, { kind: "ClusterRole" }]) {
            assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, bindingProps("ClusterRoleBinding", "b", roleRef)), [], JSON.stringify(roleRef));
        }
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, { ...clusterRoleProps("cluster-admin", []), roleRef: ref("ClusterRole", "cluster-admin") }), []);
        assert.deepStrictEqual(await runOne(r, "aws:iam/role:Role", { roleRef: ref("ClusterRole", "cluster-admin") }), []);
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): subject rules", () => {
    const anonFix = "remove that subject and bind an authenticated user, group or service account instead.";
    const mastersFix = "use a dedicated group bound to a least-privilege role; system:masters bypasses RBAC.";
    const saFix = "create a dedicated ServiceAccount for the workload and bind that instead.";

    it("rbac-no-anonymous-subject: User or Group system:anonymous / system:unauthenticated, one finding each", async () => {
        const r = rbacNoAnonymousSubject;
        const subjects = [
            APP_SA,
            { kind: "User", name: "system:anonymous" },
            { kind: "Group", name: "system:unauthenticated" },
            { kind: "Group", name: "system:anonymous" },
            { kind: "User", name: "system:unauthenticated" },
            { kind: "ServiceAccount", name: "system:anonymous", namespace: "apps" },
            { kind: "User", name: "system:authenticated" },
            { kind: "User" },
            null,
        ];
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, bindingProps("ClusterRoleBinding", "public", ref("ClusterRole", "view"), subjects)), [
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding public grants its role to User system:anonymous: ${anonFix}`),
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding public grants its role to Group system:unauthenticated: ${anonFix}`),
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding public grants its role to Group system:anonymous: ${anonFix}`),
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding public grants its role to User system:unauthenticated: ${anonFix}`),
        ]);
        assert.deepStrictEqual(await runOne(r, ROLE_BINDING, bindingProps("RoleBinding", undefined, ref("Role", "x"), [{ kind: "Group", name: "system:anonymous" }])), [
            at(r, ROLE_BINDING, `RoleBinding res grants its role to Group system:anonymous: ${anonFix}`),
        ]);
    });

    it("rbac-no-system-masters-subject: User and Group system:masters only", async () => {
        const r = rbacNoSystemMastersSubject;
        const subjects = [
            { kind: "Group", name: "system:masters" },
            { kind: "User", name: "system:masters" },
            { kind: "ServiceAccount", name: "system:masters", namespace: "apps" },
            { kind: "Group", name: "system:masters-lite" },
            { kind: "Group" },
        ];
        assert.deepStrictEqual(await runOne(r, ROLE_BINDING, bindingProps("RoleBinding", "admins", ref("Role", "x"), subjects)), [
            at(r, ROLE_BINDING, `RoleBinding admins names Group system:masters: ${mastersFix}`),
            at(r, ROLE_BINDING, `RoleBinding admins names User system:masters: ${mastersFix}`),
        ]);
    });

    it("rbac-no-default-service-account-binding: the default SA, named with its namespace", async () => {
        const r = rbacNoDefaultServiceAccountBinding;
        const subjects = [
            { kind: "ServiceAccount", name: "default", namespace: "other" },
            { kind: "ServiceAccount", name: "default" },
            { kind: "ServiceAccount", name: "app", namespace: "apps" },
            { kind: "User", name: "default" },
            { kind: "Group", name: "default" },
        ];
        assert.deepStrictEqual(await runOne(r, ROLE_BINDING, bindingProps("RoleBinding", "rb", ref("Role", "x"), subjects, "team")), [
            at(r, ROLE_BINDING, `RoleBinding rb grants its role to ServiceAccount other/default: ${saFix}`),
            at(r, ROLE_BINDING, `RoleBinding rb grants its role to ServiceAccount team/default: ${saFix}`),
        ]);
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, bindingProps("ClusterRoleBinding", undefined, ref("ClusterRole", "x"), [{ kind: "ServiceAccount", name: "default" }])), [
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding res grants its role to ServiceAccount default: ${saFix}`),
        ]);
    });

    it("rbac-no-default-service-account-binding: the system:serviceaccounts groups, exactly", async () => {
        const r = rbacNoDefaultServiceAccountBinding;
        const subjects = [
            { kind: "Group", name: "system:serviceaccounts" },
            { kind: "Group", name: "system:serviceaccounts:apps" },
            { kind: "Group", name: "system:serviceaccounts:a" },
            { kind: "Group", name: "system:serviceaccounts:" },
            { kind: "Group", name: "system:serviceaccountsx" },
            { kind: "Group", name: "xsystem:serviceaccounts" },
            { kind: "Group", name: "my-system:serviceaccounts:apps" },
            { kind: "User", name: "system:serviceaccounts" },
            { kind: "ServiceAccount", name: "system:serviceaccounts:apps" },
            { kind: "Group" },
        ];
        assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE_BINDING, bindingProps("ClusterRoleBinding", "all", ref("ClusterRole", "x"), subjects)), [
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding all grants its role to Group system:serviceaccounts: ${saFix}`),
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding all grants its role to Group system:serviceaccounts:apps: ${saFix}`),
            at(r, CLUSTER_ROLE_BINDING, `ClusterRoleBinding all grants its role to Group system:serviceaccounts:a: ${saFix}`),
        ]);
    });

    it("subject rules ignore roles, non-Kubernetes resources and malformed subjects", async () => {
        const bad = [{ kind: "Group", name: "system:masters" }, { kind: "User", name: "system:anonymous" }, { kind: "ServiceAccount", name: "default" }];
        for (const r of [rbacNoAnonymousSubject, rbacNoSystemMastersSubject, rbacNoDefaultServiceAccountBinding]) {
            assert.deepStrictEqual(await runOne(r, CLUSTER_ROLE, { ...clusterRoleProps("x", []), subjects: bad }), [], r.name);
            assert.deepStrictEqual(await runOne(r, "aws:iam/group:Group", { subjects: bad }), [], r.name);
            for (const subjects of [undefined, "system:masters", { kind: "Group", name: "system:masters" }, [null, 1, "x"]]) {
                assert.deepStrictEqual(await runOne(r, ROLE_BINDING, bindingProps("RoleBinding", "b", ref("Role", "x"), subjects)), [], `${r.name} ${JSON.stringify(subjects)}`);
            }
        }
    });
});

// ---------------------------------------------------------------------------------------------
describe("rbac (mutation): rbac-effective-permissions", () => {
    const r = rbacEffectivePermissions;
    const fix = "bind a narrower role that lists only the verbs and resources the subjects need.";
    const res = (type: string, name: string, props: Props): FixtureResource => ({ type, name, props });
    const run = (resources: FixtureResource[], config: Record<string, unknown> = {}) => runRules([r], resources, config);
    const msg = (binding: string, grants: string, scope: string, through: string, rules: PolicyRule[]) =>
        `${binding} gives its subjects ${grants}${scope} through ${through}, whose rules are ${rules.map(describeRule).join("; ")}: ${fix}`;
    const found = (type: string, name: string, message: string): Finding => ({ rule: r.name, message, urn: urnOf(type, name) });

    const SECRET_LIST: PolicyRule = { apiGroups: [""], resources: ["secrets"], verbs: ["list"] };
    const EXEC_RULE: PolicyRule = { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] };
    const HARMLESS: PolicyRule = { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] };
    const ADMIN_RULES: PolicyRule[] = [
        { apiGroups: [""], resources: ["secrets"], verbs: ALL_VERBS },
        { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: ALL_VERBS },
        { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
    ];
    /** How admin/edit rules are quoted: grouped by grant (secrets, impersonate, exec). */
    const ADMIN_QUOTED: PolicyRule[] = [ADMIN_RULES[0], ADMIN_RULES[2], ADMIN_RULES[1]];
    const ALL_GRANTS = "wildcard, secrets read, escalate/bind/impersonate, exec/attach";

    it("RoleBinding to a Role in its namespace: grants, namespace, role and quoted rules", async () => {
        const findings = await run([
            res(ROLE, "reader", roleProps("reader", [HARMLESS, SECRET_LIST], "apps")),
            res(ROLE_BINDING, "reader-rb", bindingProps("RoleBinding", "reader", ref("Role", "reader"))),
        ]);
        assert.deepStrictEqual(findings, [
            found(ROLE_BINDING, "reader-rb", msg("RoleBinding reader", "secrets read", " in namespace apps", "Role reader", [SECRET_LIST])),
        ]);
    });

    it("every dangerous grant is named in order and a rule matching several is quoted once", async () => {
        const all: PolicyRule = { apiGroups: ["*"], resources: ["*"], verbs: ["*"] };
        const imp: PolicyRule = { apiGroups: [""], resources: ["users"], verbs: ["impersonate"] };
        const wild: PolicyRule = { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] };
        const findings = await run([
            res(CLUSTER_ROLE, "god", clusterRoleProps("god", [EXEC_RULE, HARMLESS, imp, SECRET_LIST, wild, all])),
            res(CLUSTER_ROLE_BINDING, "god", bindingProps("ClusterRoleBinding", "god", ref("ClusterRole", "god"), [{ kind: "Group", name: "ops" }])),
        ]);
        assert.deepStrictEqual(findings, [
            found(CLUSTER_ROLE_BINDING, "god", msg("ClusterRoleBinding god", "wildcard, secrets read, escalate/bind/impersonate, exec/attach", " cluster-wide", "ClusterRole god", [wild, all, SECRET_LIST, imp, EXEC_RULE])),
        ]);
    });

    it("each grant alone", async () => {
        const grants: [string, PolicyRule][] = [
            ["wildcard", { apiGroups: ["apps"], resources: ["*"], verbs: ["list"] }],
            ["wildcard", { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] }],
            ["secrets read", { apiGroups: [""], resources: ["secrets"], verbs: ["watch"] }],
            ["escalate/bind/impersonate", { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["bind"] }],
            ["exec/attach", { apiGroups: [""], resources: ["pods/attach"], verbs: ["get"] }],
        ];
        for (const [name, rule] of grants) {
            const findings = await run([
                res(CLUSTER_ROLE, "cr", clusterRoleProps("cr", [HARMLESS, rule])),
                res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "cr"))),
            ]);
            assert.deepStrictEqual(findings, [found(CLUSTER_ROLE_BINDING, "crb", msg("ClusterRoleBinding crb", name, " cluster-wide", "ClusterRole cr", [rule]))], name);
        }
    });

    it("harmless roles, resourceNames-limited grants and rules without verbs pass", async () => {
        const findings = await run([
            res(CLUSTER_ROLE, "cr", clusterRoleProps("cr", [HARMLESS, { apiGroups: [""], resources: ["secrets"], resourceNames: ["tls"], verbs: ["get"] }, { apiGroups: [""], resources: ["secrets"] }, {}])),
            res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "cr"))),
            res(ROLE, "r", roleProps("r", [HARMLESS])),
            res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "r"))),
        ]);
        assert.deepStrictEqual(findings, []);
    });

    it("a RoleBinding does not reach a same-named Role of another namespace", async () => {
        const resources = [
            res(ROLE, "reader-team", roleProps("reader", [SECRET_LIST], "team")),
            res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "reader"), [APP_SA], "apps")),
        ];
        assert.deepStrictEqual(await run(resources), []);
        // ... but the one of its own namespace, even when the other one comes first.
        const ownRule: PolicyRule = { apiGroups: [""], resources: ["secrets"], verbs: ["get"] };
        assert.deepStrictEqual(await run([...resources, res(ROLE, "reader-apps", roleProps("reader", [ownRule], "apps"))]), [
            found(ROLE_BINDING, "rb", msg("RoleBinding rb", "secrets read", " in namespace apps", "Role reader", [ownRule])),
        ]);
    });

    it("namespaces default to \"default\" on both sides", async () => {
        const roleNoNs = res(ROLE, "r", roleProps("r", [SECRET_LIST], null));
        const roleDefault = res(ROLE, "r", roleProps("r", [SECRET_LIST], "default"));
        const rbNoNs = res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "r"), [APP_SA], null));
        const rbDefault = res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "r"), [APP_SA], "default"));
        const want = [found(ROLE_BINDING, "rb", msg("RoleBinding rb", "secrets read", " in namespace default", "Role r", [SECRET_LIST]))];
        assert.deepStrictEqual(await run([roleNoNs, rbNoNs]), want);
        assert.deepStrictEqual(await run([roleNoNs, rbDefault]), want);
        assert.deepStrictEqual(await run([roleDefault, rbNoNs]), want);
        assert.deepStrictEqual(await run([res(ROLE, "r", roleProps("r", [SECRET_LIST], "apps")), rbNoNs]), []);
    });

    it("roleRef kind must match: a Role and a ClusterRole of the same name are different roles", async () => {
        const clusterReader = res(CLUSTER_ROLE, "reader-cr", clusterRoleProps("reader", [SECRET_LIST]));
        const roleReader = res(ROLE, "reader-r", roleProps("reader", [EXEC_RULE], "apps"));
        assert.deepStrictEqual(await run([clusterReader, res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "reader")))]), []);
        assert.deepStrictEqual(await run([roleReader, clusterReader, res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "reader")))]), [
            found(ROLE_BINDING, "rb", msg("RoleBinding rb", "secrets read", " in namespace apps", "ClusterRole reader", [SECRET_LIST])),
        ]);
        // A ClusterRoleBinding to a Role is invalid and is not followed.
        assert.deepStrictEqual(await run([roleReader, res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("Role", "reader")))]), []);
    });

    it("a RoleBinding to a ClusterRole applies it in the binding's namespace, whatever that is", async () => {
        const wild: PolicyRule = { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] };
        assert.deepStrictEqual(await run([
            res(CLUSTER_ROLE, "deployer", clusterRoleProps("deployer", [wild])),
            res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "deploy", ref("ClusterRole", "deployer"), [APP_SA], "team")),
        ]), [found(ROLE_BINDING, "rb", msg("RoleBinding deploy", "wildcard", " in namespace team", "ClusterRole deployer", [wild]))]);
    });

    it("auto-named roles match Pulumi's 7-8 hex suffix only", async () => {
        const autoRole = res(CLUSTER_ROLE, "ops-reader", { apiVersion: API, kind: "ClusterRole", rules: [SECRET_LIST] });
        const bindTo = (name: string) => res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", name)));
        for (const name of ["ops-reader", "ops-reader-4379833d", "ops-reader-437983a"]) {
            assert.deepStrictEqual(await run([autoRole, bindTo(name)]), [found(CLUSTER_ROLE_BINDING, "crb", msg("ClusterRoleBinding crb", "secrets read", " cluster-wide", `ClusterRole ${name}`, [SECRET_LIST]))], name);
        }
        for (const name of ["ops-reader-437983", "ops-reader-4379833de", "ops-reader-4379833D", "ops-readerx4379833d", "ops-reader-z4379833", "ops-reader-4379833z", "ops-reader--4379833d", "xops-reader-4379833d", "ops-reader-"]) {
            assert.deepStrictEqual(await run([autoRole, bindTo(name)]), [], name);
        }
        // A role with an explicit metadata.name is never matched by a suffixed name.
        const named = res(CLUSTER_ROLE, "ops-reader", clusterRoleProps("ops-reader", [SECRET_LIST]));
        assert.deepStrictEqual(await run([named, bindTo("ops-reader-4379833d")]), []);
    });

    it("aggregated ClusterRoles: matchLabels and matchExpressions (In, NotIn, Exists), any selector", async () => {
        const agg = (selectors: unknown[]) =>
            res(CLUSTER_ROLE, "ops", clusterRoleProps("ops", [HARMLESS], undefined, { aggregationRule: { clusterRoleSelectors: selectors } }));
        const part = res(CLUSTER_ROLE, "ops-exec", clusterRoleProps("ops-exec", [EXEC_RULE], { "example.com/ops": "true", tier: "debug" }));
        const crb = res(CLUSTER_ROLE_BINDING, "ops", bindingProps("ClusterRoleBinding", "ops", ref("ClusterRole", "ops"), [{ kind: "Group", name: "ops" }]));
        const want = [found(CLUSTER_ROLE_BINDING, "ops", msg("ClusterRoleBinding ops", "exec/attach", " cluster-wide", "ClusterRole ops", [EXEC_RULE]))];
        const folding: unknown[][] = [
            [{ matchLabels: { "example.com/ops": "true" } }],
            [{ matchLabels: { other: "x" } }, { matchLabels: { tier: "debug" } }],
            [{ matchExpressions: [{ key: "tier", operator: "In", values: ["web", "debug"] }] }],
            [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["web"] }] }],
            [{ matchExpressions: [{ key: "example.com/ops", operator: "Exists" }] }],
            [{ matchExpressions: [{ key: "absent", operator: "DoesNotExist" }] }],
        ];
        for (const selectors of folding) assert.deepStrictEqual(await run([agg(selectors), part, crb]), want, JSON.stringify(selectors));
        const notFolding: unknown[][] = [
            [],
            [{ matchLabels: { "example.com/ops": "false" } }],
            [{ matchLabels: { "example.com/ops": "true", tier: "web" } }],
            [{ matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] }],
            [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["debug"] }] }],
            [{ matchExpressions: [{ key: "absent", operator: "Exists" }] }],
            [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }],
            [{ matchExpressions: [{ key: "tier", operator: "Matches", values: ["debug"] }] }],
        ];
        for (const selectors of notFolding) assert.deepStrictEqual(await run([agg(selectors), part, crb]), [], JSON.stringify(selectors));
    });

    it("aggregation: own rules first, then folded ones in stack order; nested; cycles end", async () => {
        const a = res(CLUSTER_ROLE, "a", clusterRoleProps("a", [SECRET_LIST], { loop: "a" }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { into: "a" } }] } }));
        const b = res(CLUSTER_ROLE, "b", clusterRoleProps("b", [EXEC_RULE], { into: "a" }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { loop: "a" } }, { matchLabels: { into: "b" } }] } }));
        const c: PolicyRule = { apiGroups: [""], resources: ["pods/attach"], verbs: ["get"] };
        const cRole = res(CLUSTER_ROLE, "c", clusterRoleProps("c", [c], { into: "b" }));
        const self = res(CLUSTER_ROLE, "self", clusterRoleProps("self", [SECRET_LIST], { me: "yes" }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { me: "yes" } }] } }));
        const crb = (role: string) => res(CLUSTER_ROLE_BINDING, `crb-${role}`, bindingProps("ClusterRoleBinding", `crb-${role}`, ref("ClusterRole", role)));
        assert.deepStrictEqual(await run([a, b, cRole, self, crb("a"), crb("b"), crb("self")]), [
            found(CLUSTER_ROLE_BINDING, "crb-a", msg("ClusterRoleBinding crb-a", "secrets read, exec/attach", " cluster-wide", "ClusterRole a", [SECRET_LIST, EXEC_RULE, c])),
            found(CLUSTER_ROLE_BINDING, "crb-b", msg("ClusterRoleBinding crb-b", "secrets read, exec/attach", " cluster-wide", "ClusterRole b", [SECRET_LIST, EXEC_RULE, c])),
            found(CLUSTER_ROLE_BINDING, "crb-self", msg("ClusterRoleBinding crb-self", "secrets read", " cluster-wide", "ClusterRole self", [SECRET_LIST])),
        ]);
    });

    it("only ClusterRoles aggregate, and only into ClusterRoles", async () => {
        const labelled = res(ROLE, "ns-exec", roleProps("ns-exec", [EXEC_RULE], "apps", { "example.com/ops": "true", "rbac.authorization.k8s.io/aggregate-to-edit": "true" }));
        const aggCr = res(CLUSTER_ROLE, "ops", clusterRoleProps("ops", [HARMLESS], undefined, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/ops": "true" } }] } }));
        const part = res(CLUSTER_ROLE, "part", clusterRoleProps("part", [SECRET_LIST], { "example.com/ops": "true" }));
        const aggRole = res(ROLE, "ops", { ...roleProps("ops", [HARMLESS], "apps"), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/ops": "true" } }] } });
        assert.deepStrictEqual(await run([labelled, aggCr, res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "ops")))]), []);
        assert.deepStrictEqual(await run([aggRole, part, res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "ops")))]), []);
        assert.deepStrictEqual(await run([labelled, res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "edit")))]), [
            found(ROLE_BINDING, "rb", msg("RoleBinding rb", "secrets read, escalate/bind/impersonate, exec/attach", " in namespace apps", "ClusterRole edit (built-in)", ADMIN_QUOTED)),
        ]);
    });

    it("built-in ClusterRoles: cluster-admin, admin and edit are reported, view is not", async () => {
        const bind = (role: string) => res(ROLE_BINDING, `rb-${role}`, bindingProps("RoleBinding", `rb-${role}`, ref("ClusterRole", role)));
        assert.deepStrictEqual(await run(["cluster-admin", "admin", "edit", "view", "unknown"].map(bind)), [
            found(ROLE_BINDING, "rb-cluster-admin", msg("RoleBinding rb-cluster-admin", ALL_GRANTS, " in namespace apps", "ClusterRole cluster-admin (built-in)", [
                { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
                { nonResourceURLs: ["*"], verbs: ["*"] },
            ])),
            found(ROLE_BINDING, "rb-admin", msg("RoleBinding rb-admin", "secrets read, escalate/bind/impersonate, exec/attach", " in namespace apps", "ClusterRole admin (built-in)", ADMIN_QUOTED)),
            found(ROLE_BINDING, "rb-edit", msg("RoleBinding rb-edit", "secrets read, escalate/bind/impersonate, exec/attach", " in namespace apps", "ClusterRole edit (built-in)", ADMIN_QUOTED)),
        ]);
        // A Role named like a built-in ClusterRole is not one.
        assert.deepStrictEqual(await run([res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("Role", "edit")))]), []);
    });

    it("stack ClusterRoles aggregate into built-ins by their label set to \"true\"", async () => {
        const wild: PolicyRule = { apiGroups: ["example.com"], resources: ["*"], verbs: ["get"] };
        const roles = [
            res(CLUSTER_ROLE, "to-view", clusterRoleProps("to-view", [SECRET_LIST], { "rbac.authorization.k8s.io/aggregate-to-view": "true" })),
            res(CLUSTER_ROLE, "to-admin", clusterRoleProps("to-admin", [wild], { "rbac.authorization.k8s.io/aggregate-to-admin": "true" })),
            res(CLUSTER_ROLE, "to-edit", clusterRoleProps("to-edit", [EXEC_RULE], { "rbac.authorization.k8s.io/aggregate-to-edit": "true" })),
            res(CLUSTER_ROLE, "not-view", clusterRoleProps("not-view", [EXEC_RULE], { "rbac.authorization.k8s.io/aggregate-to-view": "false" })),
            res(CLUSTER_ROLE, "to-ca", clusterRoleProps("to-ca", [EXEC_RULE], { "rbac.authorization.k8s.io/aggregate-to-cluster-admin": "true" })),
        ];
        const bind = (role: string) => res(CLUSTER_ROLE_BINDING, `crb-${role}`, bindingProps("ClusterRoleBinding", `crb-${role}`, ref("ClusterRole", role)));
        assert.deepStrictEqual(await run([...roles, bind("view"), bind("admin"), bind("cluster-admin")]), [
            found(CLUSTER_ROLE_BINDING, "crb-view", msg("ClusterRoleBinding crb-view", "secrets read", " cluster-wide", "ClusterRole view (built-in)", [SECRET_LIST])),
            found(CLUSTER_ROLE_BINDING, "crb-admin", msg("ClusterRoleBinding crb-admin", "wildcard, secrets read, escalate/bind/impersonate, exec/attach", " cluster-wide", "ClusterRole admin (built-in)", [wild, ...ADMIN_QUOTED])),
            found(CLUSTER_ROLE_BINDING, "crb-cluster-admin", msg("ClusterRoleBinding crb-cluster-admin", ALL_GRANTS, " cluster-wide", "ClusterRole cluster-admin (built-in)", [
                { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
                { nonResourceURLs: ["*"], verbs: ["*"] },
            ])),
        ]);
        // edit folds its own label, and what aggregates into the folded role too.
        const nested = res(CLUSTER_ROLE, "to-edit", clusterRoleProps("to-edit", [HARMLESS], { "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { deep: "1" } }] } }));
        const deep = res(CLUSTER_ROLE, "deep", clusterRoleProps("deep", [wild], { deep: "1" }));
        assert.deepStrictEqual(await run([nested, deep, bind("edit")]), [
            found(CLUSTER_ROLE_BINDING, "crb-edit", msg("ClusterRoleBinding crb-edit", "wildcard, secrets read, escalate/bind/impersonate, exec/attach", " cluster-wide", "ClusterRole edit (built-in)", [wild, ...ADMIN_QUOTED])),
        ]);
    });

    it("a stack ClusterRole named like a built-in replaces it", async () => {
        assert.deepStrictEqual(await run([
            res(CLUSTER_ROLE, "edit", clusterRoleProps("edit", [HARMLESS])),
            res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "edit"))),
        ]), []);
        assert.deepStrictEqual(await run([
            res(CLUSTER_ROLE, "view", clusterRoleProps("view", [EXEC_RULE])),
            res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "view"))),
        ]), [found(ROLE_BINDING, "rb", msg("RoleBinding rb", "exec/attach", " in namespace apps", "ClusterRole view", [EXEC_RULE]))]);
    });

    it("default exemptNamespaces: kube-system, kube-public, kube-node-lease (RoleBindings there)", async () => {
        for (const ns of ["kube-system", "kube-public", "kube-node-lease"]) {
            assert.deepStrictEqual(await run([res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "edit"), [APP_SA], ns))]), [], ns);
        }
        assert.deepStrictEqual((await run([res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "edit"), [APP_SA], "istio-system"))])).length, 1);
    });

    it("exemptNamespaces, set, replaces the defaults", async () => {
        const inTeam = res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "edit"), [APP_SA], "team"));
        const inKs = res(ROLE_BINDING, "rb2", bindingProps("RoleBinding", "rb2", ref("ClusterRole", "edit"), [APP_SA], "kube-system"));
        assert.deepStrictEqual((await run([inTeam, inKs], { exemptNamespaces: ["team"] })).map((f) => f.urn), [urnOf(ROLE_BINDING, "rb2")]);
        // A RoleBinding without a namespace is not exempted through "default".
        const noNs = res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", "edit"), [APP_SA], null));
        assert.strictEqual((await run([noNs], { exemptNamespaces: ["default"] })).length, 1);
    });

    it("ClusterRoleBindings are exempt only when every subject is a service account of an exempt namespace", async () => {
        const crb = (subjects: unknown) => [res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "cluster-admin"), subjects))];
        const ks = { kind: "ServiceAccount", name: "ctrl", namespace: "kube-system" };
        assert.deepStrictEqual(await run(crb([ks, { ...ks, namespace: "kube-public" }])), []);
        for (const subjects of [[], undefined, [ks, APP_SA], [{ kind: "Group", name: "x", namespace: "kube-system" }], [{ kind: "ServiceAccount", name: "ctrl" }]]) {
            assert.deepStrictEqual((await run(crb(subjects))).length, 1, JSON.stringify(subjects));
        }
        assert.deepStrictEqual(await run(crb([APP_SA]), { exemptNamespaces: ["apps"] }), []);
    });

    it("exemptRoles skips bindings by roleRef name; exemptBindings by binding metadata.name", async () => {
        const resources = [
            res(ROLE_BINDING, "rb-edit", bindingProps("RoleBinding", "edit-binding", ref("ClusterRole", "edit"))),
            res(ROLE_BINDING, "rb-admin", bindingProps("RoleBinding", "admin-binding", ref("ClusterRole", "admin"))),
            res(ROLE_BINDING, "rb-unnamed", bindingProps("RoleBinding", undefined, ref("ClusterRole", "admin"))),
        ];
        const urns = async (config: Record<string, unknown>) => (await run(resources, config)).map((f) => f.urn);
        assert.deepStrictEqual(await urns({}), [urnOf(ROLE_BINDING, "rb-edit"), urnOf(ROLE_BINDING, "rb-admin"), urnOf(ROLE_BINDING, "rb-unnamed")]);
        assert.deepStrictEqual(await urns({ exemptRoles: ["edit"] }), [urnOf(ROLE_BINDING, "rb-admin"), urnOf(ROLE_BINDING, "rb-unnamed")]);
        assert.deepStrictEqual(await urns({ exemptBindings: ["admin-binding", "rb-unnamed", "edit"] }), [urnOf(ROLE_BINDING, "rb-edit"), urnOf(ROLE_BINDING, "rb-unnamed")]);
    });

    it("an unnamed binding is named by its resource", async () => {
        assert.deepStrictEqual(await run([res(CLUSTER_ROLE_BINDING, "crb-res", bindingProps("ClusterRoleBinding", undefined, ref("ClusterRole", "admin")))]), [
            found(CLUSTER_ROLE_BINDING, "crb-res", msg("ClusterRoleBinding crb-res", "secrets read, escalate/bind/impersonate, exec/attach", " cluster-wide", "ClusterRole admin (built-in)", ADMIN_QUOTED)),
        ]);
    });

    it("honours the pack's reasoned exemptions on the binding", async () => {
        const rb = res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "ops-rb", ref("ClusterRole", "edit"), [APP_SA], "ops"));
        assert.deepStrictEqual(await run([rb], { exemptions: [{ namePrefix: "ops-", reason: "reviewed" }] }), []);
        assert.strictEqual((await run([rb], { exemptions: [{ namePrefix: "dev-", reason: "reviewed" }] })).length, 1);
    });

    it("skips bindings with a missing, unnamed or non-role roleRef, and non-binding resources", async () => {
        const autoRole = res(CLUSTER_ROLE, "auto", { apiVersion: API, kind: "ClusterRole", rules: [SECRET_LIST] });
        const autoNsRole = res(ROLE, "auto-r", { apiVersion: API, kind: "Role", rules: [SECRET_LIST] });
        for (const roleRef of [undefined, {}, { kind: "ClusterRole" }, { kind: "Role" }, { kind: "ClusterRole", name: "" }, { kind: "User", name: "cluster-admin" }, { name: "cluster-admin" }, { kind: "Group", name: "auto" }]) {
            assert.deepStrictEqual(await run([autoRole, autoNsRole, res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", roleRef, [APP_SA], null))]), [], JSON.stringify(roleRef));
        }
        assert.deepStrictEqual(await run([autoRole, res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "x", { roleRef: ref("ClusterRole", "cluster-admin") })]), []);
        assert.deepStrictEqual(await run([res(CLUSTER_ROLE, "cr", { ...clusterRoleProps("cr", []), roleRef: ref("ClusterRole", "cluster-admin") })]), []);
    });

    it("roles with malformed rules or metadata do not crash the rule", async () => {
        const findings = await run([
            res(CLUSTER_ROLE, "a", clusterRoleProps("a", "rules")),
            res(CLUSTER_ROLE, "b", { apiVersion: API, kind: "ClusterRole", metadata: { name: "b", labels: "x" }, rules: [null, 5, SECRET_LIST] }),
            res(CLUSTER_ROLE_BINDING, "crb-a", bindingProps("ClusterRoleBinding", "crb-a", ref("ClusterRole", "a"))),
            res(CLUSTER_ROLE_BINDING, "crb-b", bindingProps("ClusterRoleBinding", "crb-b", ref("ClusterRole", "b"))),
        ]);
        assert.deepStrictEqual(findings, [found(CLUSTER_ROLE_BINDING, "crb-b", msg("ClusterRoleBinding crb-b", "secrets read", " cluster-wide", "ClusterRole b", [SECRET_LIST]))]);
    });

    it("roleRefs named like Object.prototype keys are neither built-ins nor a crash", async () => {
        for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
            assert.deepStrictEqual(await run([res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", name)))]), [], name);
            // A stack role of that name is still followed.
            assert.deepStrictEqual(await run([
                res(CLUSTER_ROLE, "cr", clusterRoleProps(name, [SECRET_LIST])),
                res(ROLE_BINDING, "rb", bindingProps("RoleBinding", "rb", ref("ClusterRole", name))),
            ]), [found(ROLE_BINDING, "rb", msg("RoleBinding rb", "secrets read", " in namespace apps", `ClusterRole ${name}`, [SECRET_LIST]))], name);
        }
    });

    it("a non-string roleRef.name is no name: the binding is skipped, even next to auto-named roles", async () => {
        const autoRole = res(CLUSTER_ROLE, "auto", { apiVersion: API, kind: "ClusterRole", rules: [SECRET_LIST] });
        for (const name of [5, true, ["auto"], { name: "auto" }]) {
            const binding = res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name }));
            assert.deepStrictEqual(await run([autoRole, binding]), [], JSON.stringify(name));
        }
    });

    it("a malformed aggregationRule folds only its well-formed selectors; the role's own rules are still reported", async () => {
        const part = res(CLUSTER_ROLE, "part", clusterRoleProps("part", [EXEC_RULE], { tier: "debug" }));
        const crb = res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "ops")));
        const agg = (aggregationRule: unknown) => res(CLUSTER_ROLE, "ops", clusterRoleProps("ops", [SECRET_LIST], undefined, { aggregationRule }));
        const own = [found(CLUSTER_ROLE_BINDING, "crb", msg("ClusterRoleBinding crb", "secrets read", " cluster-wide", "ClusterRole ops", [SECRET_LIST]))];
        // The API server rejects these, so they aggregate nothing.
        for (const aggregationRule of [
            "tier=debug",
            5,
            null,
            { clusterRoleSelectors: "tier=debug" },
            { clusterRoleSelectors: { matchLabels: { tier: "debug" } } },
            { clusterRoleSelectors: 7 },
            { clusterRoleSelectors: [5, "x", [], [{ matchLabels: { tier: "debug" } }]] },
            { clusterRoleSelectors: [{ matchLabels: "tier=debug" }, { matchLabels: ["debug"] }, { matchLabels: { tier: 5 } }] },
            { clusterRoleSelectors: [{ matchExpressions: "tier In (debug)" }, { matchExpressions: [null] }, { matchExpressions: [{ key: "tier", operator: "In", values: "xdebugx" }] }] },
            { clusterRoleSelectors: [{ matchExpressions: [{ key: 5, operator: "Exists" }] }, { matchExpressions: [{ key: "tier", operator: ["Exists"] }] }] },
        ]) {
            assert.deepStrictEqual(await run([agg(aggregationRule), part, crb]), own, JSON.stringify(aggregationRule));
        }
        // A well-formed selector next to malformed ones still folds.
        const folded = [found(CLUSTER_ROLE_BINDING, "crb", msg("ClusterRoleBinding crb", "secrets read, exec/attach", " cluster-wide", "ClusterRole ops", [SECRET_LIST, EXEC_RULE]))];
        assert.deepStrictEqual(await run([agg({ clusterRoleSelectors: [5, { matchLabels: "x" }, { matchExpressions: [{ key: "tier", operator: "In", values: ["debug"] }] }] }), part, crb]), folded);
        // A null entry decodes to the empty selector, which selects every ClusterRole.
        assert.deepStrictEqual(await run([agg({ clusterRoleSelectors: [null] }), part, crb]), folded);
    });

    it("a role with scalar or non-list rule fields is read like the role rules read it", async () => {
        const findings = await run([
            res(CLUSTER_ROLE, "cr", clusterRoleProps("cr", [{ apiGroups: [""], resources: ["secrets"], verbs: 5 }, { apiGroups: "", resources: "pods", verbs: "*" }])),
            res(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "cr"))),
        ]);
        assert.deepStrictEqual(findings.map((f) => f.message), [
            `ClusterRoleBinding crb gives its subjects wildcard cluster-wide through ClusterRole cr, whose rules are {apiGroups=[""] resources=[pods] verbs=[*]}: ${fix}`,
        ]);
    });

    describe("roleRef linked by property dependency (names unknown in preview)", () => {
        const resource = (type: string, name: string, props: Props, propertyDependencies?: Record<string, PolicyResource[]>): PolicyResource => ({
            type, name, urn: urnOf(type, name), props,
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [],
            propertyDependencies: propertyDependencies as Record<string, PolicyResource[]>,
            isType: () => false,
            asType: (() => undefined) as PolicyResource["asType"],
        });
        const validate = async (resources: PolicyResource[]) => {
            const out: [string, string | undefined][] = [];
            const args: StackValidationArgs = { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable: (): never => { throw new Error("n/a"); } };
            await (r as { validateStack: (a: StackValidationArgs, report: (m: string, u?: string) => void) => Promise<void> }).validateStack(args, (m, u) => out.push([m, u]));
            return out;
        };

        it("follows the linked role whatever roleRef.name says", async () => {
            const role = resource(CLUSTER_ROLE, "linked", clusterRoleProps("linked-abc", [SECRET_LIST]));
            const other = resource(CLUSTER_ROLE, "other", clusterRoleProps("other", [HARMLESS]));
            const crb = resource(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "placeholder")), { roleRef: [role] });
            assert.deepStrictEqual(await validate([other, role, crb]), [
                [msg("ClusterRoleBinding crb", "secrets read", " cluster-wide", "ClusterRole placeholder", [SECRET_LIST]), urnOf(CLUSTER_ROLE_BINDING, "crb")],
            ]);
        });

        it("a binding without propertyDependencies is resolved by name", async () => {
            const role = resource(CLUSTER_ROLE, "linked", clusterRoleProps("linked", [SECRET_LIST]));
            const crb = resource(CLUSTER_ROLE_BINDING, "crb", bindingProps("ClusterRoleBinding", "crb", ref("ClusterRole", "linked")), undefined);
            assert.deepStrictEqual(await validate([role, crb]), [
                [msg("ClusterRoleBinding crb", "secrets read", " cluster-wide", "ClusterRole linked", [SECRET_LIST]), urnOf(CLUSTER_ROLE_BINDING, "crb")],
            ]);
        });
    });
});
