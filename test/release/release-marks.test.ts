/**
 * Release history kept with the state: when a release's apply settles, the engine's store (the
 * Pulumi engine's stack tag `infra:release`) gets its id, status, time and rollouts on each stack
 * the apply reached, and a machine that has only the git-tracked history (pending, written) reads
 * them back: `infra releases` shows the release applied, and a rerun does not continue it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ReleaseMark, ReleaseMarkStore } from "../../automation/engine";
import { formatReleaseMark, parseReleaseMark, TAG_VALUE_MAX } from "../../automation/engines/stack-tags";
import { promote, rollback } from "../../automation/orchestrator/release";
import { resumeLayers } from "../../automation/orchestrator/operations";
import { runLayers } from "../../automation/orchestrator/run";
import { appendRecord, historyFile, listReleases, readRecords } from "../../automation/release/history";
import { keepRelease, readReleaseMarks, releasesWithState } from "../../automation/release/marks";
import { unfinishedRelease } from "../../automation/release/progress";
import { renderReleases } from "../../automation/release/report";
import { recordRun } from "../../automation/state/runs";
import { LAYERS, type Layer } from "../../stacks/graph";
import { runCli } from "../cli/run-cli";
import { ref, sandbox, ScriptedEngine, sessionOf, summaryOf, type Sandbox } from "./support";

/** A store in memory standing in for the stacks' tags: shared by every "machine", as the backend is. */
class MemoryReleaseMarks implements ReleaseMarkStore {
    readonly marks = new Map<string, ReleaseMark>();
    writes = 0;
    unreadable?: string;
    async read(env: string, layer: Layer) {
        if (this.unreadable) throw new Error(this.unreadable);
        return this.marks.get(`${env}-${layer}`);
    }
    async write(env: string, layer: Layer, mark: ReleaseMark) {
        this.writes++;
        this.marks.set(`${env}-${layer}`, mark);
    }
}

class MarkingEngine extends ScriptedEngine {
    readonly releaseMarks = new MemoryReleaseMarks();
}

const CLEAN = { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "succeeded", apps: "succeeded" } as const;

/**
 * Another machine: the environment files and only the git-tracked part of the history (what a
 * promotion pull request commits: pending and written), and a run-state folder of its own.
 */
function otherMachine(envDir: string, env: string): { envDir: string; stateDir: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-machine-b-"));
    const dir = path.join(root, "environments");
    fs.cpSync(envDir, dir, { recursive: true });
    const committed = readRecords(env, envDir).filter((r) => r.type === "release" || r.status === "written");
    fs.writeFileSync(historyFile(env, dir), committed.map((r) => JSON.stringify(r) + "\n").join(""));
    const stateDir = path.join(root, "state");
    // Its promotion gate knows dev ran clean (on a real runner, from dev's run marks in the state).
    recordRun(stateDir, summaryOf("dev", CLEAN));
    return { envDir: dir, stateDir };
}

describe("release history kept with the state", () => {
    let sb: Sandbox;
    let engine: MarkingEngine;
    const session = (env: string, stateDir = sb.projectDir) => sessionOf(engine, env, stateDir);
    /** Acts as the machine whose environments folder is `dir`. */
    const on = async <T>(dir: string, body: () => Promise<T>): Promise<T> => {
        const before = process.env.INFRA_ENVIRONMENTS_DIR;
        process.env.INFRA_ENVIRONMENTS_DIR = dir;
        try { return await body(); } finally { process.env.INFRA_ENVIRONMENTS_DIR = before; }
    };

    beforeEach(() => {
        sb = sandbox();
        engine = new MarkingEngine();
        engine.builds.dev = ref("dev", "v1");
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
    });
    afterEach(() => sb.cleanup());

    it("an applied promotion marks every layer with its id, status and the time of its applied record", async () => {
        const result = await promote(session("staging"), { from: "dev", to: "staging" });
        assert.equal(result.status, "applied");
        const applied = readRecords("staging").find((r) => r.type === "status" && r.status === "applied")!;
        assert.deepEqual([...engine.releaseMarks.marks.keys()].sort(), LAYERS.map((l) => `staging-${l}`).sort());
        for (const mark of engine.releaseMarks.marks.values()) assert.deepEqual(mark, { id: result.id, status: "applied", at: applied.at });
        // On the machine that applied, the file and the state agree: the file's own record is shown.
        const here = await releasesWithState(engine, "staging");
        assert.deepEqual(here.releases.map((r) => [r.status, r.statusFrom]), [["applied", undefined]]);
    });

    it("a machine with only the committed history reads a release applied elsewhere as applied (from state), in text and JSON", async () => {
        const written = await promote(session("staging"), { from: "dev", to: "staging" }, { writeOnly: true });
        // The pull request's part is committed; CI's `infra up` applies and settles the release.
        await runLayers(session("staging"), { operation: "up", selected: [...LAYERS], skipUnchanged: true });
        assert.equal(listReleases("staging").at(-1)!.status, "applied");
        const b = otherMachine(sb.envDir, "staging");
        assert.deepEqual(listReleases("staging", b.envDir).map((r) => r.status), ["written"], "the file alone says written");

        const listed = await releasesWithState(engine, "staging", b.envDir);
        assert.equal(listed.unread, undefined);
        assert.deepEqual(listed.releases.map((r) => [r.id, r.status, r.statusFrom]), [[written.id, "applied", "state"]]);
        assert.match(renderReleases("staging", listed.releases), new RegExp(`${written.id} .* applied \\(from state\\)`));
        assert.equal(JSON.parse(JSON.stringify(listed.releases))[0].statusFrom, "state", "--json carries where the status came from");

        // A rerun of the same promotion there finds nothing to continue; so does `up --resume`.
        const rerun = await on(b.envDir, () => promote(session("staging", b.stateDir), { from: "dev", to: "staging" }));
        assert.equal(rerun.status, "unchanged");
        assert.equal(rerun.resumed, undefined);
        const marks = (await readReleaseMarks(engine, "staging")).marks;
        await on(b.envDir, async () => {
            assert.equal(unfinishedRelease("staging", b.envDir, marks), undefined);
            assert.equal(unfinishedRelease("staging", b.envDir)?.id, written.id, "without the marks it would be continued");
        });
    });

    it("a newer record in the local file wins over an older mark; a tie goes to the file; marks of unknown releases are ignored", async () => {
        const result = await promote(session("staging"), { from: "dev", to: "staging" });
        const id = result.id!;
        const appliedAt = listReleases("staging")[0].updatedAt;
        const later = new Date(Date.parse(appliedAt) + 60_000).toISOString();
        const earlier = new Date(Date.parse(appliedAt) - 60_000).toISOString();
        assert.deepEqual(listReleases("staging", sb.envDir, [{ id, status: "failed", at: earlier }]).map((r) => [r.status, r.statusFrom]), [["applied", undefined]]);
        assert.deepEqual(listReleases("staging", sb.envDir, [{ id, status: "failed", at: appliedAt }]).map((r) => r.status), ["applied"]);
        assert.deepEqual(listReleases("staging", sb.envDir, [{ id: "r-other", status: "failed", at: later }]).map((r) => r.status), ["applied"]);
        // The newest mark of a release counts, whichever layer holds it; its rollouts replace the file's.
        const newest = { id, status: "failed" as const, at: new Date(Date.parse(later) + 1).toISOString(), rollouts: ["app aborted"] };
        for (const order of [[newest, { id, status: "applied" as const, at: later }], [{ id, status: "applied" as const, at: later }, newest]]) {
            const merged = listReleases("staging", sb.envDir, order);
            assert.deepEqual(merged.map((r) => [r.status, r.statusFrom, r.rollouts]), [["failed", "state", ["app aborted"]]], "in whatever order the layers are read");
        }
    });

    it("a failed apply marks only the layers it reached, as failed, and the other machine sees it failed and continues it", async () => {
        engine.failing.add("staging-mesh");
        const failed = await promote(session("staging"), { from: "dev", to: "staging" });
        assert.equal(failed.status, "failed");
        assert.deepEqual([...engine.releaseMarks.marks.keys()].sort(), ["staging-cluster", "staging-images", "staging-mesh", "staging-monitoring"], "apps was skipped: it gets no mark");
        assert.ok([...engine.releaseMarks.marks.values()].every((m) => m.status === "failed" && m.id === failed.id));

        const b = otherMachine(sb.envDir, "staging");
        assert.deepEqual((await releasesWithState(engine, "staging", b.envDir)).releases.map((r) => `${r.status}:${r.statusFrom}`), ["failed:state"]);
        engine.failing.clear();
        const rerun = await on(b.envDir, () => promote(session("staging", b.stateDir), { from: "dev", to: "staging" }));
        assert.equal(rerun.id, failed.id, "the failed release is continued, not a new one written");
        assert.equal(rerun.status, "applied");
    });

    it("a rollback applied elsewhere is not continued there: rollback undoes it instead", async () => {
        await promote(session("staging"), { from: "dev", to: "staging" });
        engine.builds.dev = ref("dev", "v2");
        await promote(session("staging"), { from: "dev", to: "staging" });
        const back = await rollback(session("staging"), { env: "staging" });
        assert.equal(back.status, "applied");
        const b = otherMachine(sb.envDir, "staging");
        const again = await on(b.envDir, () => rollback(session("staging", b.stateDir), { env: "staging" }));
        assert.notEqual(again.id, back.id, "a new rollback, not the old one taken up");
        assert.equal(again.plan.undoes, back.id);
    });

    it("`up --resume` on a machine with no runs: nothing left of a release the state says is applied", async () => {
        await promote(session("staging"), { from: "dev", to: "staging" }, { writeOnly: true });
        await runLayers(session("staging"), { operation: "up", selected: [...LAYERS] });
        const b = otherMachine(sb.envDir, "staging");
        const marks = (await readReleaseMarks(engine, "staging")).marks;
        await on(b.envDir, async () => {
            const stateBefore = process.env.INFRA_STATE_DIR;
            process.env.INFRA_STATE_DIR = b.stateDir;
            try {
                assert.deepEqual(resumeLayers("staging"), [...LAYERS], "the file alone: every layer is left");
                assert.throws(() => resumeLayers("staging", marks), /nothing to resume for staging: no recorded run/);
            } finally {
                process.env.INFRA_STATE_DIR = stateBefore;
            }
        });
    });

    it("a state that cannot be read leaves the file's statuses and says why; an engine with no store reads nothing", async () => {
        await promote(session("staging"), { from: "dev", to: "staging" }, { writeOnly: true });
        await runLayers(session("staging"), { operation: "up", selected: [...LAYERS] });
        const b = otherMachine(sb.envDir, "staging");
        engine.releaseMarks.unreadable = "unable to open bucket s3://team-state";
        const listed = await releasesWithState(engine, "staging", b.envDir);
        assert.equal(listed.unread, "unable to open bucket s3://team-state");
        assert.deepEqual(listed.releases.map((r) => [r.status, r.statusFrom]), [["written", undefined]]);
        const plain = await releasesWithState(new ScriptedEngine(), "staging", b.envDir);
        assert.deepEqual([plain.unread, plain.releases.map((r) => r.status)], [undefined, ["written"]]);
    });

    it("keepRelease writes one mark per layer, skips statuses that settle nothing, and reports the layers it could not mark", async () => {
        const store = engine.releaseMarks;
        const rec = { type: "status" as const, id: "r-1", env: "qa", at: "2026-12-03T10:00:00.000Z", status: "applied" as const, rollouts: ["app healthy"] };
        assert.deepEqual(await keepRelease(store, "qa", ["images", "apps"], rec), []);
        assert.equal(store.writes, 2, "one write per layer");
        assert.deepEqual(store.marks.get("qa-apps"), { id: "r-1", status: "applied", at: rec.at, rollouts: ["app healthy"] });
        assert.deepEqual(await keepRelease(store, "qa", ["images"], { ...rec, status: "written" }), []);
        assert.equal(store.writes, 2, "a written release is not marked");
        const failing: ReleaseMarkStore = { read: async () => undefined, write: async (_e, layer) => { if (layer === "apps") throw new Error("no stack named qa-apps\nmore"); } };
        assert.deepEqual(await keepRelease(failing, "qa", ["images", "apps"], rec), ["apps (no stack named qa-apps)"]);
    });

    it("the tag value: plain words within Pulumi's 256 characters, long rollouts left out, foreign values refused", () => {
        const mark: ReleaseMark = { id: "r-20261203-100000-1a2b3c4", status: "applied", at: "2026-12-03T10:00:00.000Z", rollouts: ["app healthy", "web-2 aborted"] };
        assert.equal(formatReleaseMark(mark), "r-20261203-100000-1a2b3c4 applied 2026-12-03T10:00:00.000Z app=healthy,web-2=aborted");
        assert.deepEqual(parseReleaseMark(formatReleaseMark(mark)), mark);
        const { rollouts: _r, ...bare } = mark;
        assert.deepEqual(parseReleaseMark(formatReleaseMark(bare)), bare);
        const many = { ...mark, rollouts: Array.from({ length: 20 }, (_, i) => `application-${i} healthy`) };
        assert.ok(formatReleaseMark(many).length <= TAG_VALUE_MAX);
        assert.deepEqual(parseReleaseMark(formatReleaseMark(many)), bare, "too long: kept without its rollouts");
        for (const bad of [undefined, "", "r-1 applied", "r-1 written 2026-12-03T10:00:00.000Z -", "r-1 applied yesterday -", "r 1 applied 2026-12-03T10:00:00.000Z - x", "r-1 applied 2026-12-03T10:00:00.000Z app=Bad Case"]) {
            assert.equal(parseReleaseMark(bad), undefined, String(bad));
        }
    });

    it("a record appended by hand with a later status in the file still wins over an older mark", async () => {
        const result = await promote(session("staging"), { from: "dev", to: "staging" });
        const marks = (await readReleaseMarks(engine, "staging")).marks;
        appendRecord({ type: "status", id: result.id!, env: "staging", at: new Date(Date.now() + 1000).toISOString(), status: "failed", error: "apps failed" });
        assert.deepEqual(listReleases("staging", sb.envDir, marks).map((r) => [r.status, r.statusFrom, r.error]), [["failed", undefined, "apps failed"]]);
    });

    it("`infra releases` with no state to read lists the file and says on stderr why the state was not read; --engine offline reads none and says nothing", async () => {
        const written = await promote(session("staging"), { from: "dev", to: "staging" }, { writeOnly: true });
        const env = { INFRA_ENVIRONMENTS_DIR: sb.envDir, PATH: path.dirname(process.execPath), INFRA_TOOLS_DIR: "/nonexistent" };
        const noCli = await runCli(["releases", "--env", "staging", "--json"], { env });
        assert.equal(noCli.code, 0, noCli.stderr);
        assert.deepEqual(JSON.parse(noCli.stdout).map((r: { id: string; status: string; statusFrom?: string }) => [r.id, r.status, r.statusFrom]), [[written.id, "written", undefined]]);
        assert.match(noCli.stderr, /^staging: statuses from .*history\/staging\.jsonl only; the state was not read \(the Pulumi CLI is not installed: run `npm run setup:engine`/m);
        const offline = await runCli(["releases", "--env", "staging", "--engine", "offline"], { env });
        assert.equal(offline.code, 0, offline.stderr);
        assert.match(offline.stdout, new RegExp(`${written.id} .* written `));
        assert.doesNotMatch(offline.stdout + offline.stderr, /from state|not read/);
    });
});
