/** The environment lock in-process: contention, stale takeover, the clearing guard, release and liveness. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError, LockHeldError } from "../../common/errors";
import { acquireLock, isStale, processAlive, readLock, runningHere } from "../../automation/state/lock";

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "mutation-lock-"));
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

function writeLock(file: string, fields: Record<string, unknown>): void {
    fs.writeFileSync(file, JSON.stringify({ user: "bob", command: "infra up --env qa", startedAt: "2024-01-02T03:04:05.000Z", token: "tok", ...fields }));
}

describe("mutation: environment lock", () => {
    it("writes a complete record, defaulting pid, host, user and time, with a fresh token each time", () => {
        const dir = path.join(tempDir(), "nested", "locks");
        const before = Date.now();
        const lock = acquireLock(dir, "qa", { command: "infra up --env qa" });
        assert.equal(lock.file, path.join(dir, "qa.lock"));
        const onDisk = JSON.parse(fs.readFileSync(lock.file, "utf8"));
        assert.deepEqual(Object.keys(onDisk).sort(), ["command", "hostname", "pid", "startedAt", "token", "user"]);
        assert.deepEqual(onDisk, lock.info);
        assert.equal(onDisk.pid, process.pid);
        assert.equal(onDisk.hostname, os.hostname());
        assert.equal(onDisk.user, os.userInfo().username);
        assert.match(onDisk.token, /^[0-9a-f-]{36}$/);
        const at = Date.parse(onDisk.startedAt);
        assert.ok(at >= before - 1 && at <= Date.now() + 1);
        assert.ok(fs.readFileSync(lock.file, "utf8").endsWith("}\n"));
        assert.equal(fs.statSync(lock.file).mode & 0o777 & ~0o022, 0o644 & ~0o022);
        lock.release();
        const again = acquireLock(dir, "qa", { command: "x", pid: 42, hostname: "h", user: "u", startedAt: "2020-01-01T00:00:00.000Z" });
        assert.deepEqual({ ...again.info, token: "" }, { pid: 42, hostname: "h", user: "u", command: "x", startedAt: "2020-01-01T00:00:00.000Z", token: "" });
        assert.notEqual(again.info.token, lock.info.token);
        again.release();
    });

    it("two acquirers in one process: the second gets the exact message naming the holder and the file", () => {
        const dir = tempDir();
        const first = acquireLock(dir, "qa", { command: "infra up --env qa", user: "carol", startedAt: "2024-05-01T10:00:00.000Z" });
        assert.throws(
            () => acquireLock(dir, "qa", { command: "infra destroy --env qa" }),
            (e: Error) => e instanceof LockHeldError && e.exitCode === 1 && e.message ===
                `environment "qa" is locked by pid ${process.pid} (carol@${os.hostname()}) running "infra up --env qa" since 2024-05-01T10:00:00.000Z; ` +
                `wait for that run to finish, or remove ${path.join(dir, "qa.lock")} if it is gone`,
        );
        assert.equal(readLock(first.file)!.token, first.info.token, "the loser leaves the holder's lock alone");
        first.release();
    });

    it("a lock held by a live pid on this host is not stale", () => {
        const dir = tempDir();
        writeLock(path.join(dir, "qa.lock"), { pid: process.pid, hostname: os.hostname() });
        assert.throws(() => acquireLock(dir, "qa", { command: "x" }), LockHeldError);
        assert.equal(readLock(path.join(dir, "qa.lock"))!.token, "tok");
    });

    it("an unreadable or incomplete lock file is never taken over and is described as unreadable", () => {
        const dir = tempDir();
        const file = path.join(dir, "qa.lock");
        const message = `environment "qa" is locked by a run whose lock file is unreadable; wait for that run to finish, or remove ${file} if it is gone`;
        fs.writeFileSync(file, "{ torn");
        assert.throws(() => acquireLock(dir, "qa", { command: "x" }), (e: Error) => e instanceof LockHeldError && e.message === message);
        fs.writeFileSync(file, JSON.stringify({ pid: "12", hostname: os.hostname() }));
        assert.throws(() => acquireLock(dir, "qa", { command: "x" }), (e: Error) => e.message === message);
        fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), hostname: 7 }));
        assert.throws(() => acquireLock(dir, "qa", { command: "x" }), (e: Error) => e.message === message);
        assert.ok(fs.existsSync(file));
    });

    it("takes over a stale lock (dead pid, this host), reporting the cleared record and leaving no guard", () => {
        const dir = tempDir();
        const file = path.join(dir, "qa.lock");
        const pid = deadPid();
        writeLock(file, { pid, hostname: os.hostname() });
        const lock = acquireLock(dir, "qa", { command: "infra up --env qa" });
        assert.deepEqual(lock.staleCleared, { pid, hostname: os.hostname(), user: "bob", command: "infra up --env qa", startedAt: "2024-01-02T03:04:05.000Z", token: "tok" });
        assert.equal(readLock(file)!.token, lock.info.token);
        assert.equal(fs.existsSync(`${file}.clearing`), false);
        lock.release();
        assert.equal(fs.existsSync(file), false);
    });

    it("does not clear a stale lock while another run holds the clearing guard; a guard older than 10 s is removed and the lock taken at once", () => {
        const dir = tempDir();
        const file = path.join(dir, "qa.lock");
        const guard = `${file}.clearing`;
        const dead = deadPid();
        writeLock(file, { pid: dead, hostname: os.hostname() });
        fs.writeFileSync(guard, "");
        assert.throws(() => acquireLock(dir, "qa", { command: "x" }), LockHeldError);
        assert.ok(fs.existsSync(guard), "a fresh guard is respected");
        assert.ok(fs.existsSync(file));
        const old = (Date.now() - 11_000) / 1000;
        fs.utimesSync(guard, old, old);
        // The same try removes the abandoned guard, clears the stale lock and takes the environment.
        const lock = acquireLock(dir, "qa", { command: "x" });
        assert.equal(fs.existsSync(guard), false, "an abandoned guard is removed");
        assert.equal(lock.staleCleared?.pid, dead, "the stale record is reported as cleared");
        assert.equal(readLock(file)!.token, lock.info.token, "the environment is usable again");
        lock.release();
    });

    it("keeps a guard that is 9 s old", () => {
        const dir = tempDir();
        const file = path.join(dir, "qa.lock");
        const guard = `${file}.clearing`;
        writeLock(file, { pid: deadPid(), hostname: os.hostname() });
        fs.writeFileSync(guard, "");
        const recent = (Date.now() - 9_000) / 1000;
        fs.utimesSync(guard, recent, recent);
        assert.throws(() => acquireLock(dir, "qa", { command: "x" }), LockHeldError);
        assert.ok(fs.existsSync(guard));
    });

    it("refuses to release a lock replaced by another run, naming that run; releasing a removed lock is a no-op", () => {
        const dir = tempDir();
        const lock = acquireLock(dir, "qa", { command: "x" });
        writeLock(lock.file, { pid: 4242, hostname: "elsewhere", token: "theirs" });
        assert.throws(
            () => lock.release(),
            (e: Error) => e instanceof LockHeldError &&
                e.message === `not releasing ${lock.file}: it is held by pid 4242 (bob@elsewhere) running "infra up --env qa" since 2024-01-02T03:04:05.000Z, not by this run`,
        );
        fs.writeFileSync(lock.file, "garbage");
        assert.throws(() => lock.release(), (e: Error) => e.message === `not releasing ${lock.file}: it is held by a run whose lock file is unreadable, not by this run`);
        fs.rmSync(lock.file);
        lock.release();
        assert.equal(fs.existsSync(lock.file), false);
    });

    it("accepts letters, digits, dot, underscore and dash in an environment name, and nothing else", () => {
        const dir = tempDir();
        acquireLock(dir, "Dev_1.b-2", { command: "x" }).release();
        for (const bad of ["", "a/b", "a b", "dev\n", "ü"]) {
            assert.throws(
                () => acquireLock(dir, bad, { command: "x" }),
                (e: Error) => e instanceof InputError && e.message === `environment name "${bad}" cannot name a lock file; use letters, digits, ".", "_" or "-"`,
            );
        }
        assert.deepEqual(fs.readdirSync(dir), []);
    });

    it("rethrows a file-system error other than an existing lock", () => {
        const dir = tempDir();
        fs.mkdirSync(path.join(dir, "qa.lock.x"));
        const blocker = path.join(dir, "file");
        fs.writeFileSync(blocker, "");
        assert.throws(() => acquireLock(blocker, "qa", { command: "x" }), (e: NodeJS.ErrnoException) => !(e instanceof LockHeldError) && (e.code === "EEXIST" || e.code === "ENOTDIR"));
    });

    it("does not clear a lock that changed between the stale check and the clearing", () => {
        for (const change of [{ token: "racer" }, { pid: process.pid }]) {
            const dir = tempDir();
            const file = path.join(dir, "qa.lock");
            const stale = { user: "bob", command: "c", startedAt: "t", token: "tok", pid: deadPid(), hostname: os.hostname() };
            fs.writeFileSync(file, JSON.stringify(stale));
            const realFs = require("fs") as typeof fs;
            const read = realFs.readFileSync;
            let reads = 0;
            realFs.readFileSync = ((p: fs.PathOrFileDescriptor, o?: unknown) => {
                if (p === file) {
                    reads++;
                    // The first read sees the stale record; by the clearing, a racing run has replaced it.
                    if (reads === 1) return JSON.stringify(stale);
                    return JSON.stringify(reads === 2 ? { ...stale, ...change } : { ...stale, pid: process.pid, token: "live" });
                }
                return read(p, o as BufferEncoding);
            }) as typeof fs.readFileSync;
            try {
                assert.throws(() => acquireLock(dir, "qa", { command: "x" }), LockHeldError);
            } finally {
                realFs.readFileSync = read;
            }
            assert.ok(reads >= 2);
            assert.ok(fs.existsSync(file), "the racing run's lock is kept");
            assert.equal(fs.existsSync(`${file}.clearing`), false, "the guard is removed");
        }
    });

    it("falls back to USER, then USERNAME, then unknown when the OS user cannot be read", () => {
        const realOs = require("os") as typeof os;
        const real = realOs.userInfo;
        const saved = { USER: process.env.USER, USERNAME: process.env.USERNAME };
        const dir = tempDir();
        try {
            realOs.userInfo = (() => { throw new Error("no passwd entry"); }) as typeof os.userInfo;
            process.env.USER = "from-user";
            process.env.USERNAME = "from-username";
            assert.equal(acquireLock(dir, "a", { command: "x" }).info.user, "from-user");
            delete process.env.USER;
            assert.equal(acquireLock(dir, "b", { command: "x" }).info.user, "from-username");
            delete process.env.USERNAME;
            assert.equal(acquireLock(dir, "c", { command: "x" }).info.user, "unknown");
        } finally {
            realOs.userInfo = real;
            for (const [k, v] of Object.entries(saved)) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });

    it("reads a lock only when it is a complete record", () => {
        const dir = tempDir();
        const file = path.join(dir, "x.lock");
        assert.equal(readLock(file), undefined, "absent");
        fs.writeFileSync(file, JSON.stringify({ pid: 1, hostname: "h", extra: true }));
        assert.deepEqual(readLock(file), { pid: 1, hostname: "h", extra: true });
        fs.writeFileSync(file, JSON.stringify({ pid: 1 }));
        assert.equal(readLock(file), undefined);
        fs.writeFileSync(file, JSON.stringify({ hostname: "h" }));
        assert.equal(readLock(file), undefined);
        fs.writeFileSync(file, "null");
        assert.equal(readLock(file), undefined);
    });

    it("knows which pids are alive here and which records are stale", () => {
        const dead = deadPid();
        assert.equal(processAlive(process.pid), true);
        assert.equal(processAlive(dead), false);
        assert.equal(processAlive(1), true, "pid 1 exists (EPERM or not)");
        const base = { user: "u", command: "c", startedAt: "t", token: "k" };
        assert.equal(isStale({ ...base, pid: dead, hostname: os.hostname() }), true);
        assert.equal(isStale({ ...base, pid: process.pid, hostname: os.hostname() }), false);
        assert.equal(isStale({ ...base, pid: dead, hostname: "other" }), false);
        assert.equal(isStale({ ...base, pid: dead, hostname: "other" }, "other"), true);
        assert.equal(runningHere(process.pid, os.hostname()), true);
        assert.equal(runningHere(undefined, os.hostname()), false);
        assert.equal(runningHere(process.pid, "other"), false);
        assert.equal(runningHere(process.pid, undefined), false);
        assert.equal(runningHere(dead, os.hostname()), false);
    });

});
