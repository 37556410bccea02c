/**
 * SARIF 2.1.0 for code scanning: one run per environment, categorised `infra-check/<env>/` so
 * adding or removing an environment leaves the others' alerts where they are; one rule per
 * policy (plus one for schema issues) with help from the rule's remediation steps; one result
 * per finding, located at the layer's program file with the resource URN as the logical
 * location. Fingerprints hash what identifies a finding, never line numbers or times.
 */
import { createHash } from "crypto";
import type { PolicyViolation, Severity } from "../engine";
import { stackName } from "../../stacks/names";
import { environmentFile, layerProgramFile, RunSummary, schemaIssuesOf, violationsOf } from "./model";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const SCHEMA_RULE_ID = "k8s-openapi-schema";

/** GitHub code scanning reads `security-severity` (0-10) to rank security findings. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

export interface SarifOptions {
    toolName?: string;
    toolVersion?: string;
    informationUri?: string;
}

interface SarifRule {
    id: string;
    name: string;
    shortDescription: { text: string };
    fullDescription: { text: string };
    help: { text: string; markdown: string };
    defaultConfiguration: { level: "error" | "warning" };
    properties: { tags: string[]; "security-severity"?: string; precision: string };
}

/**
 * The analysis category of an environment's run. Code scanning keeps one set of alerts per
 * category, so this must not depend on which other environments the same check covered.
 */
export function automationId(env: string): string {
    return `infra-check/${env}/`;
}

function fingerprint(...parts: Array<string | undefined>): string {
    return createHash("sha256").update(parts.map((p) => p ?? "").join("\u0000")).digest("hex").slice(0, 32);
}

/**
 * A rule's help: its remediation steps when the pack publishes them (the same for every
 * finding), else the first finding's message, which says what to change for that finding.
 */
function helpFor(v: PolicyViolation, short: string, controls: string[]): SarifRule["help"] {
    const facts = `Enforcement: ${v.enforcement}; severity: ${v.severity}.${controls.length ? ` Controls: ${controls.join(", ")}.` : ""}`;
    const factsMd = `Enforcement: \`${v.enforcement}\` · severity: \`${v.severity}\`${controls.length ? ` · controls: ${controls.map((c) => `\`${c}\``).join(", ")}` : ""}`;
    if (v.remediation) {
        return {
            text: `${v.remediation}\n\n${short}. ${facts}`,
            markdown: `**How to fix:** ${v.remediation}\n\n${short}.\n\n${factsMd}`,
        };
    }
    const example = v.message.split("\n")[0];
    return {
        text: `${short}. ${facts} Fix: ${example}`,
        markdown: `${short}.\n\n${factsMd}\n\n**Example finding:** ${example}`,
    };
}

function ruleFor(v: PolicyViolation): SarifRule {
    const controls = v.controls ?? [];
    const short = (v.description ?? v.rule).split("\n")[0];
    return {
        id: v.rule,
        name: v.rule.replace(/(^|[-_:])(\w)/g, (_m, _s, c: string) => c.toUpperCase()),
        shortDescription: { text: short },
        fullDescription: { text: v.description ?? `Policy ${v.rule} of pack ${v.policyPack}.` },
        help: helpFor(v, short, controls),
        defaultConfiguration: { level: v.enforcement === "mandatory" ? "error" : "warning" },
        properties: { tags: ["security", ...controls], "security-severity": SECURITY_SEVERITY[v.severity], precision: "very-high" },
    };
}

const SCHEMA_RULE: SarifRule = {
    id: SCHEMA_RULE_ID,
    name: "KubernetesOpenApiSchema",
    shortDescription: { text: "Kubernetes object does not match the OpenAPI schema" },
    fullDescription: { text: "Every Kubernetes object a layer registers is validated against the Kubernetes OpenAPI schema before it reaches a cluster." },
    help: {
        text: "Correct the field named in the message in the layer program or the environment file; the API server would reject the object as it is.",
        markdown: "Correct the field named in the message in the layer program (`stacks/<layer>.ts`) or the environment file (`environments/<env>.yaml`); the API server would reject the object as it is.",
    },
    defaultConfiguration: { level: "error" },
    properties: { tags: ["correctness", "kubernetes"], precision: "very-high" },
};

/** One environment's run: its rules, indexed in this run only, and its results. */
function runOf(s: RunSummary, opts: SarifOptions): Record<string, unknown> {
    const rules: SarifRule[] = [];
    const indexOf = new Map<string, number>();
    // The first finding of a rule defines it; later ones point at the same index.
    const ruleIndex = (id: string, make: () => SarifRule) => {
        let index = indexOf.get(id);
        if (index === undefined) {
            index = rules.push(make()) - 1;
            indexOf.set(id, index);
        }
        return index;
    };
    const results: Record<string, unknown>[] = [];
    for (const v of violationsOf(s)) {
        const stack = stackName(s.env, v.layer);
        const target = v.urn ? `${v.resourceType ?? ""} "${v.resourceName ?? v.urn}"` : `stack ${stack}`;
        results.push({
            ruleId: v.rule,
            ruleIndex: ruleIndex(v.rule, () => ruleFor(v)),
            level: v.enforcement === "mandatory" ? "error" : "warning",
            message: { text: `[${s.env}/${v.layer}] ${target}: ${v.message.split("\n")[0]}` },
            locations: [{
                physicalLocation: { artifactLocation: { uri: layerProgramFile(v.layer), uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
                logicalLocations: [v.urn
                    ? { fullyQualifiedName: v.urn, name: v.resourceName, kind: "resource" }
                    : { fullyQualifiedName: stack, kind: "module" }],
            }],
            partialFingerprints: { "infraFinding/v1": fingerprint(s.env, v.layer, v.rule, v.urn, v.message) },
            properties: { env: s.env, layer: v.layer, severity: v.severity, enforcement: v.enforcement, policyPack: v.policyPack },
        });
    }
    for (const issue of schemaIssuesOf(s)) {
        results.push({
            ruleId: SCHEMA_RULE_ID,
            ruleIndex: ruleIndex(SCHEMA_RULE_ID, () => SCHEMA_RULE),
            level: "error",
            message: { text: `[${s.env}/${issue.layer}] ${issue.kind} "${issue.name}": ${issue.message.split("\n")[0]}` },
            locations: [{
                physicalLocation: { artifactLocation: { uri: layerProgramFile(issue.layer), uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
                logicalLocations: [{ fullyQualifiedName: issue.urn, name: issue.name, kind: "resource" }],
            }],
            relatedLocations: [{ id: 1, physicalLocation: { artifactLocation: { uri: environmentFile(s.env), uriBaseId: "%SRCROOT%" } }, message: { text: "environment settings" } }],
            partialFingerprints: { "infraFinding/v1": fingerprint(s.env, issue.layer, SCHEMA_RULE_ID, issue.urn, issue.message) },
        });
    }
    return {
        tool: {
            driver: {
                name: opts.toolName ?? "infra-check",
                version: opts.toolVersion ?? "0.0.0",
                semanticVersion: opts.toolVersion ?? "0.0.0",
                ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
                rules,
            },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The repository root." } } },
        automationDetails: { id: automationId(s.env), description: { text: `infra check of environment ${s.env} (${s.engine} engine)` } },
        results,
    };
}

/** Builds the SARIF log object, one run per environment (see renderSarif for text). */
export function buildSarif(summaries: RunSummary[], opts: SarifOptions = {}): Record<string, unknown> {
    return { $schema: SARIF_SCHEMA, version: "2.1.0", runs: summaries.map((s) => runOf(s, opts)) };
}

/** SARIF 2.1.0 text for upload to code scanning. */
export function renderSarif(summaries: RunSummary[], opts: SarifOptions = {}): string {
    return JSON.stringify(buildSarif(summaries, opts), null, 2) + "\n";
}
