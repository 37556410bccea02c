/**
 * Rollback: re-apply earlier pins. Without a release id, the pins that were in place before
 * the release that wrote the current ones; with one, that release's pins.
 */
import type { ReleaseMark } from "../engine";
import { InputError } from "../../common/errors";
import { listReleases, type Release } from "./history";
import { diffPins, environmentsDir, isEmptyPins, readPins, samePins } from "./pins";
import type { ReleasePlan } from "./write";

export interface RollbackRequest {
    env: string;
    /** A release id from `infra releases`; default: undo the release that wrote the current pins. */
    to?: string;
    dir?: string;
    /** Release marks kept with the state (marks.ts): a release applied from another machine counts as applied. */
    marks?: readonly ReleaseMark[];
}

function recent(releases: Release[]): string {
    const ids = releases.slice(-5).reverse().map((r) => `${r.id} (${r.status})`);
    return ids.length > 0 ? ids.join(", ") : "none recorded";
}

/** Plans a rollback; throws InputError when there is nothing to roll back to. */
export function planRollback(req: RollbackRequest): ReleasePlan {
    const dir = req.dir ?? environmentsDir();
    const current = readPins(req.env, dir);
    const releases = listReleases(req.env, dir, req.marks);
    let plan: Omit<ReleasePlan, "changed" | "previous">;
    if (req.to) {
        const r = releases.find((x) => x.id === req.to);
        if (!r) throw new InputError(`unknown release "${req.to}" for ${req.env}; recent: ${recent(releases)}`);
        if (r.status !== "applied" && r.status !== "written") {
            throw new InputError(`release ${r.id} of ${req.env} is ${r.status}; roll back to one that was written or applied (recent: ${recent(releases)})`);
        }
        plan = { kind: "rollback", env: req.env, from: r.id, pins: r.pins };
    } else {
        // The release that wrote what the file holds now; an interrupted one counts if its pins landed.
        const latest = [...releases].reverse().find((r) => samePins(r.pins, current));
        if (!latest) {
            throw new InputError(`nothing to roll back to: ${req.env}'s current pins were not written by any recorded release; name one with --to (recent: ${recent(releases)})`);
        }
        if (isEmptyPins(latest.previous)) {
            throw new InputError(`nothing to roll back to: before release ${latest.id}, ${req.env} ran no pinned release; name a later one with --to (recent: ${recent(releases)})`);
        }
        plan = { kind: "rollback", env: req.env, from: latest.previous.id, pins: latest.previous, undoes: latest.id };
    }
    const pins = { images: { ...plan.pins.images }, charts: { ...plan.pins.charts } };
    if (samePins(pins, current)) throw new InputError(`nothing to roll back: ${req.env} already runs the pins of ${plan.from ?? "that release"}`);
    return { ...plan, pins, previous: current, changed: diffPins(current, pins) };
}
