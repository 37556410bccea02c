/** What people see during and after a run: plain lines, the live frame, durations and the summary table. */
import { strict as assert } from "assert";
import { Writable } from "stream";
import { colorWanted, createProgress, firstLine, formatDuration, renderRows, renderSummary } from "../../automation/pipeline/progress";
import type { PipelineEvent, RunSummary } from "../../automation/pipeline/runner";
import type { Layer } from "../../stacks/graph";

class Capture extends Writable {
    readonly chunks: string[] = [];
    columns = 200;
    rows = 50;
    constructor(readonly isTTY: boolean) {
        super();
    }
    _write(chunk: Buffer, _enc: string, done: () => void): void {
        this.chunks.push(chunk.toString());
        done();
    }
    text(): string {
        return this.chunks.join("");
    }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
const iso = (ms: number) => new Date(ms).toISOString();
const state = (layer: string, status: string, extra: { attempt?: number; error?: string } = {}): PipelineEvent =>
    ({ kind: "layer-state", layer: layer as Layer, status, ...extra }) as PipelineEvent;

describe("mutation: plain progress lines", () => {
    it("writes one line per state change after queued, with attempt, elapsed time and the first line of the error", () => {
        const stream = new Capture(false);
        let clock = 1_000;
        const progress = createProgress({ layers: ["cluster", "images"], stream, now: () => clock });
        progress.onEvent(state("cluster", "queued"));
        assert.deepEqual(stream.chunks, []);
        progress.onEvent(state("cluster", "running", { attempt: 1 }));
        clock = 1_500;
        progress.onEvent({ kind: "progress", layer: "cluster", done: 1, total: 2 });
        progress.onEvent(state("cluster", "retrying", { attempt: 2, error: "  throttled  \nsecond line" }));
        clock = 2_000;
        progress.onEvent(state("cluster", "running", { attempt: 2 }));
        clock = 3_500;
        progress.onEvent(state("cluster", "succeeded"));
        progress.onEvent(state("images", "failed", { error: "boom" }));
        progress.onEvent(state("apps", "running", { attempt: 1 }));
        progress.onEvent({ kind: "log", layer: "cluster", line: "engine noise" });
        progress.stop();
        assert.deepEqual(stream.chunks, [
            `${iso(1000)} cluster running\n`,
            `${iso(1500)} cluster retrying (attempt 2): throttled\n`,
            `${iso(2000)} cluster running (attempt 2)\n`,
            `${iso(3500)} cluster succeeded after 2.5s\n`,
            `${iso(3500)} images failed: boom\n`,
        ]);
    });

    it("is chosen by the stream's isTTY unless tty says otherwise, and defaults to stdout", () => {
        const notTty = new Capture(false);
        createProgress({ layers: ["apps"], stream: notTty, now: () => 0 }).onEvent(state("apps", "skipped"));
        assert.deepEqual(notTty.chunks, [`${iso(0)} apps skipped\n`]);
        const forcedPlain = new Capture(true);
        createProgress({ layers: ["apps"], stream: forcedPlain, tty: false, now: () => 0 }).onEvent(state("apps", "skipped"));
        assert.deepEqual(forcedPlain.chunks, [`${iso(0)} apps skipped\n`]);

        const realWrite = process.stdout.write;
        const written: string[] = [];
        try {
            process.stdout.write = ((s: string) => { written.push(String(s)); return true; }) as typeof process.stdout.write;
            createProgress({ layers: ["apps"], tty: false, now: () => 0 }).onEvent(state("apps", "cancelled"));
        } finally {
            process.stdout.write = realWrite;
        }
        assert.deepEqual(written, [`${iso(0)} apps cancelled\n`]);
    });

    it("uses the wall clock by default", () => {
        const stream = new Capture(false);
        const before = Date.now();
        createProgress({ layers: ["apps"], stream }).onEvent(state("apps", "skipped"));
        const at = Date.parse(stream.chunks[0].split(" ")[0]);
        assert.ok(at >= before && at <= Date.now() + 1);
    });
});

describe("mutation: live progress view", () => {
    it("a TTY stream gets the live frame, redrawn by a timer and drawn one last time on stop", async () => {
        const stream = new Capture(true);
        let clock = 0;
        const progress = createProgress({ layers: ["cluster", "apps"], stream, intervalMs: 10, now: () => clock });
        progress.onEvent(state("cluster", "running"));
        progress.onEvent({ kind: "progress", layer: "cluster", done: 3, total: 10 });
        progress.onEvent({ kind: "progress", layer: "cluster", done: 4 });
        clock = 2_000;
        await wait(60);
        assert.ok(stream.chunks.length > 0, "drawn before stop");
        const frame = plain(stream.text()).trimEnd().split("\n").slice(-3);
        assert.deepEqual(frame, [
            "▶ cluster  running            4/10     2.0s",
            "· apps     queued",
            "  total    0/2 layers         4/10     2.0s",
        ]);
        progress.onEvent(state("cluster", "running"));
        clock = 2_500;
        progress.onEvent(state("cluster", "succeeded"));
        clock = 9_000;
        progress.stop();
        const last = plain(stream.text()).trimEnd().split("\n").slice(-3);
        assert.deepEqual(last, [
            "✔ cluster  succeeded          0/10     2.5s  attempt 2",
            "· apps     queued",
            "  total    1/2 layers         0/10     9.0s",
        ]);
        const count = stream.chunks.length;
        await wait(40);
        assert.equal(stream.chunks.length, count, "stop ends the redraws");
    });

    it("keeps redrawing while a layer is running or retrying, and stops redrawing once nothing changes", async () => {
        for (const running of ["running", "retrying"]) {
            const stream = new Capture(true);
            const progress = createProgress({ layers: ["mesh"], stream, intervalMs: 5, now: Date.now });
            progress.onEvent(state("mesh", "running", { attempt: 1 }));
            progress.onEvent(state("mesh", running, { attempt: 2 }));
            await wait(30);
            const early = stream.chunks.length;
            await wait(60);
            assert.ok(stream.chunks.length > early, `a ${running} layer's elapsed time keeps moving`);
            progress.stop();
        }
        const stream = new Capture(true);
        let clock = 0;
        const progress = createProgress({ layers: ["mesh"], stream, intervalMs: 5, now: () => (clock += 7) });
        progress.onEvent(state("mesh", "running", { attempt: 1 }));
        progress.onEvent(state("mesh", "failed"));
        await wait(40);
        const settled = stream.chunks.length;
        assert.ok(settled > 0);
        await wait(60);
        assert.equal(stream.chunks.length, settled, "no redraws when nothing is dirty and nothing runs");
        progress.stop();
    });

    it("stop ends the redraws even while a layer is still running", async () => {
        const stream = new Capture(true);
        let clock = 0;
        const progress = createProgress({ layers: ["mesh"], stream, intervalMs: 5, now: () => (clock += 50) });
        progress.onEvent(state("mesh", "running", { attempt: 1 }));
        progress.stop();
        const count = stream.chunks.length;
        await wait(40);
        assert.equal(stream.chunks.length, count);
    });

    it("ignores events for layers it does not show, colours only when asked", async () => {
        const stream = new Capture(true);
        const progress = createProgress({ layers: ["mesh"], stream, intervalMs: 5, now: () => 0 });
        progress.onEvent(state("apps", "running"));
        await wait(30);
        assert.deepEqual(stream.chunks, [], "nothing to draw for an unknown layer");
        progress.onEvent(state("mesh", "failed"));
        progress.stop();
        assert.ok(!stream.text().includes("\x1b[31m"), "no colour by default");
        const coloured = new Capture(true);
        const p2 = createProgress({ layers: ["mesh"], stream: coloured, intervalMs: 5, now: () => 0, color: true });
        p2.onEvent(state("mesh", "failed"));
        p2.stop();
        assert.ok(coloured.text().includes("\x1b[31mfailed"));
    });

    it("shows the attempt an event names, and a frame drawn after stop starts a new block", () => {
        const stream = new Capture(true);
        const progress = createProgress({ layers: ["mesh"], stream, intervalMs: 1000, now: () => 0 });
        progress.onEvent(state("mesh", "running", { attempt: 3 }));
        progress.stop();
        assert.match(plain(stream.text()), /▶ mesh\s+running\s+0ms {2}attempt 3\n/);
        const count = stream.chunks.length;
        progress.stop();
        assert.equal(stream.chunks.length, count + 1, "the final frame was kept, so the same frame is written again");
        assert.ok(!stream.chunks[count].includes("\x1b[2K"), "nothing of the kept frame is erased");
    });

    it("uses a 100 ms redraw interval by default", async () => {
        const stream = new Capture(true);
        let clock = 0;
        const progress = createProgress({ layers: ["mesh"], stream, now: () => (clock += 1000) });
        progress.onEvent(state("mesh", "running"));
        await wait(30);
        assert.equal(stream.chunks.length, 0, "not drawn within the first 100 ms");
        await wait(150);
        assert.ok(stream.chunks.length >= 1);
        progress.stop();
    });
});

describe("mutation: frames and durations", () => {
    it("renders every state with its symbol, resources, elapsed time, attempts and the totals line", () => {
        const rows = [
            { layer: "a", state: "queued", done: 0, attempts: 0 },
            { layer: "b", state: "running", done: 3, attempts: 1, startedAt: 1000 },
            { layer: "c", state: "retrying", done: 0, total: 4, attempts: 2, startedAt: 500 },
            { layer: "d", state: "succeeded", done: 5, total: 5, attempts: 1, startedAt: 2000, endedAt: 2500 },
            { layer: "e", state: "failed", done: 1, attempts: 3, startedAt: 2000, endedAt: 4000 },
            { layer: "f", state: "skipped", done: 0, attempts: 0 },
            { layer: "g", state: "cancelled", done: 0, attempts: 0 },
            { layer: "h", state: "unchanged", done: 0, attempts: 0 },
            { layer: "i", state: "not-selected", done: 0, attempts: 0 },
        ];
        assert.deepEqual(renderRows(rows, 6000).split("\n"), [
            "· a      queued",
            "▶ b      running               3     5.0s",
            "↻ c      retrying            0/4     5.5s  attempt 2",
            "✔ d      succeeded           5/5    500ms",
            "✖ e      failed                1     2.0s  attempt 3",
            "– f      skipped",
            "■ g      cancelled",
            "  h      unchanged",
            "  i      not-selected",
            "  total  6/9 layers         9/13     5.5s",
        ]);
        assert.deepEqual(renderRows(rows, 6000, true).split("\n").slice(1, 9), [
            "▶ b      \u001b[33mrunning     \u001b[39m          3     5.0s",
            "↻ c      \u001b[33mretrying    \u001b[39m        0/4     5.5s  attempt 2",
            "✔ d      \u001b[32msucceeded   \u001b[39m        5/5    500ms",
            "✖ e      \u001b[31mfailed      \u001b[39m          1     2.0s  attempt 3",
            "– f      \u001b[90mskipped     \u001b[39m",
            "■ g      \u001b[90mcancelled   \u001b[39m",
            "  h      \u001b[32munchanged   \u001b[39m",
            "  i      \u001b[90mnot-selected\u001b[39m",
        ]);
        assert.equal(renderRows(rows, 6000, true).split("\n")[0], "· a      queued", "queued has no colour");
        assert.deepEqual(renderRows([{ layer: "longlayername", state: "queued", done: 0, attempts: 0 }], 0).split("\n"), ["· longlayername  queued", "  total          0/1 layers"]);
        assert.equal(renderRows([], 0), "  total  0/0 layers");
    });

    it("formats durations at the ms / s / m boundaries", () => {
        assert.equal(formatDuration(0), "0ms");
        assert.equal(formatDuration(999.4), "999ms");
        assert.equal(formatDuration(1000), "1.0s");
        assert.equal(formatDuration(12_345), "12.3s");
        assert.equal(formatDuration(59_940), "59.9s");
        assert.equal(formatDuration(60_000), "1m00s");
        assert.equal(formatDuration(65_000), "1m05s");
        assert.equal(formatDuration(125_400), "2m05s");
        assert.equal(formatDuration(3_600_000), "60m00s");
    });

    it("keeps the first line of a message, trimmed, shortened with an ellipsis past the limit", () => {
        assert.equal(firstLine("  one  \ntwo"), "one");
        assert.equal(firstLine("x".repeat(100)), "x".repeat(100));
        assert.equal(firstLine("x".repeat(101)), `${"x".repeat(99)}…`);
        assert.equal(firstLine("abcdef", 5), "abcd…");
        assert.equal(firstLine("abcde", 5), "abcde");
    });

    it("wants colour unless NO_COLOR is set or FORCE_COLOR is 0", () => {
        assert.equal(colorWanted({ NO_COLOR: "" }), true);
        assert.equal(colorWanted({ FORCE_COLOR: "1" }), true);
        assert.equal(colorWanted({ NO_COLOR: "yes", FORCE_COLOR: "1" }), false);
        const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
        try {
            process.env.NO_COLOR = "1";
            assert.equal(colorWanted(), false, "reads process.env by default");
        } finally {
            for (const [k, v] of Object.entries(saved)) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });
});

describe("mutation: run summary table", () => {
    const result = (changes: Partial<Record<"create" | "update" | "replace" | "delete" | "same", number>>, resources: number) => ({
        env: "dev", layer: "cluster" as Layer, operation: "up" as const, resources: Array(resources).fill({}),
        changes: { create: 0, update: 0, replace: 0, delete: 0, same: 0, ...changes }, outputs: {}, policy: [], schema: [], durationMs: 1,
    });

    it("tabulates every status, change kind and note, lists failed logs and explains an interruption", () => {
        const summary = {
            env: "qa", operation: "destroy", engine: "offline", durationMs: 999, interrupted: true,
            outcomes: [
                { layer: "cluster", status: "succeeded", attempts: 1, durationMs: 1000, result: result({ replace: 2, delete: 3 }, 12), logFile: "/l/cluster.log" },
                { layer: "images", status: "unchanged", attempts: 0, durationMs: 0, result: result({ same: 4 }, 0) },
                { layer: "monitoring", status: "cancelled", attempts: 1, durationMs: 60_000, error: "interrupted: operation aborted\nat x" },
                { layer: "mesh", status: "failed", attempts: 2, error: "x".repeat(90), logFile: "/l/mesh.log" },
                { layer: "apps", status: "skipped", attempts: 0, error: "someone failed", logFile: "/l/apps.log" },
                { layer: "extra", status: "failed", attempts: 1 },
                { layer: "ns", status: "not-selected", attempts: 0 },
            ],
        } as unknown as RunSummary;
        assert.deepEqual(renderSummary(summary).split("\n"), [
            "qa: destroy with the offline engine, 1 succeeded, 1 unchanged, 1 cancelled, 2 failed, 1 skipped in 999ms",
            "LAYER       STATUS        ATTEMPTS  DURATION  RESOURCES  CHANGES  NOTE",
            "cluster     succeeded     1         1.0s      12         ±2 -3",
            "images      unchanged     0         0ms       0          none",
            "monitoring  cancelled     1         1m00s                         interrupted: operation aborted",
            `mesh        failed        2                                       ${"x".repeat(79)}…`,
            "apps        skipped       0",
            "extra       failed        1",
            "ns          not-selected",
            "",
            "Full logs of failed layers:",
            "  mesh: /l/mesh.log",
            "",
            "Interrupted: layers marked cancelled were stopped or never started; run the command again to finish.",
        ]);
    });

    it("shows creates and updates, and no log or interruption section when there is none", () => {
        const summary = {
            env: "dev", operation: "up", engine: "pulumi", durationMs: 61_000, interrupted: false,
            outcomes: [
                { layer: "cluster", status: "succeeded", attempts: 1, durationMs: 10, result: result({ create: 1, update: 2 }, 3) },
                { layer: "apps", status: "skipped", attempts: 0, skippedBecause: "cluster", error: "cluster failed" },
            ],
        } as unknown as RunSummary;
        assert.deepEqual(renderSummary(summary).split("\n"), [
            "dev: up with the pulumi engine, 1 succeeded, 1 skipped in 1m01s",
            "LAYER    STATUS     ATTEMPTS  DURATION  RESOURCES  CHANGES  NOTE",
            "cluster  succeeded  1         10ms      3          +1 ~2",
            "apps     skipped    0                                       skipped because cluster failed",
        ]);
    });
});
