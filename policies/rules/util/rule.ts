/**
 * The one builder every rule is made with: `rule(meta, check)`. The meta says what the rule is
 * (id, severity, enforcement, controls, remediation, settings) and its `scope`, which decides
 * what `check` receives:
 *
 *   "pods"              the pod spec of any workload        -> messages
 *   { kinds: [...] }    a Kubernetes object of those kinds  -> messages
 *   "stack"             the indexed stack (util/stack.ts)   -> { object, message } findings
 *   "resource"          CrossGuard's own args and report    (rules over non-Kubernetes resources)
 *   "stack-args"        CrossGuard's own stack args and report
 *
 * Locating the pod spec, reading and validating config, the exemptions, prefixing messages
 * with the object and reporting on the right URN are done once, here.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { configSchema, readConfig, type ConfigKey, type PackConfig } from "../../config";
import type { Controls, ResourceRule, StackRule } from "../types";
import { exemptionFor, exemptionTargetOf, imagesOf, isExempt, type ExemptionTarget } from "./exemptions";
import { kindOf, knownInputs, namespaceOf, objectNameOf, podViewOf, type Obj, type PodView } from "./podspec";
import { stackViewOf, type StackObject, type StackView } from "./stack";

export { exemptionFor, exemptionMatches, exemptionTargetOf, imagesOf, isExempt, type ExemptionTarget } from "./exemptions";

/** The object a kinds rule sees. */
export interface ObjectView {
    kind: string;
    name: string;
    namespace: string;
    props: Obj;
}

/** One finding of a "stack" rule: the object at fault and what to change. */
export interface StackFinding {
    object: Pick<StackObject, "resource" | "kind" | "name" | "namespace">;
    message: string;
}

export type Scope = "pods" | { kinds: readonly string[] } | "stack" | "resource" | "stack-args";

/** What `check` is for each scope. */
export type CheckFor<S extends Scope> = S extends "pods"
    ? (pod: PodView, config: PackConfig) => string[]
    : S extends { kinds: readonly string[] }
      ? (obj: ObjectView, config: PackConfig) => string[]
      : S extends "stack"
        ? (stack: StackView, config: PackConfig) => StackFinding[]
        : S extends "resource"
          ? (args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>
          : (args: StackValidationArgs, report: ReportViolation) => void | Promise<void>;

/** What every rule declares besides its check. */
export interface RuleMeta<S extends Scope = Scope> {
    /** Stable kebab-case id; renaming it breaks policy config and suppressions. */
    name: string;
    description: string;
    severity: ResourceRule["severity"];
    enforcementLevel: NonNullable<ResourceRule["enforcementLevel"]>;
    controls: Controls;
    /** How to fix a violation, shown with every finding. */
    remediationSteps: string;
    scope: S;
    /** Pack settings (config.ts) the check reads besides the exemptions. */
    configKeys?: ConfigKey[];
    /** Settings of this rule alone, as JSON schema (read them with configWithDefaults). */
    settings?: Record<string, PolicyConfigJSONSchema>;
    /**
     * "resource" scope only: the Pulumi types the rule checks; others never reach `check`. With
     * one type the policy SDK skips the rule for every other type before it builds the rule's
     * arguments, the cheapest way a rule can say "not mine".
     */
    types?: S extends "resource" ? readonly string[] : never;
    /** False only for the rule that reports exemptions themselves. Default true. */
    honoursExemptions?: boolean;
}

/** `Deployment "web"`: how messages name the object at fault. */
export function subject(kind: string, name: string): string {
    return `${kind} "${name}"`;
}

/**
 * True when `config` exempts the target from `rule`. Rules over Kubernetes objects ("pods",
 * kinds, "stack") also skip exemptNamespaces and exemptObjects; the raw scopes keep their own
 * namespace semantics (mesh, RBAC) and honour only the reasoned `exemptions`.
 */
function skipped(rule: string, t: ExemptionTarget, config: PackConfig, raw = false): boolean {
    if (!raw && t.namespace !== undefined && isExempt(t.namespace, t.name, config)) return true;
    return config.exemptions.length > 0 && exemptionFor(rule, t, config) !== undefined;
}

/** `skipped` for a resource, building its exemption target only when something could exempt it. */
function skippedResource(rule: string, r: { type: string; name: string; urn: string; props: Obj }, config: PackConfig, raw: boolean): boolean {
    if (config.exemptions.length === 0) {
        if (raw || !r.type.startsWith("kubernetes:")) return false;
        return isExempt(namespaceOf(r.props), objectNameOf(r.props, r.name), config);
    }
    return skipped(rule, exemptionTargetOf(r), config, raw);
}

function isRaw(scope: Scope): boolean {
    return scope === "resource" || scope === "stack-args";
}

/** The pack settings a rule declares: the exemptions its scope honours and its configKeys. */
function schemaFor(meta: RuleMeta): NonNullable<PolicyConfigSchema["properties"]> {
    const all = configSchema(...(meta.configKeys ?? [])).properties;
    if (!isRaw(meta.scope)) return all;
    const { exemptNamespaces: _n, exemptObjects: _o, ...rest } = all;
    return rest;
}

/** Builds a rule; see the file comment for the scopes. */
export function rule<S extends Scope>(meta: RuleMeta<S>, check: CheckFor<S>): S extends "stack" | "stack-args" ? StackRule : ResourceRule;
export function rule(meta: RuleMeta, check: (...args: any[]) => any): ResourceRule | StackRule {
    const honours = meta.honoursExemptions !== false;
    const base = {
        name: meta.name,
        description: meta.description,
        severity: meta.severity,
        enforcementLevel: meta.enforcementLevel,
        controls: meta.controls,
        remediationSteps: meta.remediationSteps,
        configSchema: { properties: { ...schemaFor(meta), ...(meta.settings ?? {}) } },
    };
    const scope = meta.scope;
    if (scope === "stack" || scope === "stack-args") {
        return {
            ...base,
            // Not async: a rule that finishes synchronously costs its dispatcher no promise and no await.
            validateStack: (args: StackValidationArgs, report: ReportViolation): void | Promise<void> => {
                const config = readConfig(args);
                const byUrn = new Map(args.resources.map((r) => [r.urn, r] as const));
                const guarded: ReportViolation = (message, urn) => {
                    const r = urn ? byUrn.get(urn) : undefined;
                    if (honours && r && skippedResource(meta.name, r, config, scope === "stack-args")) return;
                    report(message, urn);
                };
                if (scope === "stack-args") return check(args, guarded);
                for (const { object, message } of check(stackViewOf(args.resources), config) as StackFinding[]) {
                    guarded(`${subject(object.kind, object.name)}: ${message}`, object.resource.urn);
                }
            },
        };
    }
    const types = scope === "resource" ? meta.types : undefined;
    const validateResource = (args: ResourceValidationArgs, report: ReportViolation): void | Promise<void> => {
        if (scope === "pods") {
            const pod = podViewOf(args.type, knownInputs(args.props), args.name);
            if (!pod) return;
            const config = readConfig(args);
            // Stryker disable next-line ArrayDeclaration: images are read only by reasoned exemptions, and this branch is taken when there are none
            const target = { namespace: pod.namespace, name: pod.name, urn: args.urn, images: config.exemptions.length > 0 ? imagesOf(pod) : [] };
            if (honours && skipped(meta.name, target, config)) return;
            for (const finding of check(pod, config) as string[]) report(`${subject(pod.kind, pod.name)}: ${finding}`);
            return;
        }
        if (scope === "resource") {
            if (types && !types.includes(args.type)) return;
            const config = readConfig(args);
            if (honours && skippedResource(meta.name, args, config, true)) return;
            const props = knownInputs(args.props);
            return check(props === args.props ? args : { ...args, props }, report);
        }
        const props = knownInputs(args.props);
        const kind = kindOf(args.type, props);
        if (!kind || !(scope as { kinds: readonly string[] }).kinds.includes(kind)) return;
        const config = readConfig(args);
        if (honours && skippedResource(meta.name, { type: args.type, name: args.name, urn: args.urn, props }, config, false)) return;
        const obj: ObjectView = { kind, name: objectNameOf(props, args.name), namespace: namespaceOf(props), props };
        for (const finding of check(obj, config) as string[]) report(`${subject(kind, obj.name)}: ${finding}`);
    };
    // The SDK's own per-type filter (what validateResourceOfType sets).
    if (types?.length === 1) Object.assign(validateResource, { __pulumiType: types[0] });
    return { ...base, validateResource };
}
