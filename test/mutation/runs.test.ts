/** Run records read back exactly: journals, torn lines, interrupted runs, problems, resume and applied-since. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import type { RunSummary } from "../../automation/pipeline/runner";
import {
    type RunRecord, endsLayer, lastRun, layersAppliedSince, layersKilledMidRun, listRuns, recordRun, resumeSelection, runProblem, runsFile, startRun, toRunRecord,
} from "../../automation/state/runs";
import type { Layer } from "../../stacks/graph";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mutation-runs-"));
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

function summary(statuses: [Layer, string, string?][], extra: Partial<RunSummary> = {}): RunSummary {
    return {
        env: "qa", operation: "up", engine: "scripted", durationMs: 5, interrupted: false,
        outcomes: statuses.map(([layer, status, error]) => ({ layer, status, attempts: 1, ...(error ? { error } : {}) })) as RunSummary["outcomes"],
        ...extra,
    };
}

function lines(file: string): Record<string, unknown>[] {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
}

function write(state: string, env: string, records: unknown[]): void {
    fs.mkdirSync(path.join(state, "runs"), { recursive: true });
    fs.writeFileSync(runsFile(state, env), records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
}

const rec = (over: Partial<RunRecord>): RunRecord => ({ at: "2025-01-01T00:00:00.000Z", env: "qa", operation: "up", engine: "e", outcomes: [], policyMandatory: 0, interrupted: false, ...over });

describe("mutation: run records", () => {
    it("knows which states end a layer", () => {
        for (const s of ["succeeded", "unchanged", "failed", "skipped", "cancelled"]) assert.equal(endsLayer(s), true, s);
        for (const s of ["queued", "running", "retrying", "not-selected", ""]) assert.equal(endsLayer(s), false, s);
    });

    it("keeps runs in <state>/runs/<env>.jsonl", () => {
        assert.equal(runsFile("/s", "qa"), path.join("/s", "runs", "qa.jsonl"));
    });

    it("turns a summary into a record: first error line cut at 300, mandatory violations counted, id only when given", () => {
        const s = summary([["cluster", "failed", `${"e".repeat(310)}\nsecond`], ["apps", "succeeded"]], { interrupted: true, operation: "refresh", engine: "pulumi" });
        s.outcomes[1].result = { policy: [{ enforcement: "mandatory" }, { enforcement: "advisory" }, { enforcement: "mandatory" }] } as never;
        const r = toRunRecord(s, new Date("2025-02-03T04:05:06.789Z"));
        assert.deepEqual(r, {
            at: "2025-02-03T04:05:06.789Z", env: "qa", operation: "refresh", engine: "pulumi",
            outcomes: [{ layer: "cluster", status: "failed", error: "e".repeat(300) }, { layer: "apps", status: "succeeded" }],
            policyMandatory: 2, interrupted: true,
        });
        assert.ok(!("id" in r));
        assert.equal(toRunRecord(s, new Date(0), "run-1").id, "run-1");
        assert.ok(!("id" in toRunRecord(s, new Date(0), "")));
        const now = Date.now();
        assert.ok(Date.parse(toRunRecord(s).at) >= now - 1);
    });

    it("journals a run: a start line, a line per finished layer, then the full record, read back as one run", () => {
        const state = tmp();
        const before = new Date();
        const journal = startRun(state, { env: "qa", operation: "up", engine: "scripted", layers: ["cluster", "apps"] });
        assert.match(journal.id, new RegExp(`^\\d{14}-${process.pid}$`));
        const stamp = journal.id.slice(0, 14);
        const iso = before.toISOString().replace(/[-:.TZ]/g, "").slice(0, 14);
        assert.ok(stamp >= iso.slice(0, 12), `${stamp} vs ${iso}`);
        const file = runsFile(state, "qa");
        const [start] = lines(file);
        assert.deepEqual({ ...start, at: "" }, { type: "start", id: journal.id, at: "", env: "qa", operation: "up", engine: "scripted", layers: ["cluster", "apps"], pid: process.pid, hostname: os.hostname() });
        journal.layerEnded("cluster", "running" as never);
        journal.layerEnded("cluster", "failed", "boom\ntrace");
        journal.layerEnded("apps", "skipped");
        assert.deepEqual(lines(file).slice(1), [
            { type: "layer", id: journal.id, layer: "cluster", status: "failed", error: "boom" },
            { type: "layer", id: journal.id, layer: "apps", status: "skipped" },
        ]);
        const mid = listRuns(state, "qa");
        assert.equal(mid.length, 1);
        assert.deepEqual({ ...mid[0], at: "" }, {
            id: journal.id, at: "", env: "qa", operation: "up", engine: "scripted",
            outcomes: [{ layer: "cluster", status: "failed", error: "boom" }, { layer: "apps", status: "skipped" }],
            policyMandatory: 0, interrupted: true, running: false,
        });
        const record = journal.finish(summary([["cluster", "failed", "boom"], ["apps", "skipped"]]));
        assert.equal(record.id, journal.id);
        assert.deepEqual(lines(file).at(-1), JSON.parse(JSON.stringify(record)));
        const done = listRuns(state, "qa");
        assert.equal(done.length, 1);
        assert.deepEqual(done[0], { ...record, operation: "up", engine: "scripted" });
        assert.ok(!("running" in done[0]));
    });

    it("skips blank and torn lines, ignores layer lines of unknown runs, keeps records of older versions", () => {
        const state = tmp();
        const start = { type: "start", id: "r1", at: "2025-01-01T00:00:00.000Z", env: "qa", operation: "up", engine: "e", layers: ["cluster", "mesh"], pid: process.pid, hostname: os.hostname() };
        write(state, "qa", [
            rec({ at: "2024-12-31T00:00:00.000Z" }),
            "",
            "   ",
            start,
            { type: "layer", id: "r1", layer: "cluster", status: "succeeded" },
            { type: "layer", id: "nope", layer: "mesh", status: "succeeded" },
            { type: "layer", id: "r1", layer: "apps", status: "succeeded" },
            '{"type":"layer","id":"r1","layer":"mesh","sta',
            rec({ id: "orphan", at: "2025-01-02T00:00:00.000Z" }),
            { type: "other", id: "r1" },
        ]);
        const runs = listRuns(state, "qa");
        assert.equal(runs.length, 3);
        assert.deepEqual(runs[0], rec({ at: "2024-12-31T00:00:00.000Z" }));
        assert.deepEqual(runs[1].outcomes, [{ layer: "cluster", status: "succeeded" }, { layer: "mesh", status: "cancelled" }]);
        assert.equal(runs[1].interrupted, true);
        assert.equal(runs[1].running, false, "a run of this very process that left no final record is not running");
        assert.deepEqual(runs[2], rec({ id: "orphan", at: "2025-01-02T00:00:00.000Z" }));
        assert.deepEqual(listRuns(tmp(), "qa"), []);
    });

    it("a run without a final record is running only when its process is alive on this host", () => {
        const state = tmp();
        const start = (id: string, pid: number, hostname: string) => ({ type: "start", id, at: "2025-01-01T00:00:00.000Z", env: "qa", operation: "up", engine: "e", layers: ["apps"], pid, hostname });
        write(state, "qa", [start("live", process.ppid, os.hostname()), start("dead", deadPid(), os.hostname()), start("far", process.ppid, "elsewhere")]);
        assert.deepEqual(listRuns(state, "qa").map((r) => [r.id, r.running]), [["live", true], ["dead", false], ["far", false]]);
    });

    it("lastRun gives the latest run, optionally of some operations", () => {
        const state = tmp();
        assert.equal(lastRun(state, "qa"), undefined);
        recordRun(state, summary([["apps", "failed", "x"]]));
        recordRun(state, summary([["apps", "succeeded"]], { operation: "destroy" }));
        assert.equal(lastRun(state, "qa")!.operation, "destroy");
        assert.equal(lastRun(state, "qa", ["up"])!.outcomes[0].status, "failed");
        assert.equal(lastRun(state, "qa", ["preview"]), undefined);
        assert.equal(lastRun(state, "qa", [])!, undefined);
        assert.equal(listRuns(state, "qa").length, 2, "lastRun does not reorder the stored runs");
        assert.equal(listRuns(state, "qa")[0].operation, "up");
    });

    it("recordRun appends the full record and returns it", () => {
        const state = tmp();
        const r = recordRun(state, summary([["mesh", "succeeded"]]));
        assert.deepEqual(lines(runsFile(state, "qa")), [JSON.parse(JSON.stringify(r))]);
        assert.equal(fs.statSync(runsFile(state, "qa")).mode & 0o777, 0o600);
    });

    it("explains why a run is not clean to promote from, most serious first", () => {
        const at = "2025-01-01T00:00:00.000Z";
        assert.equal(runProblem(rec({ running: true, interrupted: true })), `its up started at ${at} is still running`);
        assert.equal(runProblem(rec({ interrupted: true, policyMandatory: 2 })), `its last up (${at}) was interrupted`);
        assert.equal(
            runProblem(rec({ outcomes: [{ layer: "cluster", status: "succeeded" }, { layer: "mesh", status: "failed" }, { layer: "apps", status: "skipped" }, { layer: "images", status: "cancelled" }], policyMandatory: 1 })),
            `its last up (${at}) did not finish: mesh failed, apps skipped, images cancelled`,
        );
        assert.equal(runProblem(rec({ policyMandatory: 1, operation: "preview" })), `its last preview (${at}) had 1 mandatory policy violation(s)`);
        assert.equal(runProblem(rec({ policyMandatory: 0, running: false, outcomes: [{ layer: "apps", status: "unchanged" }, { layer: "mesh", status: "not-selected" }] })), undefined);
    });

    it("resumes only the layers left failed, skipped or cancelled, and says when there is nothing to resume", () => {
        assert.deepEqual(resumeSelection(rec({ outcomes: [
            { layer: "cluster", status: "succeeded" }, { layer: "images", status: "unchanged" }, { layer: "monitoring", status: "failed" },
            { layer: "mesh", status: "skipped" }, { layer: "apps", status: "cancelled" },
        ] })), ["monitoring", "mesh", "apps"]);
        assert.throws(() => resumeSelection(undefined), (e: Error) => e instanceof InputError && e.message === "nothing to resume: no recorded run; run `infra up --env <env>` instead");
        assert.throws(() => resumeSelection(undefined, "qa"), (e: Error) => e.message === "nothing to resume for qa: no recorded run; run `infra up --env qa` instead");
        assert.throws(
            () => resumeSelection(rec({ outcomes: [{ layer: "apps", status: "succeeded" }, { layer: "mesh", status: "not-selected" }] })),
            (e: Error) => e instanceof InputError && e.message === "nothing to resume for qa: its last up (2025-01-01T00:00:00.000Z) finished every selected layer; run `infra up --env qa` instead",
        );
    });

    it("knows the layers the last up left half applied when its process died", () => {
        const state = tmp();
        assert.deepEqual([...layersKilledMidRun(state, "qa")], []);
        const start = (id: string, pid: number, operation = "up") => ({ type: "start", id, at: "2025-01-01T00:00:00.000Z", env: "qa", operation, engine: "e", layers: ["cluster", "mesh", "apps"], pid, hostname: os.hostname() });
        write(state, "qa", [start("k", deadPid()), { type: "layer", id: "k", layer: "cluster", status: "succeeded" }, { type: "layer", id: "k", layer: "mesh", status: "failed" }, start("p", deadPid(), "preview")]);
        assert.deepEqual([...layersKilledMidRun(state, "qa")], ["apps"]);
        write(state, "qa", [start("live", process.ppid)]);
        assert.deepEqual([...layersKilledMidRun(state, "qa")], [], "a run still going is not killed");
        write(state, "qa", [rec({ outcomes: [{ layer: "apps", status: "cancelled" }], interrupted: true })]);
        assert.deepEqual([...layersKilledMidRun(state, "qa")], [], "a run that wrote its final record was not killed");
    });

    it("lists what each layer's latest up since a time left, the boundary time included", () => {
        const state = tmp();
        write(state, "qa", [
            rec({ at: "2025-01-01T00:00:00.000Z", outcomes: [{ layer: "cluster", status: "failed" }] }),
            rec({ at: "2025-01-02T00:00:00.000Z", outcomes: [{ layer: "cluster", status: "succeeded" }, { layer: "apps", status: "not-selected" }, { layer: "mesh", status: "failed" }] }),
            rec({ at: "2025-01-03T00:00:00.000Z", operation: "destroy", outcomes: [{ layer: "mesh", status: "succeeded" }] }),
            rec({ at: "2025-01-04T00:00:00.000Z", outcomes: [{ layer: "mesh", status: "unchanged" }] }),
        ]);
        assert.deepEqual([...layersAppliedSince(state, "qa", "2025-01-02T00:00:00.000Z")], [["cluster", "succeeded"], ["mesh", "unchanged"]]);
        assert.deepEqual([...layersAppliedSince(state, "qa", "2025-01-01T00:00:00.000Z")], [["cluster", "succeeded"], ["mesh", "unchanged"]]);
        assert.deepEqual([...layersAppliedSince(state, "qa", "2025-01-01T00:00:00.001Z")], [["cluster", "succeeded"], ["mesh", "unchanged"]]);
        assert.deepEqual([...layersAppliedSince(state, "qa", "2025-01-04T00:00:00.000Z")], [["mesh", "unchanged"]]);
        assert.deepEqual([...layersAppliedSince(state, "qa", "2025-01-05T00:00:00.000Z")], []);
        assert.deepEqual([...layersAppliedSince(state, "qa", "2024-01-01T00:00:00.000Z").entries()][0], ["cluster", "succeeded"]);
    });
});
