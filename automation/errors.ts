/**
 * Errors the orchestrator raises, each mapped to one exit code in one place (cli/main.ts).
 * Exit codes: 0 ok, 1 operation failed or mandatory policy violation, 2 bad input,
 * 3 changes/drift found where none were expected, 130 interrupted.
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, drift: 3, interrupted: 130 } as const;

/** Bad user input (arguments, environment files): one line, names the thing and the fix. */
export class InputError extends Error {
    readonly exitCode = EXIT.badInput;
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

/** A failure worth retrying with backoff: throttling, network resets, lock contention. */
export class TransientError extends Error {
    constructor(message: string, readonly cause?: unknown) {
        super(message);
        this.name = "TransientError";
    }
}

/** Another run holds the environment lock. */
export class LockHeldError extends Error {
    readonly exitCode = EXIT.failed;
    constructor(message: string) {
        super(message);
        this.name = "LockHeldError";
    }
}

/** The run was interrupted (Ctrl-C / AbortSignal). */
export class InterruptedError extends Error {
    readonly exitCode = EXIT.interrupted;
    constructor(message = "interrupted") {
        super(message);
        this.name = "InterruptedError";
    }
}

/** Changes or drift were found where none were expected. */
export class DriftError extends Error {
    readonly exitCode = EXIT.drift;
    constructor(message: string) {
        super(message);
        this.name = "DriftError";
    }
}
