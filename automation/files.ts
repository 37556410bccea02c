/** File writes shared across the orchestrator. */
import * as fs from "fs";
import * as path from "path";
import { processAlive } from "./state/lock";

export interface WriteOptions {
    /** Permission bits of the file, applied whatever the umask and whatever the old file had. */
    mode?: number;
    /** Called with the temporary file complete, just before the rename (a crash-test fault point). */
    beforeRename?: () => void;
}

/** A temporary name's shape: `.<file>.<writer pid>.tmp`, hidden, and never matching `*.yaml` or `*.json`. */
const TEMP = /^\.(.+)\.(\d+)\.tmp$/;

/** The temporary name `writeAtomically` uses for `file` in this process. */
export function tempName(file: string, pid: number = process.pid): string {
    return path.join(path.dirname(file), `.${path.basename(file)}.${pid}.tmp`);
}

/**
 * Removes the temporary files a killed writer left in `dir` (those whose writer process is gone),
 * only those of `file` when it is given; a live writer's file is left alone. Returns the names removed.
 */
export function removeStaleTemps(dir: string, file?: string): string[] {
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return []; }
    const removed: string[] = [];
    for (const name of names) {
        const m = TEMP.exec(name);
        if (!m || (file !== undefined && m[1] !== file) || Number(m[2]) === process.pid || processAlive(Number(m[2]))) continue;
        fs.rmSync(path.join(dir, name), { force: true });
        removed.push(name);
    }
    return removed;
}

/**
 * Writes a file through a temporary name in the same folder (fsync, rename, fsync of the folder),
 * so a crash leaves the old file or the new one, never half of one. Temporary files a killed
 * writer of the same file left are removed first.
 */
export function writeAtomically(file: string, text: string, opts: number | WriteOptions = {}): void {
    const { mode, beforeRename } = typeof opts === "number" ? { mode: opts, beforeRename: undefined } : opts;
    const dir = path.dirname(path.resolve(file));
    fs.mkdirSync(dir, { recursive: true });
    // Only this file's: the folder may be anyone's (a report written into the working directory).
    removeStaleTemps(dir, path.basename(file));
    const tmp = tempName(path.resolve(file));
    const fd = fs.openSync(tmp, "w", mode ?? 0o666);
    try {
        // The umask narrows the mode at creation; fchmod sets exactly what was asked.
        if (mode !== undefined) fs.fchmodSync(fd, mode);
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
    } catch (err) {
        fs.closeSync(fd);
        fs.rmSync(tmp, { force: true });
        throw err;
    }
    fs.closeSync(fd);
    beforeRename?.();
    try {
        fs.renameSync(tmp, file);
    } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw err;
    }
    const dirFd = fs.openSync(dir, "r");
    try { fs.fsyncSync(dirFd); } catch { /* some file systems refuse fsync on directories */ } finally { fs.closeSync(dirFd); }
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
