/**
 * Named points in a run where a crash-safety check can hold the process still
 * (INFRA_PAUSE_AT=<point>), so it can be killed exactly there and the files and stacks
 * inspected: the release write path's steps, and each layer while it is being applied.
 * Unset, these are no-ops.
 */
import * as fs from "fs";
import type { Layer } from "../../stacks/graph";

export type FaultPoint =
    | "after-pending-record" | "after-temp-file" | "after-pins-written" | "after-applying-record"
    | `layer-running:${Layer}`;

/** Blocks the process at `point` when INFRA_PAUSE_AT names it, after announcing it on stderr. */
export function pauseAt(point: FaultPoint): void {
    if (process.env.INFRA_PAUSE_AT !== point) return;
    fs.writeSync(2, `paused at ${point}\n`);
    // Synchronous on purpose: the point sits between two synchronous file operations, and a
    // paused orchestrator must not go on reacting to its layers.
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (;;) Atomics.wait(cell, 0, 0, 60_000);
}
