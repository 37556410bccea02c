/**
 * Turns the Pulumi CLI's typed engine events into the orchestrator's model: progress counts
 * (resourcePreEvent = planned, resOutputsEvent = done), resources seen and policy violations;
 * the change summary comes from the operation's result.
 */
import type { EngineEvent as PulumiEvent } from "@pulumi/pulumi/automation";
import type { Layer } from "../../stacks/graph";
import type { EngineEvent, PolicyViolation, RecordedResource, Severity } from "../engine";

/** Splits a URN into its type token (the last in a parent chain) and name. */
export function parseUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const name = parts.slice(3).join("::") || parts[parts.length - 1];
    const types = (parts[2] ?? "").split("$");
    return { type: types[types.length - 1], name };
}

const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

function severityOf(value: string | undefined): Severity | undefined {
    return SEVERITIES.find((s) => s === value);
}

const SKIPPED_TYPES = new Set(["pulumi:pulumi:Stack"]);

export class PulumiEventMapper {
    private readonly seen = new Map<string, RecordedResource>();
    private readonly policy: PolicyViolation[] = [];
    private planned = 0;
    private done = 0;

    constructor(
        private readonly layer: Layer,
        private readonly emit: (e: EngineEvent) => void,
        private readonly ruleSeverity: Record<string, Severity> = {},
    ) {}

    handle(e: PulumiEvent): void {
        if (e.resourcePreEvent) {
            const m = e.resourcePreEvent.metadata;
            if (SKIPPED_TYPES.has(m.type)) return;
            if (!this.seen.has(m.urn)) {
                const { name } = parseUrn(m.urn);
                const state = m.new ?? m.old;
                this.seen.set(m.urn, {
                    urn: m.urn,
                    type: m.type,
                    name,
                    // The CLI prints secrets as "[secret]" in events unless asked to show them; keep it that way.
                    inputs: (state?.inputs ?? {}) as Record<string, unknown>,
                    parent: state?.parent || undefined,
                    provider: m.provider || undefined,
                    dependencies: [],
                    custom: state?.custom ?? true,
                });
                this.planned++;
            }
            this.emit({ kind: "progress", layer: this.layer, done: this.done, total: this.planned, resource: m.urn });
        } else if (e.resOutputsEvent) {
            if (SKIPPED_TYPES.has(e.resOutputsEvent.metadata.type)) return;
            this.done++;
            this.emit({ kind: "progress", layer: this.layer, done: this.done, total: this.planned, resource: e.resOutputsEvent.metadata.urn });
        } else if (e.policyEvent) {
            const p = e.policyEvent;
            const enforcement = p.enforcementLevel === "mandatory" ? "mandatory" : "advisory";
            const target = p.resourceUrn ? parseUrn(p.resourceUrn) : undefined;
            const violation: PolicyViolation = {
                policyPack: p.policyPackName,
                policyPackVersion: p.policyPackVersion,
                rule: p.policyName,
                message: p.message,
                // The CLI's event carries the pack's severity (absent from the SDK's type); older CLIs
                // omit it, and then the pack's own rule table answers.
                severity: severityOf((p as { severity?: string }).severity) ?? this.ruleSeverity[p.policyName] ?? (enforcement === "mandatory" ? "high" : "medium"),
                enforcement,
                urn: p.resourceUrn,
                resourceType: target?.type,
                resourceName: target?.name,
                layer: this.layer,
            };
            this.policy.push(violation);
            this.emit({ kind: "policy", layer: this.layer, violation });
        } else if (e.diagnosticEvent && (e.diagnosticEvent.severity === "error" || e.diagnosticEvent.severity === "warning")) {
            this.emit({ kind: "log", layer: this.layer, line: `${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message.trim()}` });
        }
    }

    resources(): RecordedResource[] {
        return [...this.seen.values()];
    }

    violations(): PolicyViolation[] {
        return [...this.policy];
    }
}
