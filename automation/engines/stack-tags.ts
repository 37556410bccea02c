/**
 * What the Pulumi engine keeps with each stack as stack tags, and how each value is written: plain
 * words within Pulumi's limits (tag names of at most 40 characters of `[a-zA-Z0-9-_.:]`, values of
 * at most 256, `ValidateStackTags` in pkg/util/validation/stack.go of Pulumi 3.248.0; the Pulumi
 * Cloud backend refuses longer ones). `pulumi stack tag set` sets one tag per call, so each kind of
 * mark costs one CLI call per stack.
 */
import type { ReleaseMark, RunMark } from "../engine";

/** The stack tag that holds a layer's change-detection fingerprint. */
export const FINGERPRINT_TAG = "infra:fingerprint";
/** The stack tag that holds a layer's part in its last `up` (a RunMark), for other machines' promotion gates. */
export const LAST_RUN_TAG = "infra:last-run";
/** The stack tag that holds how the last release applied to the stack ended (a ReleaseMark), for other machines' release history. */
export const RELEASE_TAG = "infra:release";
/** The longest tag value Pulumi accepts. */
export const TAG_VALUE_MAX = 256;

/** A RunMark as a tag value: `<operation> <status> <mandatory> <at> <id>`, plain words within tag limits. */
export function formatRunMark(m: RunMark): string {
    return [m.operation, m.status, m.mandatory, m.at, m.id || "-"].join(" ");
}

/** The RunMark a tag value holds; undefined for a value this version did not write. */
export function parseRunMark(value: string | undefined): RunMark | undefined {
    const [operation, status, mandatory, at, id, ...rest] = (value ?? "").split(" ");
    if (rest.length > 0 || !id || !/^(up|preview|refresh|destroy)$/.test(operation) || !/^[a-z-]+$/.test(status) || !/^\d+$/.test(mandatory) || Number.isNaN(Date.parse(at))) return undefined;
    return { operation: operation as RunMark["operation"], status, mandatory: Number(mandatory), at, id: id === "-" ? "" : id };
}

const ROLLOUT = /^[a-z0-9-]+ [a-z-]+$/;

/**
 * A ReleaseMark as a tag value: `<id> <status> <at> <rollouts>`, the rollouts as
 * `app=healthy,web=aborted` or `-`. Rollouts that would take the value past the limit, or that are
 * not `<app> <outcome>` words, are left out (`-`): the history of the machine that applied keeps them.
 */
export function formatReleaseMark(m: ReleaseMark): string {
    const rollouts = m.rollouts ?? [];
    const words = rollouts.every((r) => ROLLOUT.test(r)) ? rollouts.map((r) => r.replace(" ", "=")).join(",") : "";
    const full = [m.id, m.status, m.at, words || "-"].join(" ");
    return full.length <= TAG_VALUE_MAX ? full : [m.id, m.status, m.at, "-"].join(" ");
}

/** The ReleaseMark a tag value holds; undefined for a value this version did not write. */
export function parseReleaseMark(value: string | undefined): ReleaseMark | undefined {
    const [id, status, at, rollouts, ...rest] = (value ?? "").trim().split(" ");
    if (rest.length > 0 || !rollouts || !/^[\w.-]+$/.test(id) || !/^(applied|failed|interrupted)$/.test(status) || Number.isNaN(Date.parse(at))) return undefined;
    const list = rollouts === "-" ? [] : rollouts.split(",").map((r) => r.replace("=", " "));
    if (!list.every((r) => ROLLOUT.test(r))) return undefined;
    return { id, status: status as ReleaseMark["status"], at, ...(list.length > 0 ? { rollouts: list } : {}) };
}
