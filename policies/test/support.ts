/**
 * Shared shapes for policy test cases and a direct runner that calls rules the way the
 * pack's server does (validateResource / validateStack with hand-built args), collecting
 * every reportViolation call. Imports rules only: never ../index.ts, which starts a server.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { Rule } from "../rules/types";

/** One resource rule: a compliant fixture and variants that each break it. */
export interface RuleCase {
    rule: string;
    /** Pulumi type token, e.g. "kubernetes:apps/v1:Deployment". */
    type: string;
    compliant: Record<string, unknown>;
    broken: {
        name: string;
        props: Record<string, unknown>;
        /** Pack config properties for this variant (given to every rule). */
        config?: Record<string, unknown>;
        /** Other rules this variant is expected to trip as well (default: none). */
        alsoViolates?: string[];
    }[];
}

/** A fixture resource for stack-level cases. */
export interface FixtureResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/** One stack rule: a compliant set of resources and sets that each break it. */
export interface StackCase {
    rule: string;
    compliant: FixtureResource[];
    broken: { name: string; resources: FixtureResource[]; config?: Record<string, unknown>; alsoViolates?: string[] }[];
}

/** One reportViolation call. */
export interface Finding {
    rule: string;
    message: string;
    urn?: string;
}

/** The URN a fixture resource gets in tests (same shape the engine uses). */
export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::platform::${type}::${name}`;
}

/** Deep copy and freeze: rules must never mutate what they validate. */
function frozenCopy<T>(value: T): T {
    const copy = structuredClone(value);
    const freeze = (v: unknown) => {
        if (v && typeof v === "object") {
            Object.freeze(v);
            Object.values(v as object).forEach(freeze);
        }
    };
    freeze(copy);
    return copy;
}

class NotApplicable extends Error {}

const OPTS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

type Ctor = { new (...rest: never[]): unknown; __pulumiType?: string };
const typeOf = (cls: unknown) => (cls as Ctor).__pulumiType;

/**
 * Runs `rules` over `resources` as the pack would: every resource rule on every resource,
 * every stack rule once over all of them. `config` is what `getConfig()` returns to every rule.
 * Disabled rules are skipped; notApplicable() ends a rule's run quietly.
 */
export async function runRules(
    rules: readonly Rule[],
    resources: readonly FixtureResource[],
    config: Record<string, unknown> = {},
): Promise<Finding[]> {
    const findings: Finding[] = [];
    const stackTags = new Map<string, string>();
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    const getConfig = <T extends object>() => frozenCopy(config) as T;
    for (const rule of rules) {
        if (rule.enforcementLevel === "disabled") continue;
        const report = (urn?: string) => (message: string, at?: string) => findings.push({ rule: rule.name, message, urn: at ?? urn });
        try {
            if ("validateStack" in rule && rule.validateStack) {
                const policyResources: PolicyResource[] = resources.map((r) => {
                    const props = frozenCopy(r.props);
                    return {
                        type: r.type, name: r.name, urn: urnOf(r.type, r.name), props, opts: OPTS,
                        dependencies: [], propertyDependencies: {},
                        isType: (cls: unknown) => typeOf(cls) === r.type,
                        asType: ((cls: unknown) => (typeOf(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
                    };
                });
                const args: StackValidationArgs = { resources: policyResources, stackTags, getConfig, notApplicable };
                await rule.validateStack(args, report());
                continue;
            }
            const validations = "validateResource" in rule && rule.validateResource ? [rule.validateResource].flat() : [];
            for (const r of resources) {
                const urn = urnOf(r.type, r.name);
                const props = frozenCopy(r.props);
                const args: ResourceValidationArgs = {
                    type: r.type, name: r.name, urn, props, opts: OPTS, stackTags, getConfig, notApplicable,
                    isType: (cls: unknown) => typeOf(cls) === r.type,
                    asType: ((cls: unknown) => (typeOf(cls) === r.type ? props : undefined)) as ResourceValidationArgs["asType"],
                };
                for (const validate of validations) {
                    try {
                        await validate(args, report(urn));
                    } catch (err) {
                        if (!(err instanceof NotApplicable)) throw err;
                    }
                }
            }
        } catch (err) {
            if (!(err instanceof NotApplicable)) throw new Error(`rule ${rule.name} threw: ${(err as Error).message}`);
        }
    }
    return findings;
}

/** Every case file in test/cases, loaded once. */
export function loadCases(): { file: string; cases: RuleCase[]; stackCases: StackCase[] }[] {
    const dir = path.join(__dirname, "cases");
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .sort()
        .map((file) => {
             
            const mod = require(path.join(dir, file)) as { cases?: RuleCase[]; stackCases?: StackCase[] };
            return { file, cases: mod.cases ?? [], stackCases: mod.stackCases ?? [] };
        });
}

/** Rules that fired, sorted and de-duplicated: what assertions compare. */
export function firedRules(findings: readonly Finding[]): string[] {
    return [...new Set(findings.map((f) => f.rule))].sort();
}

/** Deep copy of a fixture with `edit` applied: how broken variants are written. */
 
export function variant(base: Record<string, unknown>, edit: (copy: any) => void): Record<string, unknown> {
    const copy = structuredClone(base);
    edit(copy);
    return copy;
}

/**
 * What a rule publishes besides its name, as metadata tests compare it: its own settings, without
 * the exemption settings every rule shares.
 */
export function publishedMeta(r: Rule): Record<string, unknown> {
    const settings = { ...(r.configSchema?.properties ?? {}) } as Record<string, unknown>;
    for (const k of ["exemptions", "exemptNamespaces", "exemptObjects"]) delete settings[k];
    return { description: r.description, severity: r.severity, enforcementLevel: r.enforcementLevel, controls: r.controls, remediationSteps: r.remediationSteps, settings };
}
