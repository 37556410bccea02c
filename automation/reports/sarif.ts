/**
 * SARIF 2.1.0 for code scanning: one run, one rule per policy (plus one for schema issues),
 * one result per finding located at the layer's program file with the resource URN as the
 * logical location. Fingerprints hash what identifies a finding, never line numbers or times.
 */
import { createHash } from "crypto";
import type { PolicyViolation, Severity } from "../engine";
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
    help: { text: string; markdown?: string };
    defaultConfiguration: { level: "error" | "warning" };
    properties: { tags: string[]; "security-severity"?: string; precision: string };
}

function fingerprint(...parts: Array<string | undefined>): string {
    return createHash("sha256").update(parts.map((p) => p ?? "").join("\u0000")).digest("hex").slice(0, 32);
}

function ruleFor(v: PolicyViolation): SarifRule {
    const controls = v.controls ?? [];
    const short = (v.description ?? v.rule).split("\n")[0];
    return {
        id: v.rule,
        name: v.rule.replace(/(^|[-_:])(\w)/g, (_m, _s, c: string) => c.toUpperCase()),
        shortDescription: { text: short },
        fullDescription: { text: v.description ?? `Policy ${v.rule} of pack ${v.policyPack}.` },
        help: {
            text: `${short}. Enforcement: ${v.enforcement}; severity: ${v.severity}.${controls.length ? ` Controls: ${controls.join(", ")}.` : ""} Fix: ${v.message.split("\n")[0]}`,
        },
        defaultConfiguration: { level: v.enforcement === "mandatory" ? "error" : "warning" },
        properties: { tags: ["security", ...controls], "security-severity": SECURITY_SEVERITY[v.severity], precision: "very-high" },
    };
}

/** Builds the SARIF log object (see renderSarif for text). */
export function buildSarif(summaries: RunSummary[], opts: SarifOptions = {}): Record<string, unknown> {
    const rules = new Map<string, SarifRule>();
    const results: Record<string, unknown>[] = [];
    const ruleIndex = (id: string) => [...rules.keys()].indexOf(id);
    for (const s of summaries) {
        for (const v of violationsOf(s)) {
            if (!rules.has(v.rule)) rules.set(v.rule, ruleFor(v));
            const target = v.urn ? `${v.resourceType ?? ""} "${v.resourceName ?? v.urn}"` : `stack ${s.env}-${v.layer}`;
            results.push({
                ruleId: v.rule,
                ruleIndex: ruleIndex(v.rule),
                level: v.enforcement === "mandatory" ? "error" : "warning",
                message: { text: `[${s.env}/${v.layer}] ${target}: ${v.message.split("\n")[0]}` },
                locations: [{
                    physicalLocation: { artifactLocation: { uri: layerProgramFile(v.layer), uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
                    logicalLocations: [v.urn
                        ? { fullyQualifiedName: v.urn, name: v.resourceName, kind: "resource" }
                        : { fullyQualifiedName: `${s.env}-${v.layer}`, kind: "module" }],
                }],
                partialFingerprints: { "infraFinding/v1": fingerprint(s.env, v.layer, v.rule, v.urn, v.message) },
                properties: { env: s.env, layer: v.layer, severity: v.severity, enforcement: v.enforcement, policyPack: v.policyPack },
            });
        }
        for (const issue of schemaIssuesOf(s)) {
            if (!rules.has(SCHEMA_RULE_ID)) {
                rules.set(SCHEMA_RULE_ID, {
                    id: SCHEMA_RULE_ID,
                    name: "KubernetesOpenApiSchema",
                    shortDescription: { text: "Kubernetes object does not match the OpenAPI schema" },
                    fullDescription: { text: "Every Kubernetes object a layer registers is validated against the Kubernetes OpenAPI schema before it reaches a cluster." },
                    help: { text: "Correct the field named in the message in the layer program or the environment file; the API server would reject the object as it is." },
                    defaultConfiguration: { level: "error" },
                    properties: { tags: ["correctness", "kubernetes"], precision: "very-high" },
                });
            }
            results.push({
                ruleId: SCHEMA_RULE_ID,
                ruleIndex: ruleIndex(SCHEMA_RULE_ID),
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
    }
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: opts.toolName ?? "infra-check",
                    version: opts.toolVersion ?? "0.0.0",
                    semanticVersion: opts.toolVersion ?? "0.0.0",
                    ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
                    rules: [...rules.values()],
                },
            },
            originalUriBaseIds: { "%SRCROOT%": { description: { text: "The repository root." } } },
            automationDetails: { id: `infra-check/${summaries.map((s) => s.env).join("+")}/` },
            results,
        }],
    };
}

/** SARIF 2.1.0 text for upload to code scanning. */
export function renderSarif(summaries: RunSummary[], opts: SarifOptions = {}): string {
    return JSON.stringify(buildSarif(summaries, opts), null, 2) + "\n";
}
