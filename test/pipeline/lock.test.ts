import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LockHeldError } from "../../common/errors";
import { acquireLock, readLock } from "../../automation/state/lock";

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-lock-"));
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", ""]);
    return child.pid!;
}

function writeLock(dir: string, env: string, fields: Record<string, unknown>): string {
    const file = path.join(dir, `${env}.lock`);
    fs.writeFileSync(file, JSON.stringify({ user: "alice", command: "infra up --env dev", startedAt: "2024-05-01T10:00:00.000Z", token: "t-1", ...fields }));
    return file;
}

describe("environment lock", () => {
    it("records who holds it and refuses a second acquire, naming the holder", () => {
        const dir = tempDir();
        const lock = acquireLock(dir, "dev", { command: "infra up --env dev", user: "alice" });
        const onDisk = readLock(path.join(dir, "dev.lock"))!;
        assert.equal(onDisk.pid, process.pid);
        assert.equal(onDisk.hostname, os.hostname());
        assert.equal(onDisk.user, "alice");
        assert.equal(onDisk.command, "infra up --env dev");
        assert.ok(!Number.isNaN(Date.parse(onDisk.startedAt)));
        assert.equal(lock.staleCleared, undefined);

        assert.throws(
            () => acquireLock(dir, "dev", { command: "infra destroy --env dev" }),
            (e: Error) =>
                e instanceof LockHeldError &&
                e.message.includes(`pid ${process.pid}`) &&
                e.message.includes("alice@") &&
                e.message.includes('running "infra up --env dev"') &&
                e.message.includes(`since ${onDisk.startedAt}`),
        );
        // Other environments are independent.
        acquireLock(dir, "staging", { command: "infra up --env staging" }).release();
        lock.release();
        assert.equal(fs.existsSync(path.join(dir, "dev.lock")), false);
        acquireLock(dir, "dev", { command: "infra up --env dev" }).release();
    });

    it("clears a stale lock left by a dead process on this host, reports it, and acquires", () => {
        const dir = tempDir();
        const pid = deadPid();
        writeLock(dir, "dev", { pid, hostname: os.hostname() });
        const lock = acquireLock(dir, "dev", { command: "infra up --env dev" });
        assert.equal(lock.staleCleared?.pid, pid);
        assert.equal(lock.staleCleared?.command, "infra up --env dev");
        assert.equal(readLock(lock.file)!.pid, process.pid);
        lock.release();
    });

    it("does not treat a lock from another host as stale, nor one whose process is alive", () => {
        const dir = tempDir();
        writeLock(dir, "dev", { pid: deadPid(), hostname: "build-agent-7" });
        assert.throws(() => acquireLock(dir, "dev", { command: "x" }), /locked by pid \d+ \(alice@build-agent-7\)/);
        writeLock(dir, "prod", { pid: process.ppid, hostname: os.hostname() });
        assert.throws(() => acquireLock(dir, "prod", { command: "x" }), LockHeldError);
    });

    it("refuses to release a lock that another run now holds", () => {
        const dir = tempDir();
        const lock = acquireLock(dir, "dev", { command: "infra up --env dev" });
        writeLock(dir, "dev", { pid: 4242, hostname: "other-host", token: "someone-else" });
        assert.throws(() => lock.release(), (e: Error) => e instanceof LockHeldError && /not releasing .*pid 4242/.test(e.message));
        assert.equal(readLock(lock.file)!.pid, 4242, "the foreign lock is left in place");
    });

    it("refuses an environment name that cannot be a file name", () => {
        assert.throws(() => acquireLock(tempDir(), "../etc", { command: "x" }), /environment name "..\/etc"/);
    });
});
