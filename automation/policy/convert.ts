/**
 * Translation between the orchestrator's model (RecordedResource, PolicyViolation) and the
 * Analyzer protocol messages, kept apart from process and connection handling so it can be
 * tested without a server.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { SECRET_MARKER, type Enforcement, type PolicyViolation, type RecordedResource, type Severity } from "../engine";
import type { Layer } from "../../stacks/graph";
import { isControlTag } from "../../policies/rules/util/controls";

// The SDK's rpc specialSigKey / specialSecretSig, copied: loading the SDK runtime to read
// them would add ~0.2 s to the orchestrator's start-up.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Plain JSON for a Struct: drops undefined (Struct cannot hold it) and sends "[secret]"
 * markers as Pulumi secret envelopes, as the engine sends secret inputs.
 */
export function toWire(value: unknown): unknown {
    if (value === SECRET_MARKER) return { [SIG_KEY]: SECRET_SIG, value: SECRET_MARKER };
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toWire(v)));
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v !== undefined) out[k] = toWire(v);
        }
        return out;
    }
    if (typeof value === "number" && !Number.isFinite(value)) return null;
    return value;
}

function propertiesOf(r: RecordedResource): Struct {
    return Struct.fromJavaScript(toWire(r.inputs ?? {}) as Record<string, never>);
}

/** Options every request needs: the pack rejects Analyze calls without them. */
function optionsOf(r: RecordedResource): analyzerproto.AnalyzerResourceOptions {
    const opts = new analyzerproto.AnalyzerResourceOptions();
    opts.setProtect(false);
    opts.setIgnorechangesList([]);
    opts.setAliasesList([]);
    opts.setAdditionalsecretoutputsList([]);
    opts.setCustomtimeouts(new analyzerproto.AnalyzerResourceOptions.CustomTimeouts());
    if (r.parent) opts.setParent(r.parent);
    return opts;
}

/**
 * A resource's properties and options on the wire. Converting the inputs is the costly part,
 * and each resource goes out twice (Analyze, then inside AnalyzeStack): convert once, share.
 */
export interface WireParts {
    properties: Struct;
    options: analyzerproto.AnalyzerResourceOptions;
}

export function wirePartsOf(r: RecordedResource): WireParts {
    return { properties: propertiesOf(r), options: optionsOf(r) };
}

/**
 * The fields AnalyzeRequest and AnalyzerResource share. They are distinct generated classes
 * with the same setters, so one generic fills either and each keeps its own type.
 */
function describe<M extends analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource>(msg: M, r: RecordedResource, parts: WireParts): M {
    msg.setType(r.type);
    msg.setName(r.name);
    msg.setUrn(r.urn);
    msg.setProperties(parts.properties);
    msg.setOptions(parts.options);
    return msg;
}

export function toAnalyzeRequest(r: RecordedResource, parts: WireParts = wirePartsOf(r)): analyzerproto.AnalyzeRequest {
    return describe(new analyzerproto.AnalyzeRequest(), r, parts);
}

export function toAnalyzerResource(r: RecordedResource, parts: WireParts = wirePartsOf(r)): analyzerproto.AnalyzerResource {
    const res = describe(new analyzerproto.AnalyzerResource(), r, parts);
    if (r.parent) res.setParent(r.parent);
    res.setDependenciesList([...(r.dependencies ?? [])]);
    return res;
}

const ENFORCEMENT: Record<number, Enforcement> = {
    [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
};
const ENFORCEMENT_PROTO: Record<Enforcement, analyzerproto.EnforcementLevel> = {
    advisory: analyzerproto.EnforcementLevel.ADVISORY,
    mandatory: analyzerproto.EnforcementLevel.MANDATORY,
    disabled: analyzerproto.EnforcementLevel.DISABLED,
    remediate: analyzerproto.EnforcementLevel.REMEDIATE,
};
const SEVERITY: Record<number, Severity | undefined> = {
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

export function enforcementFromProto(level: analyzerproto.EnforcementLevel): Enforcement {
    return ENFORCEMENT[level] ?? "advisory";
}

export function enforcementToProto(level: Enforcement): analyzerproto.EnforcementLevel {
    const proto = ENFORCEMENT_PROTO[level];
    if (proto === undefined) {
        throw new Error(`policy config: enforcementLevel "${String(level)}" is unknown; use advisory, mandatory, remediate or disabled`);
    }
    return proto;
}

/** One policy as the pack describes itself in GetAnalyzerInfo. */
export interface PolicyMeta {
    name: string;
    description: string;
    kind: "resource" | "stack";
    enforcement: Enforcement;
    severity?: Severity;
    /** Standard controls, published by the pack as tags ("PSS:...", "CIS-...", "C-0000"). */
    controls: string[];
    /** Names of the config properties the policy declares. */
    configKeys: string[];
    remediation?: string;
}

export function policyMetaOf(p: analyzerproto.PolicyInfo): PolicyMeta {
    const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
    return {
        name: p.getName(),
        description: p.getDescription(),
        kind: p.getPolicyType() === analyzerproto.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
        enforcement: enforcementFromProto(p.getEnforcementlevel()),
        severity: SEVERITY[p.getSeverity()],
        controls: p.getTagsList().filter(isControlTag),
        configKeys: Object.keys(schema),
        remediation: p.getRemediationSteps() || undefined,
    };
}

/** The pack prefixes each message with the policy description; the result model keeps them apart. */
function stripDescription(message: string, description: string): string {
    return description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}

/** Maps one diagnostic to the result model, naming the resource it points at. */
export function toViolation(
    d: analyzerproto.AnalyzeDiagnostic,
    layer: Layer,
    policies: ReadonlyMap<string, PolicyMeta>,
    byUrn: ReadonlyMap<string, RecordedResource>,
    fallbackUrn?: string,
): PolicyViolation {
    const meta = policies.get(d.getPolicyname());
    const urn = d.getUrn() || fallbackUrn;
    const resource = urn ? byUrn.get(urn) : undefined;
    const v: PolicyViolation = {
        policyPack: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion() || undefined,
        rule: d.getPolicyname(),
        description: d.getDescription() || meta?.description,
        message: stripDescription(d.getMessage(), d.getDescription()),
        severity: SEVERITY[d.getSeverity()] ?? meta?.severity ?? "medium",
        enforcement: enforcementFromProto(d.getEnforcementlevel()),
        layer,
        controls: meta?.controls ?? [],
    };
    if (meta?.remediation) v.remediation = meta.remediation;
    if (urn) v.urn = urn;
    if (resource) {
        v.resourceType = resource.type;
        v.resourceName = resource.name;
    }
    return v;
}
