/** Types of exit-with-parent.js (plain JavaScript so the policy pack can preload it; see there). */

/** The variable a parent sets to its pid in a child's environment to have the child watch it. */
export declare const PARENT_PID_VARIABLE: string;

/** Node arguments (`--require` of this file) and environment that make a child end with this process. */
export declare function exitWithParent(): { execArgv: string[]; env: Record<string, string> };

/** Exits this process once the parent it has now is gone (re-parenting); call it before anything slow loads. */
export declare function exitWhenOrphaned(): void;

/** The parts of a process the watch reads: tests pass a fake. */
export interface WatchedProcess {
    readonly ppid: number;
    readonly channel?: unknown;
    on(event: "disconnect", listener: () => void): unknown;
    removeListener(event: "disconnect", listener: () => void): unknown;
}

export interface WatchParentOptions {
    parentPid: number;
    onGone: (why: string) => void;
    /** How often the parent pid is checked; default 250 ms. */
    intervalMs?: number;
    /** Default the current process. */
    process?: WatchedProcess;
}

/** Calls `onGone` once when the parent dies (re-parenting) or the IPC channel closes; returns the stop function. */
export declare function watchParent(options: WatchParentOptions): () => void;
