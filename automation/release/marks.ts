/**
 * Release history kept with the state. The history file's pending/written records travel in git
 * with the pins, but the applying/applied records are appended on whichever machine applied the
 * release. So when an apply settles (applied, failed, interrupted), the engine, where its state is
 * shared (the Pulumi engine), also keeps the release's id, status, time and rollout outcomes on
 * each stack the apply reached; `infra releases`, and the code that decides whether a release is
 * still to be continued, read those marks back and fold them into the history (history.ts).
 */
import type { Engine, ReleaseMark, ReleaseMarkStore } from "../engine";
import type { LayerStatus, RunSummary } from "../pipeline/runner";
import { LAYERS, type Layer } from "../../stacks/graph";
import { listReleases, type Release, type StatusRecord } from "./history";
import { environmentsDir } from "./pins";

/** The marks of an environment, and why the state could not be read when it could not. */
export interface StateMarks {
    marks: ReleaseMark[];
    /** Set when the engine keeps marks but reading them failed: the history file alone is shown. */
    unread?: string;
}

/** Statuses of a layer whose stack the apply reached (so it exists and can hold a mark). */
const REACHED: ReadonlySet<LayerStatus> = new Set<LayerStatus>(["succeeded", "unchanged", "failed"]);

/** The layers of a release's apply that get its mark: those the run reached. */
export function reachedLayers(summary: RunSummary): Layer[] {
    return summary.outcomes.filter((o) => REACHED.has(o.status)).map((o) => o.layer);
}

/** The mark of a settled status record; undefined for a status that does not settle an apply. */
export function markOf(record: StatusRecord): ReleaseMark | undefined {
    if (record.status !== "applied" && record.status !== "failed" && record.status !== "interrupted") return undefined;
    return { id: record.id, status: record.status, at: record.at, ...(record.rollouts?.length ? { rollouts: record.rollouts } : {}) };
}

/**
 * Every layer's release mark of `env`, read at once; none when there is no engine or it keeps
 * none (the offline engine). A layer that cannot be read makes `unread` say why; the others still count.
 */
export async function readReleaseMarks(engine: Engine | undefined, env: string, layers: readonly Layer[] = LAYERS): Promise<StateMarks> {
    const store = engine?.releaseMarks;
    if (!store) return { marks: [] };
    const read = await Promise.allSettled(layers.map((layer) => store.read(env, layer)));
    const marks = read.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value] : []));
    const failed = read.find((r): r is PromiseRejectedResult => r.status === "rejected");
    return failed ? { marks, unread: firstLine(failed.reason) } : { marks };
}

/**
 * The releases of `env` as `infra releases` shows them: the history file with the marks the
 * engine keeps with the state folded in; `unread` says why the state was not read, when it was not.
 */
export async function releasesWithState(engine: Engine | undefined, env: string, dir: string = environmentsDir()): Promise<{ releases: Release[]; unread?: string }> {
    const { marks, unread } = await readReleaseMarks(engine, env);
    return { releases: listReleases(env, dir, marks), ...(unread ? { unread } : {}) };
}

/**
 * Keeps a settled release with the state of `layers` (one tag write per layer). Returns the
 * layers it could not mark, with why; the history file keeps the record either way.
 */
export async function keepRelease(store: ReleaseMarkStore, env: string, layers: readonly Layer[], record: StatusRecord): Promise<string[]> {
    const mark = markOf(record);
    if (!mark) return [];
    const unmarked: string[] = [];
    for (const layer of layers) {
        try {
            await store.write(env, layer, mark);
        } catch (err) {
            unmarked.push(`${layer} (${firstLine(err)})`);
        }
    }
    return unmarked;
}

/** What to tell the user when a release could not be kept with the state of some layers. */
export function unkeptNote(record: StatusRecord, unmarked: readonly string[]): string {
    return `could not keep release ${record.id}'s status (${record.status}) with the state for ${unmarked.join("; ")}; \`infra releases\` on another machine may not see it`;
}

function firstLine(err: unknown): string {
    return String((err as Error)?.message ?? err).split("\n")[0];
}
