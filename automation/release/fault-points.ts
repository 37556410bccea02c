/**
 * Named points in the release write path where a crash-safety check can hold the process
 * still (INFRA_RELEASE_PAUSE_AT=<point>), so it can be killed exactly there and the files
 * inspected. Unset, these are no-ops.
 */
import * as fs from "fs";

export type FaultPoint = "after-pending-record" | "after-temp-file" | "after-pins-written";

/** Blocks the process at `point` when INFRA_RELEASE_PAUSE_AT names it, after announcing it on stderr. */
export function pauseAt(point: FaultPoint): void {
    if (process.env.INFRA_RELEASE_PAUSE_AT !== point) return;
    fs.writeSync(2, `paused at ${point}\n`);
    // Synchronous on purpose: the point sits between two synchronous file operations.
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (;;) Atomics.wait(cell, 0, 0, 60_000);
}
