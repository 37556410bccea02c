/**
 * A workload's service level objectives where the environment schema and the components both
 * need them: the defaults (the platform's 99.9% target), and the canary gate they imply. The
 * SLO alerts and dashboard (components/monitoring/slo.ts) measure against the objectives; the
 * canary analysis (components/workload/rollout.ts) must not promote a revision that misses them.
 *
 * The gate rule: a canary threshold may be as tight as the SLO or tighter, never looser. A
 * revision that meets a looser gate can still miss the objective once it takes all traffic, and
 * then the SLO's own alerts fire for a revision the canary let through, with nothing left to roll
 * back automatically. Tighter is allowed (prod gates its app's p99 at 300 ms against a 1000 ms
 * bound): it can only abort more often, and a false abort costs a retry, not the error budget.
 * Equal is the default: a revision exactly at the objective spends its budget at 1x, which the
 * objective itself allows.
 */

/** The objectives a workload gets when its file leaves one out. */
export const SLO_DEFAULTS = { availability: 0.999, errorRate: 0.001, latencyP99Ms: 1000 } as const;

/** The two objectives a canary analysis protects. */
export interface CanaryObjectives {
    /** Share of requests answered without a server fault, e.g. 0.999. */
    readonly availability: number;
    /** p99 request latency bound in milliseconds, e.g. 1000. */
    readonly latencyP99Ms: number;
}

/** The thresholds of a canary analysis. */
export interface CanaryGate {
    /** The canary's success rate must stay at or above this. */
    readonly successRate: number;
    /** The canary's p99 latency must stay below this, in milliseconds. */
    readonly maxP99LatencyMs: number;
}

/** The gate of a workload: each threshold its override, else the objective it protects. */
export function canaryGate(slo: CanaryObjectives, override: Partial<CanaryGate> = {}): CanaryGate {
    return {
        successRate: override.successRate ?? slo.availability,
        maxP99LatencyMs: override.maxP99LatencyMs ?? slo.latencyP99Ms,
    };
}

/**
 * Each explicit threshold of `gate` that is looser than the objective it protects, with why and
 * the fix (worded to follow the field and its value); `sloAt` is where the objectives are set,
 * e.g. "apps.workloads.0.slo". Empty when the gate is as tight as the SLO or tighter.
 */
export function looserThanSlo(gate: Partial<CanaryGate>, slo: CanaryObjectives, sloAt: string): Array<{ field: keyof CanaryGate; problem: string }> {
    const out: Array<{ field: keyof CanaryGate; problem: string }> = [];
    if (gate.successRate !== undefined && gate.successRate < slo.availability) {
        out.push({ field: "successRate", problem: `is below ${sloAt}.availability ${slo.availability}, so the canary could promote a revision that misses the objective it protects; raise it to at least ${slo.availability}, or leave it out to gate on the objective itself` });
    }
    if (gate.maxP99LatencyMs !== undefined && gate.maxP99LatencyMs > slo.latencyP99Ms) {
        out.push({ field: "maxP99LatencyMs", problem: `is above ${sloAt}.latencyP99Ms ${slo.latencyP99Ms}, so the canary could promote a revision slower than the bound it protects; lower it to at most ${slo.latencyP99Ms}, or leave it out to gate on the bound itself` });
    }
    return out;
}
