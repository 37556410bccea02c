/**
 * Ctrl-C or SIGTERM during a run: the first one asks in-flight layers to stop and lets the pipeline
 * finish its summary (and release the environment lock); the second exits at once, for when an
 * engine does not stop. SIGTERM is what a CI runner, `timeout`, systemd or `kill` sends, and is
 * treated exactly like Ctrl-C so those get the same summary and exit code (8).
 */
import { EXIT, InterruptedError } from "../../common/errors";

export const INTERRUPTING_MESSAGE = "Interrupting: waiting for in-flight layers to stop (press Ctrl-C again to force exit)";
export const STOP_AFTER_RUN_MESSAGE = "Stopping: the run that finished keeps its result; nothing more will start (press Ctrl-C again to force exit)";
export const FORCED_EXIT_MESSAGE =
    "Forced exit: layers that were running may be left mid-update. Before the next run, check them with " +
    "`infra refresh`; a Pulumi stack left locked needs `pulumi cancel -s <env>-<layer>`.";

/** The signals that stop a run. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/**
 * Signals closer together than this are one request to stop. One Ctrl-C under `npx infra` arrives
 * twice: from the terminal (to the whole process group) and again from npm, which forwards every
 * SIGINT it gets to its child; without this the pair would force an exit at once.
 */
export const SAME_REQUEST_MS = 300;

export interface SignalOptions {
    /** Where the messages go; default process.stderr. */
    stream?: NodeJS.WritableStream;
    /** Default process.exit. */
    exit?: (code: number) => void;
    /** Default process (tests pass an EventEmitter). */
    target?: NodeJS.EventEmitter;
    /** Default Date.now (tests pass a clock). */
    now?: () => number;
    /** What the first stop request prints; default INTERRUPTING_MESSAGE (a run of layers). */
    interrupting?: string;
}

/**
 * A stop request that came after a run's pipeline had finished, while the process was closing its
 * engine and printing (or between two phases, like `up`'s preview and apply). It does not undo a
 * finished run; the next run installed starts out stopped, so the request is never lost either.
 */
let pendingStop: NodeJS.Signals | undefined;
let finishing: { target: NodeJS.EventEmitter; listener: (signal: NodeJS.Signals) => void } | undefined;

function stopFinishing(): void {
    if (!finishing) return;
    for (const signal of STOP_SIGNALS) finishing.target.removeListener(signal, finishing.listener);
    finishing = undefined;
}

const reasonOf = (signal: NodeJS.Signals | undefined) => new InterruptedError(`interrupted by ${signal === "SIGTERM" ? "SIGTERM" : "Ctrl-C"}`);

/**
 * Installs SIGINT and SIGTERM handling for one run and returns the disposer that removes it.
 * Installing a handler also stops Node's default exit on these signals, which is what lets the
 * first one be graceful. After the disposer, until the next run installs its own, a first stop
 * signal is held for the next run rather than killing the process (which would turn a run that
 * succeeded into one killed by a signal); a second one still exits at once.
 */
export function installSignalHandlers(controller: AbortController, opts: SignalOptions = {}): () => void {
    const stream = opts.stream ?? process.stderr;
    const exit = opts.exit ?? ((code: number) => process.exit(code));
    const target = opts.target ?? process;
    const now = opts.now ?? Date.now;
    stopFinishing();
    let count = 0;
    let last = -Infinity;
    /** True when this signal is a new request, not the second delivery of the last one. */
    const fresh = () => {
        const at = now();
        if (at - last < SAME_REQUEST_MS) return false;
        last = at;
        count++;
        return true;
    };
    const force = () => {
        stream.write(`\n${FORCED_EXIT_MESSAGE}\n`);
        exit(EXIT.interrupted);
    };
    const onSignal = (signal: NodeJS.Signals) => {
        if (!fresh()) return;
        if (count > 1) return force();
        stream.write(`\n${opts.interrupting ?? INTERRUPTING_MESSAGE}\n`);
        controller.abort(reasonOf(signal));
    };
    if (pendingStop !== undefined) {
        // Asked to stop before this run began: it begins stopped.
        count = 1;
        controller.abort(reasonOf(pendingStop));
        pendingStop = undefined;
    }
    for (const signal of STOP_SIGNALS) target.on(signal, onSignal);
    return () => {
        for (const signal of STOP_SIGNALS) target.removeListener(signal, onSignal);
        stopFinishing();
        const listener = (signal: NodeJS.Signals) => {
            if (!fresh()) return;
            if (count > 1 || pendingStop !== undefined) return force();
            pendingStop = signal ?? "SIGINT";
            stream.write(`\n${STOP_AFTER_RUN_MESSAGE}\n`);
        };
        finishing = { target, listener };
        for (const signal of STOP_SIGNALS) target.on(signal, listener);
    };
}
