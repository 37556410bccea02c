/**
 * The pack's configuration: the settings rules read with `args.getConfig()`, their JSON
 * schema (declared per rule so the CLI validates `--policy-pack-config`), typed accessors
 * that apply defaults and reject bad values, and `buildPackConfig`, which turns one
 * environment's strictness into the per-rule config the engine hands to the pack.
 */
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { Controls } from "./rules/types";

/**
 * One exemption: objects matching every selector it sets (namespace, name prefix, image, URN)
 * are not checked by the rules it names (all rules built with util/rule.ts when it names
 * none). The reason is required: the `policy-exemptions` rule prints it on every object the
 * exemption covers, so an exemption is never silent.
 */
export interface Exemption {
    /** Objects in this namespace. */
    namespace?: string;
    /** Objects whose metadata.name starts with this, e.g. "system:" for Kubernetes' own roles. */
    namePrefix?: string;
    /** Workloads with a container image under this registry/path (allowedRegistries syntax, `*` within a segment). */
    image?: string;
    /** One resource, by its Pulumi URN. */
    urn?: string;
    /** Rule ids the exemption applies to; all of them when absent. */
    rules?: string[];
    /** Why; printed with every object exempted. */
    reason: string;
}

/** The selectors an exemption may set; at least one is required. */
export const EXEMPTION_SELECTORS = ["namespace", "namePrefix", "image", "urn"] as const;

/** Every setting a rule may read. Each rule declares the subset it uses in its configSchema. */
export interface PackConfig {
    /** Namespaces whose workloads are not checked (cluster add-ons that need host access). */
    exemptNamespaces: string[];
    /**
     * Single objects not checked, as "namespace/name" (`*` matches within a segment), e.g.
     * "monitoring/*-node-exporter" for host-network only. Narrower than a namespace exemption.
     */
    exemptObjects: string[];
    /** Registries (or registry/path prefixes, `*` matches within one segment) images may come from. */
    allowedRegistries: string[];
    /** Require every image to be pinned by `@sha256:` digest (promotion copies digests, not tags). */
    requireDigest: boolean;
    /** Minimum `spec.replicas` for Deployments. */
    minReplicas: number;
    /** Exemptions with reasons (see Exemption); honoured by every rule built with util/rule.ts. */
    exemptions: Exemption[];
    /** Host ports containers may bind, as "9100" or "30000-32767"; none by default (PSS baseline). */
    allowedHostPorts: string[];
    /**
     * The secret store's folder above the apps' own (e.g. "platform/dev/"): an ExternalSecret of
     * app X may read only `<secretPathPrefix>X/...`. Default "" (each app's folder is `X/`).
     */
    secretPathPrefix: string;
}

export type ConfigKey = keyof PackConfig;

/**
 * Defaults: safe for a shared cluster without breaking the add-ons the platform installs.
 * Environments tighten them (prod: digests required, 3 replicas, ECR-only registries).
 */
export const DEFAULT_CONFIG: Readonly<PackConfig> = Object.freeze({
    exemptNamespaces: ["kube-system", "kube-public", "kube-node-lease", "istio-system"],
    exemptObjects: [],
    allowedRegistries: [
        "*.dkr.ecr.*.amazonaws.com",
        "public.ecr.aws",
        "registry.k8s.io",
        "quay.io",
        "docker.io",
        "ghcr.io",
    ],
    requireDigest: false,
    minReplicas: 2,
    exemptions: [],
    allowedHostPorts: [],
    secretPathPrefix: "",
});

const stringList = (description: string, defaults: string[]): PolicyConfigJSONSchema => ({
    type: "array",
    items: { type: "string", minLength: 1 },
    default: defaults,
    description,
});

/** JSON schema of each setting, with its default. */
export const CONFIG_PROPERTIES: Readonly<Record<ConfigKey, PolicyConfigJSONSchema>> = {
    exemptNamespaces: stringList("Namespaces whose workloads are not checked.", DEFAULT_CONFIG.exemptNamespaces),
    exemptObjects: stringList('Objects not checked, as "namespace/name" (* wildcard).', DEFAULT_CONFIG.exemptObjects),
    allowedRegistries: stringList("Registries images may be pulled from.", DEFAULT_CONFIG.allowedRegistries),
    requireDigest: { type: "boolean", default: DEFAULT_CONFIG.requireDigest, description: "Require @sha256 digests." },
    minReplicas: { type: "integer", minimum: 1, default: DEFAULT_CONFIG.minReplicas, description: "Minimum Deployment replicas." },
    exemptions: {
        type: "array",
        default: [],
        description: "Exemptions by namespace, name prefix, image or URN, each with a reason (printed by policy-exemptions).",
        items: {
            type: "object",
            additionalProperties: false,
            required: ["reason"],
            properties: {
                namespace: { type: "string", minLength: 1 },
                namePrefix: { type: "string", minLength: 1 },
                image: { type: "string", minLength: 1 },
                urn: { type: "string", minLength: 1 },
                rules: { type: "array", items: { type: "string", minLength: 1 } },
                reason: { type: "string", minLength: 1 },
            },
        },
    },
    allowedHostPorts: {
        type: "array",
        default: [],
        description: 'Host ports containers may bind, as "9100" or "30000-32767".',
        items: { type: "string", pattern: "^[0-9]{1,5}(-[0-9]{1,5})?$" },
    },
    secretPathPrefix: {
        type: "string",
        default: DEFAULT_CONFIG.secretPathPrefix,
        description: 'Secret store folder above the apps\' own, ending in "/" (e.g. "platform/dev/"); an app reads only <prefix><app>/.',
    },
};

/** The configSchema a rule declares: the exemptions plus the settings it reads. */
export function configSchema(...keys: ConfigKey[]): PolicyConfigSchema {
    const properties: PolicyConfigSchema["properties"] = {
        exemptNamespaces: CONFIG_PROPERTIES.exemptNamespaces,
        exemptObjects: CONFIG_PROPERTIES.exemptObjects,
        exemptions: CONFIG_PROPERTIES.exemptions,
    };
    for (const key of keys) properties[key] = CONFIG_PROPERTIES[key];
    return { properties };
}

function isStringList(value: unknown): value is string[] {
    return Array.isArray(value) && value.every((v) => typeof v === "string" && v.length > 0);
}

/**
 * Validates raw config properties (unknown keys are ignored: they belong to other rules or
 * to `enforcementLevel`) and fills in defaults. Throws a one-line message naming the bad value.
 */
export function parseConfig(raw: Record<string, unknown>, where = "policy config"): PackConfig {
    const out: PackConfig = { ...DEFAULT_CONFIG };
    const fail = (key: string, want: string) => {
        throw new Error(`${where}: ${key} is ${JSON.stringify(raw[key])}; set it to ${want}`);
    };
    for (const key of ["exemptNamespaces", "exemptObjects", "allowedRegistries"] as const) {
        if (raw[key] === undefined) continue;
        if (!isStringList(raw[key])) fail(key, "a list of non-empty strings");
        out[key] = [...(raw[key] as string[])];
    }
    if (raw.requireDigest !== undefined) {
        if (typeof raw.requireDigest !== "boolean") fail("requireDigest", "true or false");
        out.requireDigest = raw.requireDigest as boolean;
    }
    if (raw.exemptions !== undefined) out.exemptions = parseExemptions(raw.exemptions, `${where}: exemptions`);
    if (raw.allowedHostPorts !== undefined) {
        const ok = isStringList(raw.allowedHostPorts) && raw.allowedHostPorts.every((r) => portRange(r) !== undefined);
        if (!ok) fail("allowedHostPorts", 'a list of ports or ranges such as "9100" or "30000-32767" (1-65535, low-high)');
        out.allowedHostPorts = [...(raw.allowedHostPorts as string[])];
    }
    if (raw.secretPathPrefix !== undefined) {
        const p = raw.secretPathPrefix;
        if (typeof p !== "string" || (p !== "" && !p.endsWith("/"))) fail("secretPathPrefix", 'a store folder ending in "/", such as "platform/dev/", or ""');
        out.secretPathPrefix = p as string;
    }
    if (raw.minReplicas !== undefined) {
        const n = raw.minReplicas;
        if (typeof n !== "number" || !Number.isInteger(n) || n < 1) fail("minReplicas", "an integer >= 1");
        out.minReplicas = n as number;
    }
    return out;
}

/** "9100" or "30000-32767" as [low, high], or undefined when it is not a valid range. */
export function portRange(text: string): [number, number] | undefined {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
    if (!m) return undefined;
    const low = Number(m[1]), high = Number(m[2] ?? m[1]);
    return low >= 1 && high <= 65535 && low <= high ? [low, high] : undefined;
}

function parseExemptions(value: unknown, where: string): Exemption[] {
    if (!Array.isArray(value)) throw new Error(`${where} is ${JSON.stringify(value)}; set it to a list of { namespace | namePrefix | image | urn, reason }`);
    return value.map((e, i) => {
        const at = `${where}[${i}]`;
        if (!e || typeof e !== "object" || Array.isArray(e)) throw new Error(`${at} is ${JSON.stringify(e)}; set it to an object with a selector and a reason`);
        const entry = e as Record<string, unknown>;
        const unknown = Object.keys(entry).filter((k) => ![...EXEMPTION_SELECTORS, "rules", "reason"].includes(k));
        if (unknown.length > 0) throw new Error(`${at} has unknown key "${unknown[0]}"; use ${[...EXEMPTION_SELECTORS, "rules", "reason"].join(", ")}`);
        for (const k of [...EXEMPTION_SELECTORS, "reason"]) {
            if (entry[k] !== undefined && (typeof entry[k] !== "string" || entry[k] === "")) throw new Error(`${at}.${k} is ${JSON.stringify(entry[k])}; set it to a non-empty string`);
        }
        if (!EXEMPTION_SELECTORS.some((k) => entry[k] !== undefined)) throw new Error(`${at} selects nothing; set namespace, namePrefix, image or urn`);
        if (entry.reason === undefined) throw new Error(`${at} has no reason; say why the objects are exempt (it is printed with each of them)`);
        if (entry.rules !== undefined && !isStringList(entry.rules)) throw new Error(`${at}.rules is ${JSON.stringify(entry.rules)}; set it to a list of rule ids`);
        return { ...entry } as unknown as Exemption;
    });
}

/**
 * Parsed configs by key set, with the values they were parsed from: getConfig() returns a fresh
 * shallow copy on every call, but its values are the same objects until the next Configure, so
 * each rule's config is parsed once per Configure instead of once per resource.
 */
const parsed = new Map<string, { values: unknown[]; config: PackConfig }>();

/** Reads and validates a rule's config from CrossGuard validation args. */
export function readConfig(args: { getConfig<T extends object>(): T }): PackConfig {
    const raw = args.getConfig<Record<string, unknown>>() ?? {};
    const keys = Object.keys(raw);
    const id = keys.join("\u0000");
    const hit = parsed.get(id);
    if (hit && keys.every((k, i) => hit.values[i] === raw[k])) return hit.config;
    const config = parseConfig(raw);
    parsed.set(id, { values: keys.map((k) => raw[k]), config });
    return config;
}

/**
 * A rule's own settings (those outside PackConfig) with the schema defaults filled in: the
 * Analyzer passes only what the user set.
 */
export function configWithDefaults<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const set = Object.entries(args.getConfig<Partial<T>>() ?? {}).filter(([, v]) => v !== undefined);
    return { ...defaults, ...Object.fromEntries(set) } as T;
}

/** How strict one environment is; turned into per-rule config by `buildPackConfig`. */
export interface PackSettings extends Partial<PackConfig> {
    /**
     * "restricted" (default) enforces every Pod Security Standards rule as declared;
     * "baseline" reports restricted-profile rules as advisory only.
     */
    profile?: "baseline" | "restricted";
    /** Raise advisory best-practice rules to mandatory (prod). Default false. */
    enforceBestPractices?: boolean;
    /** Extra exemptObjects per rule name, e.g. { "host-network": ["monitoring/*-node-exporter"] }. */
    ruleExemptions?: Record<string, string[]>;
}

/** The rule that lists exempted objects with their reasons: an audit trail, never raised to mandatory. */
export const EXEMPTIONS_RULE = "policy-exemptions";

/** The per-rule config shape the engine passes to the pack (the CLI's policy pack config file). */
export type RuleConfig = { enforcementLevel?: EnforcementLevel } & Record<string, unknown>;

/** What `buildPackConfig` needs to know of a rule. */
export interface RuleInfo {
    name: string;
    enforcementLevel?: EnforcementLevel;
    controls: Controls;
    configSchema?: PolicyConfigSchema;
}

/**
 * Builds the pack config for one environment: each rule gets the settings its schema
 * declares and an enforcement level adjusted for the environment's profile.
 */
export function buildPackConfig(settings: PackSettings, rules: readonly RuleInfo[]): Record<string, RuleConfig> {
    const profile = settings.profile ?? "restricted";
    if (profile !== "baseline" && profile !== "restricted") {
        throw new Error(`pack settings: profile is ${JSON.stringify(profile)}; set it to "baseline" or "restricted"`);
    }
    const { profile: _p, enforceBestPractices, ruleExemptions = {}, ...values } = settings;
    const config = parseConfig(values as Record<string, unknown>, "pack settings");
    for (const [i, e] of config.exemptions.entries()) {
        const unknownRule = (e.rules ?? []).find((r) => !rules.some((rule) => rule.name === r));
        if (unknownRule) throw new Error(`pack settings: exemptions[${i}].rules names unknown rule "${unknownRule}"; use a rule id such as ${rules[0]?.name}`);
    }
    for (const [name, objects] of Object.entries(ruleExemptions)) {
        if (!rules.some((r) => r.name === name)) {
            throw new Error(`pack settings: ruleExemptions names unknown rule "${name}"; use a rule id such as ${rules[0]?.name}`);
        }
        parseConfig({ exemptObjects: objects }, `pack settings: ruleExemptions.${name}`);
    }
    const out: Record<string, RuleConfig> = {};
    for (const rule of rules) {
        let level: EnforcementLevel = rule.enforcementLevel ?? "advisory";
        if (profile === "baseline" && rule.controls.pss?.level === "restricted" && level === "mandatory") level = "advisory";
        if (enforceBestPractices && !rule.controls.pss && level === "advisory" && rule.name !== EXEMPTIONS_RULE) level = "mandatory";
        const entry: RuleConfig = { enforcementLevel: level };
        for (const key of Object.keys(rule.configSchema?.properties ?? {})) {
            if (key in config) entry[key] = config[key as ConfigKey];
        }
        if (ruleExemptions[rule.name]) entry.exemptObjects = [...config.exemptObjects, ...ruleExemptions[rule.name]];
        out[rule.name] = entry;
    }
    return out;
}
