/** Stopping a child process of ours: the one way the layer workers and the policy pack are ended. */
import type { ChildProcess } from "child_process";

/** How long a child told to stop (SIGTERM) may take before it is killed. */
export const STOP_GRACE_MS = 3_000;

/**
 * SIGTERM, which a child of ours ends on at once while loading and, once loaded, after writing
 * its compile cache (processes/compile-cache.js); SIGKILL after `graceMs` for one that does not,
 * e.g. stuck in a program's endless loop. Resolves when it has exited; at once if it already had.
 */
export function stopChild(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
    return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
            clearTimeout(kill);
            resolve();
        });
        child.kill("SIGTERM");
    });
}
