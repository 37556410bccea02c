/**
 * Ctrl-C during a run: the first one asks in-flight layers to stop and lets the pipeline finish
 * its summary; the second exits at once, for when an engine does not stop.
 */
import { EXIT, InterruptedError } from "../../common/errors";

export const INTERRUPTING_MESSAGE = "Interrupting: waiting for in-flight layers to stop (press Ctrl-C again to force exit)";
export const FORCED_EXIT_MESSAGE =
    "Forced exit: layers that were running may be left mid-update. Before the next run, check them with " +
    "`infra refresh`; a Pulumi stack left locked needs `pulumi cancel -s <env>-<layer>`.";

export interface SignalOptions {
    /** Where the messages go; default process.stderr. */
    stream?: NodeJS.WritableStream;
    /** Default process.exit. */
    exit?: (code: number) => void;
    /** Default process (tests pass an EventEmitter). */
    target?: NodeJS.EventEmitter;
}

/**
 * Installs SIGINT handling for one run and returns the disposer that removes it. Installing a
 * handler also stops Node's default exit on SIGINT, which is what lets the first Ctrl-C be graceful.
 */
export function installSignalHandlers(controller: AbortController, opts: SignalOptions = {}): () => void {
    const stream = opts.stream ?? process.stderr;
    const exit = opts.exit ?? ((code: number) => process.exit(code));
    const target = opts.target ?? process;
    let count = 0;
    const onSigint = () => {
        count++;
        if (count === 1) {
            stream.write(`\n${INTERRUPTING_MESSAGE}\n`);
            controller.abort(new InterruptedError("interrupted by Ctrl-C"));
            return;
        }
        stream.write(`\n${FORCED_EXIT_MESSAGE}\n`);
        exit(EXIT.interrupted);
    };
    target.on("SIGINT", onSigint);
    return () => {
        target.removeListener("SIGINT", onSigint);
    };
}
