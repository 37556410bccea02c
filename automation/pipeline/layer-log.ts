/**
 * The full log of one layer in one run (<logDir>/<env>-<layer>.log): every engine event and
 * every attempt, so a one-line error in the summary can point at the whole story.
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "../engine";
import type { Layer } from "../../stacks/graph";
import { stackName } from "../../stacks/names";

/** A per-layer log sink; the no-op form is used when the run has no log directory. */
export interface LayerLog {
    readonly file?: string;
    write(line: string): void;
    event(e: EngineEvent): void;
    close(): Promise<void>;
}

const NOOP: LayerLog = { write() {}, event() {}, close: async () => {} };

/** Opens (truncating) the log file for a layer, or a no-op sink when `logDir` is undefined. */
export function openLayerLog(logDir: string | undefined, env: string, layer: Layer): LayerLog {
    if (logDir === undefined) return NOOP;
    fs.mkdirSync(logDir, { recursive: true });
    const file = path.join(logDir, `${stackName(env, layer)}.log`);
    const stream = fs.createWriteStream(file, { flags: "w" });
    let closed = false;
    // A full disk must not fail the layer it is only describing; the error is kept for the close.
    let failure: Error | undefined;
    stream.on("error", (err) => (failure = err));
    const write = (line: string) => {
        if (!closed) stream.write(`${new Date().toISOString()} ${line}\n`);
    };
    return {
        file,
        write,
        event: (e) => write(formatEvent(e)),
        close: () =>
            new Promise<void>((resolve) => {
                if (closed) return resolve();
                closed = true;
                stream.end(() => resolve());
                if (failure) resolve();
            }),
    };
}

/** One log line for an engine event. */
export function formatEvent(e: EngineEvent): string {
    switch (e.kind) {
        case "started":
            return `started ${e.operation}`;
        case "progress":
            return `progress ${e.done}${e.total === undefined ? "" : `/${e.total}`}${e.resource ? ` ${e.resource}` : ""}`;
        case "policy":
            return `policy ${e.violation.enforcement} ${e.violation.rule}: ${e.violation.message}${e.violation.urn ? ` (${e.violation.urn})` : ""}`;
        case "log":
            return e.line;
    }
}
