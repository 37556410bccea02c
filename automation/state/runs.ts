/**
 * A record of each orchestrated run per environment, `<state>/runs/<env>.jsonl`: what ran, how
 * each layer ended and how many mandatory policy violations it had. A run appends a "start" line
 * before its first layer, one "layer" line as each layer ends and its full record at the end, so
 * a run killed part-way is still known: it reads as interrupted, with the layers it finished.
 * Promotion reads it (promote only what last ran clean) and `infra up --resume` reads it (run
 * only what did not finish).
 */
import * as fs from "fs";
import * as os from "os";
import type { Operation, RunMark, RunMarkStore } from "../engine";
import { LAYERS } from "../../stacks/graph";
import { appendLine } from "../files";
import { InputError } from "../../common/errors";
import type { LayerStatus, RunSummary } from "../pipeline/runner";
import type { Layer } from "../../stacks/graph";
import { runningHere } from "./lock";
import { statePaths } from "./workspace";

export interface RunRecord {
    /** Ties the start, layer and final lines of one run together (absent in records of older versions). */
    id?: string;
    at: string;
    env: string;
    operation: Operation;
    engine: string;
    outcomes: { layer: Layer; status: LayerStatus; error?: string }[];
    /** Mandatory policy violations over all layers of the run. */
    policyMandatory: number;
    interrupted: boolean;
    /** For a run that never wrote its final record: whether its process is still running. */
    running?: boolean;
}

/** The first line of a run, written before any layer starts. */
interface StartLine { type: "start"; id: string; at: string; env: string; operation: Operation; engine: string; layers: Layer[]; pid: number; hostname: string }
/** One layer's end, written as it happens. */
interface LayerLine { type: "layer"; id: string; layer: Layer; status: LayerStatus; error?: string }

/** Statuses that end a layer's part in a run. */
const FINAL: ReadonlySet<string> = new Set<LayerStatus>(["succeeded", "unchanged", "failed", "skipped", "cancelled"]);

/** True for a pipeline state that ends a layer's part in a run (not queued, running or retrying). */
export function endsLayer(status: string): status is LayerStatus {
    return FINAL.has(status);
}
/** Statuses `--resume` runs again. */
const UNFINISHED: ReadonlySet<string> = new Set<LayerStatus>(["failed", "skipped", "cancelled"]);

export function runsFile(stateDir: string, env: string): string {
    return statePaths(stateDir).runsFile(env);
}

const firstLine = (error: string): string => error.split("\n")[0].slice(0, 300);

/** The record of a run summary; layers change detection skipped keep the pipeline's status "unchanged". */
export function toRunRecord(summary: RunSummary, at: Date = new Date(), id?: string): RunRecord {
    return {
        ...(id ? { id } : {}),
        at: at.toISOString(),
        env: summary.env,
        operation: summary.operation,
        engine: summary.engine,
        outcomes: summary.outcomes.map((o) => ({ layer: o.layer, status: o.status, ...(o.error ? { error: firstLine(o.error) } : {}) })),
        policyMandatory: summary.outcomes.reduce((n, o) => n + (o.result?.policy ?? []).filter((v) => v.enforcement === "mandatory").length, 0),
        interrupted: summary.interrupted,
    };
}

/** A run being recorded as it goes: start line now, a line per finished layer, the full record at the end. */
export interface RunJournal {
    readonly id: string;
    layerEnded(layer: Layer, status: LayerStatus, error?: string): void;
    finish(summary: RunSummary): RunRecord;
}

/** Starts the record of a run over `layers`, before the first one runs. */
export function startRun(stateDir: string, run: { env: string; operation: Operation; engine: string; layers: readonly Layer[] }): RunJournal {
    const at = new Date();
    const id = `${at.toISOString().replace(/[-:.TZ]/g, "").slice(0, 14)}-${process.pid}`;
    const file = runsFile(stateDir, run.env);
    const start: StartLine = { type: "start", id, at: at.toISOString(), env: run.env, operation: run.operation, engine: run.engine, layers: [...run.layers], pid: process.pid, hostname: os.hostname() };
    appendLine(file, JSON.stringify(start));
    return {
        id,
        layerEnded(layer, status, error) {
            if (!endsLayer(status)) return;
            const line: LayerLine = { type: "layer", id, layer, status, ...(error ? { error: firstLine(error) } : {}) };
            appendLine(file, JSON.stringify(line));
        },
        finish(summary) {
            const record = toRunRecord(summary, new Date(), id);
            appendLine(file, JSON.stringify(record));
            return record;
        },
    };
}

/** Appends a finished run's full record at once (runs that kept no journal). */
export function recordRun(stateDir: string, summary: RunSummary): RunRecord {
    const record = toRunRecord(summary);
    appendLine(runsFile(stateDir, summary.env), JSON.stringify(record));
    return record;
}

/** Every run of `env`, oldest first; a run with a start line and no final record reads as interrupted. */
export function listRuns(stateDir: string, env: string): RunRecord[] {
    const file = runsFile(stateDir, env);
    if (!fs.existsSync(file)) return [];
    const runs: RunRecord[] = [];
    const open = new Map<string, { start: StartLine; record: RunRecord }>();
    for (const text of fs.readFileSync(file, "utf8").split("\n")) {
        if (!text.trim()) continue;
        let line: StartLine | LayerLine | RunRecord;
        // A line torn by a kill mid-append is skipped; the run it belonged to reads as interrupted.
        try { line = JSON.parse(text); } catch { continue; }
        if ("type" in line && line.type === "start") {
            const record: RunRecord = {
                id: line.id, at: line.at, env: line.env, operation: line.operation, engine: line.engine,
                outcomes: line.layers.map((layer) => ({ layer, status: "cancelled" as LayerStatus })),
                policyMandatory: 0, interrupted: true,
            };
            open.set(line.id, { start: line, record });
            runs.push(record);
        } else if ("type" in line && line.type === "layer") {
            const outcome = open.get(line.id)?.record.outcomes.find((o) => o.layer === line.layer);
            if (outcome) Object.assign(outcome, { status: line.status }, line.error ? { error: line.error } : {});
        } else if (!("type" in line)) {
            const started = line.id ? open.get(line.id) : undefined;
            if (started) {
                Object.assign(started.record, line);
                open.delete(line.id!);
            } else {
                runs.push(line);
            }
        }
    }
    for (const { start, record } of open.values()) {
        record.running = start.pid !== process.pid && runningHere(start.pid, start.hostname);
    }
    return runs;
}

/** The most recent run of `env`, optionally only of the given operations. */
export function lastRun(stateDir: string, env: string, operations?: readonly Operation[]): RunRecord | undefined {
    return listRuns(stateDir, env).reverse().find((r) => !operations || operations.includes(r.operation));
}

/** Why a run is not a clean one to promote from, or undefined when it is. */
export function runProblem(run: RunRecord): string | undefined {
    const bad = run.outcomes.filter((o) => UNFINISHED.has(o.status));
    if (run.running) return `its ${run.operation} started at ${run.at} is still running`;
    if (run.interrupted) return `its last ${run.operation} (${run.at}) was interrupted`;
    if (bad.length > 0) return `its last ${run.operation} (${run.at}) did not finish: ${bad.map((o) => `${o.layer} ${o.status}`).join(", ")}`;
    if (run.policyMandatory > 0) return `its last ${run.operation} (${run.at}) had ${run.policyMandatory} mandatory policy violation(s)`;
    return undefined;
}

/**
 * The layers `infra up --resume` runs: those whose last status was not succeeded or unchanged,
 * also in a run that was killed before it could write its final record.
 * Throws InputError when there is no last run or it fully succeeded.
 */
export function resumeSelection(run: RunRecord | undefined, env?: string): Layer[] {
    if (!run) throw new InputError(`nothing to resume${env ? ` for ${env}` : ""}: no recorded run; run \`infra up --env ${env ?? "<env>"}\` instead`);
    const left = run.outcomes.filter((o) => UNFINISHED.has(o.status)).map((o) => o.layer);
    if (left.length === 0) {
        throw new InputError(`nothing to resume for ${run.env}: its last ${run.operation} (${run.at}) finished every selected layer; run \`infra up --env ${run.env}\` instead`);
    }
    return left;
}

/**
 * The layers the last `up` of `env` may have left half applied: those it had not finished when
 * its process died (killed before writing its final record). Their stored fingerprints predate
 * whatever the killed apply changed, so change detection must not trust them.
 */
export function layersKilledMidRun(stateDir: string, env: string): Set<Layer> {
    const run = lastRun(stateDir, env, ["up"]);
    if (!run || run.running !== false) return new Set();
    return new Set(run.outcomes.filter((o) => o.status === "cancelled").map((o) => o.layer));
}

/**
 * For each layer, its status in the latest `up` that ran it after `since` (an ISO time), runs
 * killed part-way included: what the environment has applied since a release was written.
 */
export function layersAppliedSince(stateDir: string, env: string, since: string): Map<Layer, LayerStatus> {
    const latest = new Map<Layer, LayerStatus>();
    for (const run of listRuns(stateDir, env)) {
        if (run.operation !== "up" || run.at < since) continue;
        for (const o of run.outcomes) if (o.status !== "not-selected") latest.set(o.layer, o.status);
    }
    return latest;
}

/** Layer statuses that say a layer took part in a run (not-selected layers keep their older mark). */
const MARKED: ReadonlySet<string> = new Set<LayerStatus>(["succeeded", "unchanged", "failed", "skipped", "cancelled"]);

/**
 * Keeps a finished run with the state: each layer it ran gets its mark (status, mandatory
 * violations) in the engine's store, so another machine's promotion gate sees it. Returns the
 * layers it could not mark, with why; a layer that never ran (skipped, cancelled) may have no
 * stack to mark yet, and is not reported.
 */
export async function markRun(store: RunMarkStore, record: RunRecord, summary: RunSummary): Promise<string[]> {
    const unmarked: string[] = [];
    for (const o of summary.outcomes) {
        if (!MARKED.has(o.status)) continue;
        const mandatory = (o.result?.policy ?? []).filter((v) => v.enforcement === "mandatory").length;
        try {
            await store.write(summary.env, o.layer, { id: record.id ?? "", at: record.at, operation: summary.operation, status: o.status, mandatory });
        } catch (err) {
            if (o.status !== "skipped" && o.status !== "cancelled") unmarked.push(`${o.layer} (${String((err as Error)?.message ?? err).split("\n")[0]})`);
        }
    }
    return unmarked;
}

/**
 * The run the marks kept with the state make up for `env`: each layer as its last marked run left
 * it (a layer never marked reads as not selected, as in a run of some layers); undefined when no
 * layer has a mark. Its time is the newest mark's.
 */
export async function markedRun(store: RunMarkStore, env: string, engine: string, layers: readonly Layer[] = LAYERS): Promise<RunRecord | undefined> {
    const marks = new Map<Layer, RunMark>();
    for (const layer of layers) {
        const mark = await store.read(env, layer);
        if (mark) marks.set(layer, mark);
    }
    if (marks.size === 0) return undefined;
    const newest = [...marks.values()].sort((a, b) => b.at.localeCompare(a.at))[0];
    return {
        id: newest.id || undefined,
        at: newest.at,
        env,
        operation: newest.operation,
        engine,
        outcomes: layers.map((layer) => ({ layer, status: (marks.get(layer)?.status ?? "not-selected") as LayerStatus })),
        policyMandatory: [...marks.values()].reduce((n, m) => n + m.mandatory, 0),
        interrupted: false,
    };
}

/** Of two records of the same environment, the one that started last (either may be missing). */
export function newerRun(a: RunRecord | undefined, b: RunRecord | undefined): RunRecord | undefined {
    if (!a || !b) return a ?? b;
    return b.at > a.at ? b : a;
}
