/**
 * Retry timing: exponential backoff with jitter, and a sleep that wakes on abort.
 */
import { InputError } from "../../common/errors";

export interface RetryPolicy {
    /** Total attempts, the first included (1 means no retry). */
    attempts: number;
    baseDelayMs: number;
    /** Cap on one delay; default 30 s so a long outage does not stall a run for minutes per layer. */
    maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 3, baseDelayMs: 2000, maxDelayMs: 30_000 };

/**
 * Delay before the retry that follows failed attempt number `failed` (1-based): base * 2^(failed-1),
 * capped, then scaled by a random factor in [0.5, 1) so parallel layers hitting the same throttle
 * do not retry in lockstep.
 */
export function backoffDelay(failed: number, policy: RetryPolicy, random: () => number = Math.random): number {
    const cap = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
    const exp = Math.min(cap, policy.baseDelayMs * 2 ** Math.max(0, failed - 1));
    return Math.round(exp * (0.5 + random() / 2));
}

/** Resolves after `ms`, or at once when `signal` aborts (resolves, never rejects: the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
    });
}

/** Checks a retry policy; throws with the bad field and the fix. */
export function validateRetry(policy: RetryPolicy): void {
    if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
        throw new InputError(`retry.attempts must be an integer >= 1, got ${policy.attempts}`);
    }
    if (!(policy.baseDelayMs >= 0)) throw new InputError(`retry.baseDelayMs must be >= 0, got ${policy.baseDelayMs}`);
    if (policy.maxDelayMs !== undefined && !(policy.maxDelayMs >= 0)) {
        throw new InputError(`retry.maxDelayMs must be >= 0, got ${policy.maxDelayMs}`);
    }
}
