/**
 * Errors the orchestrator raises, each mapped to one exit code in one place (cli/main.ts). The
 * codes are the Pulumi CLI's own table (since v3.226.1), so a script that runs both reads one set:
 * 0 ok, 1 generic failure, 2 bad input (configuration/validation), 3 authentication,
 * 4 resource/deployment error, 5 policy failure (a mandatory violation), 6 stack not found,
 * 7 changes or drift where none were expected, 8 cancelled (Ctrl-C, SIGTERM).
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, auth: 3, deployment: 4, policy: 5, stackNotFound: 6, drift: 7, interrupted: 8 } as const;

/** An error that carries the exit code the CLI ends with; each subclass is one row of the table. */
export class CodedError extends Error {
    constructor(message: string, readonly exitCode: (typeof EXIT)[keyof typeof EXIT], name: string) {
        super(message);
        this.name = name;
    }
}

/** Bad user input (arguments, environment files): one line, names the thing and the fix. */
export class InputError extends CodedError {
    constructor(message: string) { super(message, EXIT.badInput, "InputError"); }
}

/** A failure worth retrying with backoff: throttling, network resets, lock contention. */
export class TransientError extends Error {
    constructor(message: string, readonly cause?: unknown) {
        super(message);
        this.name = "TransientError";
    }
}

/** Another run holds the environment lock. */
export class LockHeldError extends CodedError {
    constructor(message: string) { super(message, EXIT.failed, "LockHeldError"); }
}

/** The run was interrupted (Ctrl-C / AbortSignal). */
export class InterruptedError extends CodedError {
    constructor(message = "interrupted") { super(message, EXIT.interrupted, "InterruptedError"); }
}

/** Cloud credentials are missing or expired. */
export class AuthError extends CodedError {
    constructor(message: string) { super(message, EXIT.auth, "AuthError"); }
}

/** A layer's update or a resource operation failed. */
export class DeploymentError extends CodedError {
    constructor(message: string) { super(message, EXIT.deployment, "DeploymentError"); }
}

/** A mandatory policy violation stopped the operation. */
export class PolicyError extends CodedError {
    constructor(message: string) { super(message, EXIT.policy, "PolicyError"); }
}

/** A stack the operation needs does not exist. */
export class StackMissingError extends CodedError {
    constructor(message: string) { super(message, EXIT.stackNotFound, "StackMissingError"); }
}

/** Changes or drift were found where none were expected. */
export class DriftError extends CodedError {
    constructor(message: string) { super(message, EXIT.drift, "DriftError"); }
}
