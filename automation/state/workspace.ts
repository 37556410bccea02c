/**
 * The run-state folder: the one owner of every path under `.infra/` (locks, logs, run records,
 * fingerprints, the offline engine's applied state, engine scratch files). Nothing else joins
 * ".infra" by hand. `INFRA_STATE_DIR` moves the whole folder, so a CI job, a second checkout or a
 * test can keep its runs apart from the project's own.
 */
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/settings";

export interface StatePaths {
    /** The folder itself. */
    readonly root: string;
    /** Environment locks: `<locks>/<env>.lock`. */
    readonly locks: string;
    /** Pipeline logs per layer; engine logs go one level down so the two never share a file. */
    readonly logs: string;
    readonly engineLogs: string;
    /** The offline engine's applied state, one file per stack. */
    readonly offline: string;
    /** Run records: `<runs>/<env>.jsonl`. */
    runsFile(env: string): string;
    /** Local fingerprint of one stack (the offline engine's store, and the fallback). */
    fingerprintFile(stack: string): string;
}

/** The run-state folder in force: INFRA_STATE_DIR, else `.infra/` in the project (read at each call). */
export function stateRoot(): string {
    const override = process.env.INFRA_STATE_DIR;
    return override ? path.resolve(override) : path.join(PROJECT_DIR, ".infra");
}

/** The paths under a run-state folder; default the one in force. */
export function statePaths(root: string = stateRoot()): StatePaths {
    const logs = path.join(root, "logs");
    return {
        root,
        locks: path.join(root, "locks"),
        logs,
        engineLogs: path.join(logs, "engine"),
        offline: path.join(root, "offline"),
        runsFile: (env) => path.join(root, "runs", `${env}.jsonl`),
        fingerprintFile: (stack) => path.join(root, "fingerprints", `${stack}.json`),
    };
}
