/**
 * A record of each orchestrated run per environment, `.infra/runs/<env>.jsonl` under the
 * project: what ran, how each layer ended and how many mandatory policy violations it had.
 * Promotion reads it (promote only what last ran clean) and `infra up --resume` reads it
 * (run only what did not finish).
 */
import * as fs from "fs";
import * as path from "path";
import type { Operation } from "../engine";
import { InputError } from "../../common/errors";
import type { LayerStatus, RunSummary } from "../pipeline/runner";
import type { Layer } from "../../stacks/graph";


export interface RunRecord {
    at: string;
    env: string;
    operation: Operation;
    engine: string;
    outcomes: { layer: Layer; status: LayerStatus; error?: string }[];
    /** Mandatory policy violations over all layers of the run. */
    policyMandatory: number;
    interrupted: boolean;
}

export function runsFile(projectDir: string, env: string): string {
    return path.join(projectDir, ".infra", "runs", `${env}.jsonl`);
}

/** The record of a run summary; layers change detection skipped keep the pipeline's status "unchanged". */
export function toRunRecord(summary: RunSummary, at: Date = new Date()): RunRecord {
    return {
        at: at.toISOString(),
        env: summary.env,
        operation: summary.operation,
        engine: summary.engine,
        outcomes: summary.outcomes.map((o) => ({
            layer: o.layer,
            status: o.status,
            ...(o.error ? { error: o.error.split("\n")[0].slice(0, 300) } : {}),
        })),
        policyMandatory: summary.outcomes.reduce((n, o) => n + (o.result?.policy ?? []).filter((v) => v.enforcement === "mandatory").length, 0),
        interrupted: summary.interrupted,
    };
}

/** Appends the run to `.infra/runs/<env>.jsonl` (O_APPEND, fsync) and returns the record. */
export function recordRun(projectDir: string, summary: RunSummary): RunRecord {
    const record = toRunRecord(summary);
    const file = runsFile(projectDir, summary.env);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, "a", 0o600);
    try {
        fs.writeSync(fd, `${JSON.stringify(record)}\n`);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    return record;
}

/** The most recent run of `env`, optionally only of the given operations. */
export function lastRun(projectDir: string, env: string, operations?: readonly Operation[]): RunRecord | undefined {
    const file = runsFile(projectDir, env);
    if (!fs.existsSync(file)) return undefined;
    const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
        let rec: RunRecord;
        try { rec = JSON.parse(lines[i]); } catch { continue; }
        if (!operations || operations.includes(rec.operation)) return rec;
    }
    return undefined;
}

/** Why a run is not a clean one to promote from, or undefined when it is. */
export function runProblem(run: RunRecord): string | undefined {
    const bad = run.outcomes.filter((o) => ["failed", "skipped", "cancelled"].includes(o.status));
    if (run.interrupted) return `its last ${run.operation} (${run.at}) was interrupted`;
    if (bad.length > 0) return `its last ${run.operation} (${run.at}) did not finish: ${bad.map((o) => `${o.layer} ${o.status}`).join(", ")}`;
    if (run.policyMandatory > 0) return `its last ${run.operation} (${run.at}) had ${run.policyMandatory} mandatory policy violation(s)`;
    return undefined;
}

/**
 * The layers `infra up --resume` runs: those whose last status was not succeeded or unchanged.
 * Throws InputError when there is no last run or it fully succeeded.
 */
export function resumeSelection(run: RunRecord | undefined, env?: string): Layer[] {
    if (!run) throw new InputError(`nothing to resume${env ? ` for ${env}` : ""}: no recorded run; run \`infra up --env ${env ?? "<env>"}\` instead`);
    const left = run.outcomes.filter((o) => ["failed", "skipped", "cancelled"].includes(o.status)).map((o) => o.layer);
    if (left.length === 0) {
        throw new InputError(`nothing to resume for ${run.env}: its last ${run.operation} (${run.at}) finished every selected layer; run \`infra up --env ${run.env}\` instead`);
    }
    return left;
}
