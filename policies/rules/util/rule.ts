/**
 * Builders that turn a small check function into a complete CrossGuard rule object, so each
 * rule file holds only what it checks: locating the pod spec, reading and validating config,
 * skipping exempt namespaces and reporting are done once, here.
 */
import type { EnforcementLevel, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { configSchema, readConfig, type ConfigKey, type Exemption, type PackConfig } from "../../config";
import type { Controls, ResourceRule, StackRule } from "../types";
import { isAllowedRegistry, parseImage } from "./image";
import { containersOf, kindOf, namespaceOf, objectNameOf, podViewOf, type Obj, type PodView } from "./podspec";
import { stackViewOf, type StackObject, type StackView } from "./stack";

/** What every rule declares besides its check. */
export interface RuleMeta {
    /** Stable kebab-case id; renaming it breaks policy config and suppressions. */
    name: string;
    description: string;
    severity: ResourceRule["severity"];
    enforcementLevel: EnforcementLevel;
    controls: Controls;
    /** How to fix a violation, shown with every finding. */
    remediationSteps: string;
    /** Settings the check reads besides exemptNamespaces, exemptObjects and exemptions. */
    configKeys?: ConfigKey[];
    /** False only for the rule that reports exemptions themselves. Default true. */
    honoursExemptions?: boolean;
}

/** What an exemption is matched against. */
export interface ExemptionTarget {
    namespace?: string;
    name: string;
    urn: string;
    /** Container images, for workloads. */
    images: readonly string[];
}

/** True when every selector `e` sets matches the target. */
export function exemptionMatches(e: Exemption, t: ExemptionTarget): boolean {
    if (e.namespace !== undefined && e.namespace !== t.namespace) return false;
    if (e.namePrefix !== undefined && !t.name.startsWith(e.namePrefix)) return false;
    if (e.urn !== undefined && e.urn !== t.urn) return false;
    if (e.image !== undefined) {
        const allow = [e.image];
        if (!t.images.some((img) => { const ref = parseImage(img); return ref !== undefined && isAllowedRegistry(ref, allow); })) return false;
    }
    return true;
}

/** The first exemption of `config` that covers `rule` for the target, if any. */
export function exemptionFor(rule: string, t: ExemptionTarget, config: PackConfig): Exemption | undefined {
    return config.exemptions.find((e) => (e.rules === undefined || e.rules.includes(rule)) && exemptionMatches(e, t));
}

/** Container images of a pod spec, for image exemptions. */
export function imagesOf(pod: PodView | undefined): string[] {
    return pod ? containersOf(pod).map((c) => c.container.image).filter((i): i is string => typeof i === "string") : [];
}

function matchesSegment(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return re.test(value);
}

/** True when the namespace is in exemptNamespaces or "namespace/name" matches an exemptObjects entry. */
export function isExempt(namespace: string, name: string, config: PackConfig): boolean {
    if (config.exemptNamespaces.includes(namespace)) return true;
    return config.exemptObjects.some((entry) => {
        const [ns, obj] = entry.split("/");
        return obj !== undefined && matchesSegment(ns, namespace) && matchesSegment(obj, name);
    });
}

/** `Deployment "web"`: how messages name the object at fault. */
export function subject(kind: string, name: string): string {
    return `${kind} "${name}"`;
}

function base(meta: RuleMeta): Omit<ResourceRule, "validateResource" | "severity"> & { severity: ResourceRule["severity"] } {
    return {
        name: meta.name,
        description: meta.description,
        severity: meta.severity,
        enforcementLevel: meta.enforcementLevel,
        controls: meta.controls,
        remediationSteps: meta.remediationSteps,
        configSchema: configSchema(...(meta.configKeys ?? [])),
    };
}

/**
 * A rule over the pod spec of any workload. `check` returns one message per finding; each
 * is reported prefixed with the object, e.g. `Deployment "web": container "app" ...`.
 */
export function podRule(meta: RuleMeta, check: (pod: PodView, config: PackConfig) => string[]): ResourceRule {
    return {
        ...base(meta),
        validateResource: (args: ResourceValidationArgs, report) => {
            const pod = podViewOf(args.type, args.props, args.name);
            if (!pod) return;
            const config = readConfig(args);
            if (isExempt(pod.namespace, pod.name, config)) return;
            if (config.exemptions.length > 0 && exemptionFor(meta.name, { namespace: pod.namespace, name: pod.name, urn: args.urn, images: imagesOf(pod) }, config)) return;
            for (const finding of check(pod, config)) report(`${subject(pod.kind, pod.name)}: ${finding}`);
        },
    };
}

/** The object a kind rule sees. */
export interface ObjectView {
    kind: string;
    name: string;
    namespace: string;
    props: Obj;
}

/** A rule over Kubernetes objects of the given kinds (Service, Deployment, ...). */
export function kindRule(
    meta: RuleMeta,
    kinds: readonly string[],
    check: (obj: ObjectView, config: PackConfig) => string[],
): ResourceRule {
    return {
        ...base(meta),
        validateResource: (args: ResourceValidationArgs, report) => {
            const kind = kindOf(args.type, args.props);
            if (!kind || !kinds.includes(kind)) return;
            const config = readConfig(args);
            const obj: ObjectView = {
                kind,
                name: objectNameOf(args.props, args.name),
                namespace: namespaceOf(args.props),
                props: args.props,
            };
            if (isExempt(obj.namespace, obj.name, config)) return;
            if (config.exemptions.length > 0) {
                const target = { namespace: obj.namespace, name: obj.name, urn: args.urn, images: imagesOf(podViewOf(args.type, args.props, args.name)) };
                if (exemptionFor(meta.name, target, config)) return;
            }
            for (const finding of check(obj, config)) report(`${subject(kind, obj.name)}: ${finding}`);
        },
    };
}

/** One finding of a stack rule: the object at fault and what to change. */
export interface StackFinding {
    object: Pick<StackObject, "resource" | "kind" | "name" | "namespace">;
    message: string;
}

/**
 * A rule over the whole stack (objects related to each other: selectors, targets, bindings).
 * `check` gets the stack indexed once (util/stack.ts); each finding is reported on its
 * object's URN, prefixed with the object, and skipped when the object is exempt.
 */
export function stackRule(meta: RuleMeta, check: (stack: StackView, config: PackConfig) => StackFinding[]): StackRule {
    return {
        ...base(meta),
        validateStack: (args: StackValidationArgs, report) => {
            const config = readConfig(args);
            const exempts = meta.honoursExemptions !== false;
            for (const { object, message } of check(stackViewOf(args.resources), config)) {
                if (exempts && isExempt(object.namespace, object.name, config)) continue;
                const target = { namespace: object.namespace, name: object.name, urn: object.resource.urn, images: imagesOf(podViewOf(object.resource.type, object.resource.props, object.resource.name)) };
                if (exempts && exemptionFor(meta.name, target, config)) continue;
                report(`${subject(object.kind, object.name)}: ${message}`, object.resource.urn);
            }
        },
    };
}
