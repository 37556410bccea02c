/**
 * Where an environment's latest release stands against what has been applied since: which
 * release a rerun should continue, which layers it still has to apply, and when it is done.
 * A release is applied once every layer has run (or was found unchanged) with its pins in an
 * `up` after they were written, whichever commands did it: the promotion itself, its rerun,
 * `infra up --resume`, or a CI job's `infra up` after a write-only promotion.
 */
import type { ReleaseMark } from "../engine";
import { LAYERS, type Layer } from "../../stacks/graph";
import { layersAppliedSince } from "../state/runs";
import { finishRelease, listReleases, type Release, type StatusRecord } from "./history";
import { environmentsDir, readPins, samePins } from "./pins";

/** Statuses of a release whose pins are on disk but not (known to be) applied. */
const UNFINISHED: ReadonlySet<Release["status"]> = new Set<Release["status"]>(["written", "interrupted", "failed"]);

/**
 * The environment's latest release when it is unfinished and its pins are the ones on disk
 * (an attempt killed before its pins landed left the old pins: nothing to continue). `marks` are
 * the release marks kept with the state (marks.ts): a release another machine applied is finished.
 */
export function unfinishedRelease(env: string, dir: string = environmentsDir(), marks: readonly ReleaseMark[] = []): Release | undefined {
    const latest = listReleases(env, dir, marks).at(-1);
    if (!latest || !UNFINISHED.has(latest.status)) return undefined;
    return samePins(latest.pins, readPins(env, dir)) ? latest : undefined;
}

/** The layers a release still has to apply: those no `up` since it was written finished. */
export function layersLeft(stateDir: string, release: Release): Layer[] {
    const done = layersAppliedSince(stateDir, release.env, release.at);
    return LAYERS.filter((l) => !["succeeded", "unchanged"].includes(done.get(l) ?? ""));
}

/** Marks the unfinished release applied when every layer has applied its pins; returns the record it appended then. */
export function settleRelease(stateDir: string, env: string, dir: string = environmentsDir()): StatusRecord | undefined {
    const release = unfinishedRelease(env, dir);
    if (!release || layersLeft(stateDir, release).length > 0) return undefined;
    return finishRelease(env, release.id, "applied", undefined, dir);
}
