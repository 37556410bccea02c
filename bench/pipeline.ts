/**
 * Pipeline overhead: wall time of a full `up` of the layer graph with a scripted engine of known
 * per-layer durations, against the critical path of the graph (the fastest any schedule can be).
 * Run: node --require tsx/cjs bench/pipeline.ts [runs]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { criticalPath } from "../automation/pipeline/critical-path";
import { runPipeline } from "../automation/pipeline/runner";
import { LAYERS, type Layer } from "../stacks/graph";
import { ScriptedEngine } from "../test/pipeline/scripted-engine";
import type { BenchResult } from "./run";

const DURATIONS: Record<Layer, number> = { cluster: 400, images: 300, monitoring: 250, mesh: 200, apps: 150 };
const TOLERANCE = 0.05;

async function main(): Promise<void> {
    const runs = Number(process.argv[2] ?? 5);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be an integer >= 1, got ${process.argv[2]}`);
    const cp = criticalPath(DURATIONS);
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pipeline-"));
    const walls: number[] = [];
    for (let k = 0; k < runs; k++) {
        // Many small progress events per layer so event handling and log writing are part of the cost.
        const script = Object.fromEntries(LAYERS.map((l) => [l, { durationMs: DURATIONS[l], resources: 50, outputs: { name: `${l}-out` } }]));
        const engine = new ScriptedEngine(script);
        let events = 0;
        const started = process.hrtime.bigint();
        const summary = await runPipeline({
            env: "bench", operation: "up", engine, selected: [...LAYERS] as Layer[], logDir, onEvent: () => events++,
        });
        const wall = Number(process.hrtime.bigint() - started) / 1e6;
        const failed = summary.outcomes.filter((o) => o.status !== "succeeded");
        if (failed.length > 0) throw new Error(`run ${k + 1}: layers did not succeed: ${failed.map((o) => `${o.layer} ${o.status}`).join(", ")}`);
        walls.push(wall);
        console.log(`run ${k + 1}: ${wall.toFixed(1)} ms wall, ${events} events`);
    }
    fs.rmSync(logDir, { recursive: true, force: true });
    const sorted = [...walls].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const ratio = median / cp.ms;
    const within = ratio <= 1 + TOLERANCE;
    console.log(`critical path: ${cp.layers.join(" -> ")} = ${cp.ms} ms`);
    console.log(`median wall time: ${median.toFixed(1)} ms (min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)})`);
    console.log(`ratio wall / critical path: ${ratio.toFixed(3)} -> ${within ? "within" : "NOT within"} ${TOLERANCE * 100}%`);
    const results: BenchResult[] = [{
        name: "up of the layer graph, scripted engine", baseline: { label: "critical path", ms: cp.ms }, measured: { label: "median wall", ms: median }, ratio, goal: { maxRatio: 1 + TOLERANCE },
    }];
    console.log(JSON.stringify({
        bench: "pipeline", runs, durations: DURATIONS, criticalPath: cp.layers, criticalPathMs: cp.ms,
        wallMs: walls.map((w) => Math.round(w * 10) / 10), medianWallMs: Math.round(median * 10) / 10,
        ratio: Math.round(ratio * 1000) / 1000, tolerance: TOLERANCE, within, results,
    }));
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
});
