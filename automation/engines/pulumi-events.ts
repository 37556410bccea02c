/**
 * Turns the Pulumi CLI's typed engine events into the orchestrator's model: progress counts
 * (resourcePreEvent = planned, resOutputsEvent = done), resources seen and policy violations;
 * the change summary comes from the operation's result.
 */
import type { EngineEvent as PulumiEvent } from "@pulumi/pulumi/automation";
import type { Layer } from "../../stacks/graph";
import type { ChangedResource, EngineEvent, PolicyViolation, RecordedResource, Severity } from "../engine";

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

/** Top-level properties whose values differ between two states (keys starting "__" are provider bookkeeping). */
export function changedKeys(before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((k) => !k.startsWith("__") && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

const SKIPPED_TYPES = new Set(["pulumi:pulumi:Stack"]);

export class PulumiEventMapper {
    private readonly seen = new Map<string, RecordedResource>();
    private readonly policy: PolicyViolation[] = [];
    private readonly changes = new Map<string, ChangedResource>();
    /** The first error a resource reported ("<name>: <message>"): the cause, where the CLI's own last lines are consequences. */
    firstResourceError?: string;
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
            this.noteChange(m);
        } else if (e.resOutputsEvent) {
            if (SKIPPED_TYPES.has(e.resOutputsEvent.metadata.type)) return;
            this.noteChange(e.resOutputsEvent.metadata);
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
            const d = e.diagnosticEvent;
            if (d.severity === "error" && d.urn && !this.firstResourceError) {
                this.firstResourceError = `${parseUrn(d.urn).name}: ${d.message.trim().split("\n")[0]}`;
            }
            this.emit({ kind: "log", layer: this.layer, line: `${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message.trim()}` });
        }
    }

    /**
     * Records which properties a step changes: the engine's diff keys where it sends them, else
     * the outputs that moved between the old and new state (how a refresh reports drift).
     */
    private noteChange(m: NonNullable<PulumiEvent["resourcePreEvent"]>["metadata"]): void {
        if (m.op === "same" || m.op === "read") return;
        const diffs = (m.diffs ?? Object.keys(m.detailedDiff ?? {})).filter((k) => !k.startsWith("__"));
        const properties = diffs.length > 0 ? diffs : changedKeys(m.old?.outputs as Record<string, unknown>, m.new?.outputs as Record<string, unknown>);
        if (m.op === "refresh" && properties.length === 0) return;
        const { type, name } = parseUrn(m.urn);
        const known = this.changes.get(m.urn);
        this.changes.set(m.urn, { urn: m.urn, type, name, op: m.op, properties: [...new Set([...(known?.properties ?? []), ...properties])].sort() });
    }

    changed(): ChangedResource[] {
        return [...this.changes.values()];
    }

    resources(): RecordedResource[] {
        return [...this.seen.values()];
    }

    violations(): PolicyViolation[] {
        return [...this.policy];
    }
}
