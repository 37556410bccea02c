/**
 * What a Rollout's status says, as plain data: read by the component (from the provider's
 * wait) and by the orchestrator's rollout follower (from the Kubernetes API). Kept apart from
 * rollout.ts so that the CLI reads it without loading the Pulumi SDK.
 */

/** What `infra up` reports of a Rollout once Pulumi's wait ended (README "Progressive delivery"). */
export interface RolloutReport {
    /** Healthy, Degraded, Progressing, Paused; "" when nothing waited (the offline engine). */
    readonly phase: string;
    /** The controller's message, e.g. "RolloutAborted: metric \"success-rate\" assessed Failed ...". */
    readonly message: string;
    /** True when the controller aborted the update. */
    readonly aborted: boolean;
    /**
     * False when the status describes an earlier generation of the spec than the one applied:
     * the wait ended on the previous revision's phase before the controller saw the new one
     * (Argo Rollouts writes metadata.generation into status.observedGeneration once it has).
     */
    readonly current: boolean;
}

/** What a Rollout's status says of the applied spec (its metadata.generation). */
export function reportFromStatus(raw: unknown, generation: unknown): RolloutReport {
    const st = (raw && typeof raw === "object" ? raw : {}) as { phase?: unknown; message?: unknown; abort?: unknown; observedGeneration?: unknown };
    // Unknowable (no status yet, or no generation) counts as current: the phase says the rest.
    const current = st.observedGeneration === undefined || generation === undefined || String(st.observedGeneration) === String(generation);
    const message = typeof st.message === "string" ? st.message.split("\n")[0].slice(0, 300) : "";
    return {
        phase: typeof st.phase === "string" ? st.phase : "",
        message: current ? message : `status of generation ${String(st.observedGeneration)}, not the applied ${String(generation)}: the controller had not seen this revision when the wait ended`,
        aborted: st.abort === true,
        current,
    };
}
