/** Release history read back exactly: ids, actors, records, folded statuses and interrupted releases. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    type ReleaseRecord, type StatusRecord, appendRecord, findRelease, finishRelease, historyFile, listReleases, markApplying, newReleaseId, readRecords, releaseActor,
} from "../../automation/release/history";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mutation-history-"));
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

function release(id: string, over: Partial<ReleaseRecord> = {}): ReleaseRecord {
    return {
        type: "release", id, kind: "promote", env: "qa", from: "dev", at: `2025-01-01T00:00:0${id.slice(-1)}.000Z`, by: "me",
        previous: { images: {}, charts: {} }, pins: { images: { app: "a@sha256:1" }, charts: {} },
        changed: [{ kind: "image", name: "app", to: "a@sha256:1" }], status: "pending", ...over,
    };
}
const status = (id: string, s: StatusRecord["status"], over: Partial<StatusRecord> = {}): StatusRecord => ({ type: "status", id, env: "qa", at: `2025-02-01T00:00:00.000Z`, status: s, ...over });

describe("mutation: release history", () => {
    it("keeps history in <dir>/history/<env>.jsonl, defaulting to the environments folder", () => {
        assert.equal(historyFile("qa", "/e"), path.join("/e", "history", "qa.jsonl"));
        const saved = process.env.INFRA_ENVIRONMENTS_DIR;
        const dir = tmp();
        try {
            process.env.INFRA_ENVIRONMENTS_DIR = dir;
            assert.equal(historyFile("qa"), path.join(dir, "history", "qa.jsonl"));
            appendRecord(release("r-1"));
            assert.equal(readRecords("qa").length, 1);
            assert.equal(listReleases("qa").length, 1);
            assert.equal(findRelease("qa", "r-1")!.id, "r-1");
            finishRelease("qa", "r-1", "written");
            markApplying("qa", "r-1");
            assert.equal(findRelease("qa", "r-1")!.status, "applying");
        } finally {
            if (saved === undefined) delete process.env.INFRA_ENVIRONMENTS_DIR;
            else process.env.INFRA_ENVIRONMENTS_DIR = saved;
        }
    });

    it("makes sortable, unique release ids from the time", () => {
        const at = new Date("2025-03-04T05:06:07.890Z");
        const a = newReleaseId(at, { x: 1 });
        const b = newReleaseId(at, { x: 1 });
        assert.match(a, /^r-20250304-050607-[0-9a-f]{7}$/);
        assert.notEqual(a, b, "random bytes make each id unique");
    });

    it("appends records as JSON lines, mode 0644, and reads back only well-formed release and status records", () => {
        const dir = tmp();
        appendRecord(release("r-1"), dir);
        appendRecord(status("r-1", "written"), dir);
        const file = historyFile("qa", dir);
        assert.equal(fs.statSync(file).mode & 0o777, 0o644);
        assert.deepEqual(fs.readFileSync(file, "utf8").split("\n"), [JSON.stringify(release("r-1")), JSON.stringify(status("r-1", "written")), ""]);
        fs.appendFileSync(file, ['', '   ', '{"type":"status","id":"r-1","sta', 'null', '{"type":"note","id":"r-1"}', '{"type":"status","id":7}', JSON.stringify(status("r-1", "applied"))].join("\n") + "\n");
        assert.deepEqual(readRecords("qa", dir), [release("r-1"), status("r-1", "written"), status("r-1", "applied")]);
        assert.deepEqual(readRecords("none", dir), []);
    });

    it("folds each release's latest status in, with its time and error, dropping the record type", () => {
        const dir = tmp();
        appendRecord(release("r-1"), dir);
        appendRecord(status("r-1", "written", { at: "2025-02-01T00:00:01.000Z" }), dir);
        appendRecord(status("r-1", "failed", { at: "2025-02-01T00:00:02.000Z", error: "apps failed" }), dir);
        appendRecord(release("r-2", { kind: "rollback", undoes: "r-1" }), dir);
        appendRecord(status("r-2", "written"), dir);
        appendRecord(status("r-9", "applied"), dir);
        const list = listReleases("qa", dir);
        const { type: _t, status: _s, ...rest } = release("r-1");
        assert.deepEqual(list[0], { ...rest, status: "failed", updatedAt: "2025-02-01T00:00:02.000Z", error: "apps failed" });
        assert.equal(list[1].status, "written");
        assert.equal(list[1].error, undefined);
        assert.equal(list[1].undoes, "r-1");
        assert.equal(list.length, 2, "a status for an unknown release adds nothing");
        assert.equal(findRelease("qa", "r-2", dir)!.kind, "rollback");
        assert.equal(findRelease("qa", "r-3", dir), undefined);
    });

    it("a release left pending, or applying by a process that is gone, reads as interrupted", () => {
        const dir = tmp();
        appendRecord(release("r-1"), dir);
        appendRecord(release("r-2"), dir);
        appendRecord(status("r-2", "applying", { pid: deadPid(), hostname: os.hostname() }), dir);
        appendRecord(release("r-3"), dir);
        appendRecord(status("r-3", "applying", { pid: process.pid, hostname: "another-host" }), dir);
        appendRecord(release("r-4"), dir);
        appendRecord(status("r-4", "applying", { pid: process.pid, hostname: os.hostname() }), dir);
        appendRecord(release("r-5"), dir);
        appendRecord(status("r-5", "applying"), dir);
        const list = listReleases("qa", dir);
        assert.deepEqual(list.map((r) => [r.id, r.status]), [["r-1", "interrupted"], ["r-2", "interrupted"], ["r-3", "interrupted"], ["r-4", "applying"], ["r-5", "interrupted"]]);
        assert.equal(list[0].updatedAt, release("r-1").at);
    });

    it("marks a release applying by this process and records its end, keeping only the error's first line", () => {
        const dir = tmp();
        appendRecord(release("r-1"), dir);
        const before = Date.now();
        markApplying("qa", "r-1", dir);
        const applying = readRecords("qa", dir).at(-1) as StatusRecord;
        assert.deepEqual({ ...applying, at: "" }, { type: "status", id: "r-1", env: "qa", at: "", status: "applying", pid: process.pid, hostname: os.hostname() });
        assert.ok(Date.parse(applying.at) >= before - 1);
        assert.equal(findRelease("qa", "r-1", dir)!.status, "applying");
        finishRelease("qa", "r-1", "failed", `${"x".repeat(305)}\nstack`, dir);
        const failed = readRecords("qa", dir).at(-1) as StatusRecord;
        assert.deepEqual({ ...failed, at: "" }, { type: "status", id: "r-1", env: "qa", at: "", status: "failed", error: "x".repeat(300) });
        finishRelease("qa", "r-1", "applied", undefined, dir);
        const applied = readRecords("qa", dir).at(-1) as StatusRecord;
        assert.ok(!("error" in applied));
        assert.equal(findRelease("qa", "r-1", dir)!.status, "applied");
        assert.equal(findRelease("qa", "r-1", dir)!.error, undefined);
    });
});

describe("mutation: release actor", () => {
    const saved: Record<string, string | undefined> = {};
    const keys = ["GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "PATH", "HOME"];
    beforeEach(() => { for (const k of keys) saved[k] = process.env[k]; process.env.GIT_CONFIG_NOSYSTEM = "1"; });
    afterEach(() => { for (const k of keys) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; } });

    function gitConfig(text: string): void {
        const file = path.join(tmp(), "gitconfig");
        fs.writeFileSync(file, text);
        process.env.GIT_CONFIG_GLOBAL = file;
    }

    it("is 'name <email>' from git, or the email twice, or the name alone", () => {
        gitConfig("[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n");
        assert.equal(releaseActor(), "Ada Lovelace <ada@example.com>");
        gitConfig("[user]\n\temail = ada@example.com\n");
        assert.equal(releaseActor(), "ada@example.com <ada@example.com>");
        gitConfig("[user]\n\tname = Ada Lovelace\n");
        assert.equal(releaseActor(), "Ada Lovelace");
    });

    it("falls back to the OS user when git has no identity or is not installed", () => {
        gitConfig("");
        assert.equal(releaseActor(), os.userInfo().username);
        process.env.PATH = tmp();
        gitConfig("[user]\n\tname = Ada Lovelace\n");
        assert.equal(releaseActor(), os.userInfo().username);
    });
});
