/** File writes shared across the orchestrator. */
import * as fs from "fs";
import * as path from "path";

/** Writes a file through a temporary name in the same folder, so a failure never leaves half a file. */
export function writeAtomically(file: string, text: string, mode?: number): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
    fs.renameSync(tmp, file);
}

/**
 * Appends one line (O_APPEND) and fsyncs it, never touching earlier lines: the write path of every
 * append-only record (run records, release history). A crash mid-append tears at most this line.
 */
export function appendLine(file: string, line: string, mode = 0o600): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const fd = fs.openSync(file, "a", mode);
    try {
        fs.writeSync(fd, line.endsWith("\n") ? line : `${line}\n`);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
}
