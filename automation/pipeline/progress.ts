/**
 * What people watch during a run: on a terminal, one live line per layer redrawn in place at most
 * ~10 times a second; elsewhere (CI logs), one plain line per layer state change. Engine log lines
 * never reach the screen (they go to the per-layer log files), so parallel layers cannot interleave.
 */
import logUpdate = require("log-update");
import type { Layer } from "../../stacks/graph";
import type { LayerOutcome, PipelineEvent, RunSummary } from "./runner";

export interface ProgressOptions {
    /** Selected layers in run order: one row each. */
    layers: readonly Layer[];
    /** Default process.stdout. */
    stream?: NodeJS.WritableStream & { isTTY?: boolean };
    /** Live view or plain lines; default: whether the stream is a TTY. */
    tty?: boolean;
    /** Minimum time between redraws; default 100 ms. */
    intervalMs?: number;
    now?: () => number;
    /** Colour the state column (live view only); default off (the CLI turns it on, see colorWanted). */
    color?: boolean;
}

export interface Progress {
    onEvent(e: PipelineEvent): void;
    /** Draws the final frame and stops redrawing. */
    stop(): void;
}

/** One layer's row in the live view. */
export interface ProgressRow {
    layer: string;
    state: string;
    done: number;
    total?: number;
    attempts: number;
    startedAt?: number;
    endedAt?: number;
}

/** Creates the live or plain progress view for a run. */
export function createProgress(opts: ProgressOptions): Progress {
    const stream = opts.stream ?? process.stdout;
    const now = opts.now ?? Date.now;
    const tty = opts.tty ?? Boolean(stream.isTTY);
    const rows = new Map<string, ProgressRow>(opts.layers.map((l) => [l, { layer: l, state: "queued", done: 0, attempts: 0 }]));
    const update = (e: PipelineEvent): ProgressRow | undefined => {
        const row = rows.get(e.layer);
        if (!row) return undefined;
        if (e.kind === "progress") {
            row.done = e.done;
            row.total = e.total ?? row.total;
        } else if (e.kind === "layer-state") {
            row.state = e.status;
            if (e.status === "running") {
                row.startedAt ??= now();
                row.attempts = e.attempt ?? row.attempts + 1;
                row.done = 0;
            }
            if (isFinal(e.status)) row.endedAt = now();
        }
        return row;
    };

    if (!tty) {
        return {
            onEvent(e) {
                const row = update(e);
                // One write per line keeps lines whole even when layers change state together.
                if (row && e.kind === "layer-state" && e.status !== "queued") stream.write(plainLine(e, row, now()) + "\n");
            },
            stop() {},
        };
    }

    const color = opts.color ?? false;
    const draw = logUpdate.create(stream);
    // Stryker disable next-line BooleanLiteral: equivalent; onEvent sets dirty before it starts the timer and stop() renders regardless
    let dirty = true;
    let timer: NodeJS.Timeout | undefined;
    const render = () => {
        dirty = false;
        draw(renderRows([...rows.values()], now(), color));
    };
    return {
        onEvent(e) {
            if (!update(e)) return;
            dirty = true;
            // A fixed-rate tick bounds redraws regardless of how many events arrive; it also keeps
            // elapsed times moving while a layer is quiet.
            timer ??= setInterval(() => (dirty || anyRunning(rows) ? render() : undefined), opts.intervalMs ?? 100);
            // Stryker disable next-line OptionalChaining: equivalent; Node timers always have unref
            timer.unref?.();
        },
        stop() {
            if (timer) clearInterval(timer);
            timer = undefined;
            render();
            draw.done();
        },
    };
}

/** Colour on a terminal unless NO_COLOR (https://no-color.org) or FORCE_COLOR=0 says otherwise. */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
    return !env.NO_COLOR && env.FORCE_COLOR !== "0";
}

const STATE_COLOR: Record<string, number> = { succeeded: 32, unchanged: 32, failed: 31, running: 33, retrying: 33, skipped: 90, cancelled: 90, "not-selected": 90 };

function paint(text: string, state: string, color: boolean): string {
    const code = STATE_COLOR[state];
    return color && code ? `\x1b[${code}m${text}\x1b[39m` : text;
}

/**
 * The live frame: one aligned line per layer with state, resources, elapsed time and attempts,
 * then a totals line (layers finished, resources done of those planned so far).
 */
export function renderRows(rows: readonly ProgressRow[], now: number, color = false): string {
    const width = Math.max(5, ...rows.map((r) => r.layer.length));
    const lines = rows.map((r) => {
        const resources = r.total !== undefined ? `${r.done}/${r.total}` : r.done > 0 ? `${r.done}` : "";
        const elapsed = r.startedAt !== undefined ? formatDuration((r.endedAt ?? now) - r.startedAt) : "";
        const attempts = r.attempts > 1 ? `attempt ${r.attempts}` : "";
        return [`${symbol(r.state)} ${r.layer.padEnd(width)}`, paint(r.state.padEnd(12), r.state, color), resources.padStart(9), elapsed.padStart(7), attempts]
            .join("  ")
            .trimEnd();
    });
    const finished = rows.filter((r) => isFinal(r.state)).length;
    const done = rows.reduce((n, r) => n + r.done, 0);
    const planned = rows.reduce((n, r) => n + (r.total ?? r.done), 0);
    const started = rows.map((r) => r.startedAt).filter((t): t is number => t !== undefined);
    const elapsed = started.length ? formatDuration(now - Math.min(...started)) : "";
    lines.push([`  ${"total".padEnd(width)}`, `${finished}/${rows.length} layers`.padEnd(12), (planned ? `${done}/${planned}` : "").padStart(9), elapsed.padStart(7)].join("  ").trimEnd());
    return lines.join("\n");
}

function plainLine(e: Extract<PipelineEvent, { kind: "layer-state" }>, row: ProgressRow, now: number): string {
    const elapsed = row.startedAt !== undefined && isFinal(e.status) ? ` after ${formatDuration(now - row.startedAt)}` : "";
    const attempt = e.attempt !== undefined && e.attempt > 1 ? ` (attempt ${e.attempt})` : "";
    const error = e.error ? `: ${firstLine(e.error)}` : "";
    return `${new Date(now).toISOString()} ${e.layer} ${e.status}${attempt}${elapsed}${error}`;
}

function isFinal(status: string): boolean {
    return ["succeeded", "unchanged", "failed", "skipped", "cancelled", "not-selected"].includes(status);
}

function anyRunning(rows: Map<string, ProgressRow>): boolean {
    return [...rows.values()].some((r) => r.state === "running" || r.state === "retrying");
}

function symbol(state: string): string {
    const symbols: Record<string, string> = { queued: "·", running: "▶", retrying: "↻", succeeded: "✔", failed: "✖", skipped: "–", cancelled: "■" };
    return symbols[state] ?? " ";
}

/** "850ms", "12.3s", "4m05s". */
export function formatDuration(ms: number): string {
    if (ms < 1000) return `${Math.round(ms)}ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** The first line of a message, shortened to fit a table cell. */
export function firstLine(message: string, max = 100): string {
    const line = message.split("\n")[0].trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * The end-of-run table for people: layer, status, attempts, duration, resources and changes,
 * then the first error, what a skipped layer waited on, and the log of each failed layer.
 */
export function renderSummary(summary: RunSummary): string {
    const header = ["LAYER", "STATUS", "ATTEMPTS", "DURATION", "RESOURCES", "CHANGES", "NOTE"];
    const body = summary.outcomes.map((o) => [
        o.layer,
        o.status,
        o.status === "not-selected" ? "" : String(o.attempts),
        o.durationMs !== undefined ? formatDuration(o.durationMs) : "",
        o.result ? String(o.result.resources.length) : "",
        o.result ? formatChanges(o.result.changes) : "",
        note(o),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    const counts = new Map<string, number>();
    for (const o of summary.outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
    const tally = [...counts].filter(([s]) => s !== "not-selected").map(([s, n]) => `${n} ${s}`).join(", ");
    const out = [
        `${summary.env}: ${summary.operation} with the ${summary.engine} engine, ${tally} in ${formatDuration(summary.durationMs)}`,
        line(header),
        ...body.map(line),
    ];
    const logs = summary.outcomes.filter((o) => o.status === "failed" && o.logFile);
    if (logs.length > 0) out.push("", "Full logs of failed layers:", ...logs.map((o) => `  ${o.layer}: ${o.logFile}`));
    if (summary.interrupted) out.push("", "Interrupted: layers marked cancelled were stopped or never started; run the command again to finish.");
    return out.join("\n");
}

function note(o: LayerOutcome): string {
    if (o.status === "skipped" && o.skippedBecause) return `skipped because ${o.skippedBecause} failed`;
    if ((o.status === "failed" || o.status === "cancelled") && o.error) return firstLine(o.error, 80);
    return "";
}

function formatChanges(c: { create: number; update: number; replace: number; delete: number }): string {
    const parts = [c.create && `+${c.create}`, c.update && `~${c.update}`, c.replace && `±${c.replace}`, c.delete && `-${c.delete}`].filter(Boolean);
    return parts.length > 0 ? parts.join(" ") : "none";
}
