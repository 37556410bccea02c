/**
 * One run per environment at a time: a lock file <dir>/<env>.lock created with O_EXCL, holding who
 * runs what. A lock left by a process that died on this host is stale and is cleared.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError, LockHeldError } from "../../common/errors";

/** What a lock file records about the run that holds it. */
export interface LockInfo {
    pid: number;
    hostname: string;
    user: string;
    command: string;
    startedAt: string;
    /** Unique per acquisition, so a reused pid never passes for the original holder. */
    token: string;
}

export interface LockHandle {
    readonly file: string;
    readonly info: LockInfo;
    /** The stale lock that was cleared to acquire this one, if any (for a warning to the user). */
    readonly staleCleared?: LockInfo;
    /** Removes the lock if it is still ours; throws LockHeldError if another run now holds it. */
    release(): void;
}

/**
 * Acquires the environment lock or throws LockHeldError naming the holder (pid, user, command, since).
 * `info.command` is what people will see; pid, host, user and time default to this process.
 */
export function acquireLock(dir: string, env: string, info: Partial<Omit<LockInfo, "token">> & { command: string }): LockHandle {
    if (!/^[A-Za-z0-9._-]+$/.test(env)) throw new InputError(`environment name "${env}" cannot name a lock file; use letters, digits, ".", "_" or "-"`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${env}.lock`);
    const mine: LockInfo = {
        pid: info.pid ?? process.pid,
        hostname: info.hostname ?? os.hostname(),
        user: info.user ?? currentUser(),
        command: info.command,
        startedAt: info.startedAt ?? new Date().toISOString(),
        token: randomUUID(),
    };
    let staleCleared: LockInfo | undefined;
    // Three tries: one may only remove an abandoned clearing guard, the next clears the stale lock,
    // and the last takes it or loses cleanly to a racing run.
    for (let round = 0; round < 3; round++) {
        if (createExclusive(file, mine)) {
            return { file, info: mine, staleCleared, release: () => release(file, mine) };
        }
        const holder = readLock(file);
        if (holder && isStale(holder)) {
            if (clearStale(file, holder)) staleCleared = holder;
            continue;
        }
        throw new LockHeldError(heldMessage(env, file, holder));
    }
    throw new LockHeldError(heldMessage(env, file, readLock(file)));
}

/** Reads a lock file; undefined when absent or not (yet) a complete lock record. */
export function readLock(file: string): LockInfo | undefined {
    try {
        const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LockInfo>;
        return typeof parsed.pid === "number" && typeof parsed.hostname === "string" ? (parsed as LockInfo) : undefined;
    } catch {
        return undefined;
    }
}

/** A lock is stale when its process is gone, which can only be known on the host that wrote it. */
export function isStale(holder: LockInfo, hostname = os.hostname()): boolean {
    return holder.hostname === hostname && !processAlive(holder.pid);
}

/**
 * True when a record written by process `pid` on `hostname` names a process still running here.
 * A record from another host is never known to be running (nor, for a lock, to be stale).
 */
export function runningHere(pid: number | undefined, hostname: string | undefined): boolean {
    return pid !== undefined && hostname === os.hostname() && processAlive(pid);
}

function createExclusive(file: string, info: LockInfo): boolean {
    let fd: number;
    try {
        fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw err;
    }
    try {
        fs.writeSync(fd, JSON.stringify(info, null, 2) + "\n");
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    return true;
}

/**
 * Removes a stale lock under a short-lived guard file, re-checking that the file still holds the
 * same stale record: without the guard, two runs could both see the stale lock and the slower
 * one would delete the lock the faster one had just taken.
 */
function clearStale(file: string, stale: LockInfo): boolean {
    const guard = `${file}.clearing`;
    let fd: number;
    try {
        fd = fs.openSync(guard, "wx");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") {
            // A guard left by a run that died mid-clear must not block the environment forever.
            if (Date.now() - fs.statSync(guard).mtimeMs > 10_000) fs.rmSync(guard, { force: true });
            return false;
        }
        throw err;
    }
    try {
        const current = readLock(file);
        if (current && current.token === stale.token && current.pid === stale.pid) {
            fs.rmSync(file, { force: true });
            return true;
        }
        return false;
    } finally {
        fs.closeSync(fd);
        fs.rmSync(guard, { force: true });
    }
}

function release(file: string, mine: LockInfo): void {
    if (!fs.existsSync(file)) return;
    const current = readLock(file);
    if (!current || current.token !== mine.token) {
        throw new LockHeldError(`not releasing ${file}: it is held by ${describeHolder(current)}, not by this run`);
    }
    fs.rmSync(file);
}

function heldMessage(env: string, file: string, holder: LockInfo | undefined): string {
    return `environment "${env}" is locked by ${describeHolder(holder)}; wait for that run to finish, or remove ${file} if it is gone`;
}

function describeHolder(holder: LockInfo | undefined): string {
    if (!holder) return "a run whose lock file is unreadable";
    return `pid ${holder.pid} (${holder.user}@${holder.hostname}) running "${holder.command}" since ${holder.startedAt}`;
}

/** True while the process runs (on this host); a record naming a dead pid belongs to a run that died. */
export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        // EPERM: the process exists but belongs to someone else.
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

function currentUser(): string {
    try {
        return os.userInfo().username;
    } catch {
        return process.env.USER ?? process.env.USERNAME ?? "unknown";
    }
}
