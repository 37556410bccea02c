/**
 * The one write path every release takes (promotion, rollback): a "pending" history record,
 * then the pins (validated, atomic), then a "written" status. A crash between the first and
 * last step leaves the old or the new pins and a pending record that reads "interrupted".
 */
import { LAYERS, type Layer } from "../../stacks/graph";
import { MESH_CHARTS } from "../../stacks/settings";
import { pauseAt } from "../state/fault-points";
import type { RunSummary } from "../pipeline/runner";
import type { RolloutResult } from "./rollouts";
import { appendRecord, finishRelease, newReleaseId, releaseActor, type ReleaseKind, type ReleaseStatus } from "./history";
import { environmentsDir, type PinChange, type Pins, writePins } from "./pins";

/** A release ready to write: what the target runs now, what it will run, and why. */
export interface ReleasePlan {
    kind: ReleaseKind;
    env: string;
    /** Source environment (promotion) or the release whose pins are restored (rollback). */
    from?: string;
    previous: Pins & { id?: string };
    pins: Pins;
    changed: PinChange[];
    /** The reason given with --force, with the rules it overrode. */
    forced?: string;
    /** For a rollback: the release being undone. */
    undoes?: string;
}

/** What a promotion or rollback did. */
export interface ReleaseResult {
    plan: ReleasePlan;
    /** Undefined when the target already ran these pins (nothing written). */
    id?: string;
    status: ReleaseStatus | "unchanged";
    /** Layers the pin change can touch, for display. */
    affected: Layer[];
    /** Layers skipped by change detection. */
    unchanged: Layer[];
    /** True when this continued a release an earlier attempt left unfinished. */
    resumed?: boolean;
    summary?: RunSummary;
    /** How each app's canary rollout ended in the apply (progressive delivery only). */
    rollouts?: RolloutResult[];
}

/** Layers a pin change can affect (the rest are skipped by change detection anyway; this is for display). */
export function affectedLayers(changed: readonly PinChange[]): Layer[] {
    const out = new Set<Layer>();
    for (const c of changed) {
        if (c.kind === "image") { out.add("images"); out.add("apps"); }
        else if ((MESH_CHARTS as readonly string[]).includes(c.name)) { out.add("mesh"); out.add("apps"); }
        else { out.add("monitoring"); out.add("mesh"); out.add("apps"); }
    }
    return LAYERS.filter((l) => out.has(l));
}

/** Writes a release (history pending -> pins -> history "written"); returns its id. */
export function writeRelease(plan: ReleasePlan, dir: string = environmentsDir(), now: Date = new Date()): string {
    const id = newReleaseId(now, plan);
    appendRecord({
        type: "release", id, kind: plan.kind, env: plan.env, at: now.toISOString(), by: releaseActor(),
        previous: plan.previous, pins: plan.pins, changed: plan.changed, status: "pending",
        ...(plan.from ? { from: plan.from } : {}),
        ...(plan.forced ? { forced: plan.forced } : {}),
        ...(plan.undoes ? { undoes: plan.undoes } : {}),
    }, dir);
    pauseAt("after-pending-record");
    try {
        writePins(plan.env, plan.pins, id, dir);
    } catch (err) {
        finishRelease(plan.env, id, "failed", `pins not written: ${err instanceof Error ? err.message : String(err)}`, dir);
        throw err;
    }
    pauseAt("after-pins-written");
    finishRelease(plan.env, id, "written", undefined, dir);
    return id;
}
