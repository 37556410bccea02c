import { strict as assert } from "assert";
import { Writable } from "stream";
import { emptyChanges } from "../../automation/engine";
import { colorWanted, createProgress, renderRows, renderSummary } from "../../automation/pipeline/progress";
import { type RunSummary, runPipeline } from "../../automation/pipeline/runner";
import { LAYERS, type Layer } from "../../stacks/graph";
import { ScriptedEngine } from "./scripted-engine";

class Capture extends Writable {
    readonly chunks: string[] = [];
    columns = 120;
    constructor(readonly isTTY: boolean) {
        super();
    }
    _write(chunk: Buffer, _enc: string, done: () => void): void {
        this.chunks.push(chunk.toString());
        done();
    }
}

describe("progress view", () => {
    it("prints one whole line per state change when not a terminal", async () => {
        const stream = new Capture(false);
        const layers = [...LAYERS] as Layer[];
        const progress = createProgress({ layers, stream });
        const engine = new ScriptedEngine({ monitoring: { fail: "chart not found\nstack trace line" }, cluster: { transientFailures: 1 } });
        await runPipeline({ env: "dev", operation: "up", engine, selected: layers, retry: { attempts: 2, baseDelayMs: 5 }, onEvent: progress.onEvent });
        progress.stop();
        assert.ok(stream.chunks.every((c) => c.endsWith("\n") && c.indexOf("\n") === c.length - 1), "each write is exactly one line");
        const text = stream.chunks.join("");
        assert.match(text, /cluster retrying \(attempt 2\): throttled \(attempt 1\)\n/);
        assert.match(text, /cluster succeeded after \d+(ms|\.\ds)\n/);
        assert.match(text, /monitoring failed after \S+: chart not found\n/);
        assert.match(text, /mesh skipped: monitoring failed\n/);
        assert.doesNotMatch(text, /progress|stack trace line/, "engine events and error details stay in the log files");
    });

    it("redraws a terminal view at most about 10 times a second however many events arrive", async () => {
        const stream = new Capture(true);
        const progress = createProgress({ layers: ["cluster", "images"], stream, intervalMs: 100 });
        progress.onEvent({ kind: "layer-state", layer: "cluster", status: "running", attempt: 1 });
        const until = Date.now() + 350;
        let sent = 0;
        while (Date.now() < until) {
            for (let k = 0; k < 50; k++) progress.onEvent({ kind: "progress", layer: "cluster", done: ++sent, total: 100_000 });
            await new Promise((r) => setImmediate(r));
        }
        progress.onEvent({ kind: "layer-state", layer: "cluster", status: "succeeded" });
        progress.stop();
        assert.ok(sent > 1000, `sent ${sent} events`);
        assert.ok(stream.chunks.length <= 7, `${stream.chunks.length} writes for ${sent} events`);
        // The final frame (log-update may split its last write).
        const last = stream.chunks.join("").split("succeeded").slice(-2).join("succeeded");
        assert.match(last, /cluster\s+succeeded\s+\d+\/100000/);
        assert.match(last, /images\s+queued/);
    });

    it("renders one aligned row per layer with resources, elapsed time and retry attempt", () => {
        const frame = renderRows(
            [
                { layer: "cluster", state: "running", done: 12, total: 40, attempts: 2, startedAt: 0 },
                { layer: "apps", state: "queued", done: 0, attempts: 0 },
            ],
            3200,
        );
        const [cluster, apps, total] = frame.split("\n");
        assert.match(cluster, /^▶ cluster\s+running\s+12\/40\s+3\.2s\s+attempt 2$/);
        assert.match(apps, /^· apps\s+queued$/);
        assert.match(total, /^\s+total\s+0\/2 layers\s+12\/40\s+3\.2s$/);
    });

    it("colours the state column only when asked, and NO_COLOR turns it off", () => {
        const rows = [{ layer: "apps", state: "failed", done: 0, attempts: 1, startedAt: 0, endedAt: 10 }];
        assert.ok(renderRows(rows, 10, true).includes("\u001b[31mfailed"), "failed in red");
        assert.ok(!renderRows(rows, 10, false).includes("\u001b["), "no escape codes without colour");
        assert.equal(colorWanted({ NO_COLOR: "1" }), false);
        assert.equal(colorWanted({ FORCE_COLOR: "0" }), false);
        assert.equal(colorWanted({}), true);
    });
});

describe("run summary", () => {
    const result = (layer: Layer) => ({
        env: "dev", layer, operation: "up" as const, resources: [], changes: { ...emptyChanges(), create: 3, update: 1 },
        outputs: {}, policy: [], schema: [], durationMs: 10,
    });
    const summary: RunSummary = {
        env: "dev", operation: "up", engine: "offline", durationMs: 65_000, interrupted: false,
        outcomes: [
            { layer: "cluster", status: "succeeded", attempts: 2, durationMs: 4100, result: result("cluster") },
            { layer: "images", status: "not-selected", attempts: 0 },
            { layer: "monitoring", status: "failed", attempts: 1, durationMs: 900, error: "helm: chart not found\n  at install", logFile: "/tmp/logs/dev-monitoring.log" },
            { layer: "mesh", status: "skipped", attempts: 0, skippedBecause: "monitoring" },
            { layer: "apps", status: "skipped", attempts: 0, skippedBecause: "monitoring" },
        ],
    };

    it("tabulates each layer and explains failures and skips", () => {
        const text = renderSummary(summary);
        const lines = text.split("\n");
        assert.equal(lines[0], "dev: up with the offline engine, 1 succeeded, 1 failed, 2 skipped in 1m05s");
        assert.match(lines[1], /^LAYER\s+STATUS\s+ATTEMPTS\s+DURATION\s+RESOURCES\s+CHANGES\s+NOTE$/);
        assert.match(text, /cluster\s+succeeded\s+2\s+4\.1s\s+0\s+\+3 ~1/);
        assert.match(text, /monitoring\s+failed\s+1\s+900ms\s+helm: chart not found$/m);
        assert.doesNotMatch(text, /at install/);
        assert.match(text, /mesh\s+skipped\s+0\s+skipped because monitoring failed/);
        assert.match(text, /images\s+not-selected\s*$/m);
        assert.match(text, /Full logs of failed layers:\n {2}monitoring: \/tmp\/logs\/dev-monitoring\.log/);
        assert.doesNotMatch(text, /Interrupted/);
        assert.match(renderSummary({ ...summary, interrupted: true }), /Interrupted: layers marked cancelled/);
    });
});
