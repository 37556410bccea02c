/**
 * Orchestration overhead on the real engine: `infra up --env dev` (serial, then with layers in
 * parallel) against the sum of the five `pulumi up -s dev-<layer>` runs a user would type by hand,
 * all measured in this run, each in a fresh workspace with its own file backend and the provider
 * stand-in. Goal: serial <= 1.10x the hand-run sum, and parallel below it.
 * Needs `npm run setup:engine`. Run: node --require tsx/cjs bench/engine.ts [rounds]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironment } from "../environments/load";
import { writePolicyConfigFile } from "../automation/policy/config";
import { topoOrder } from "../stacks/graph";
import { engineReady, explain, infra, makeWorkspace, pulumi } from "../test/e2e/harness";
import type { BenchResult } from "./run";

const SERIAL_GOAL = 1.1;

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
    const started = process.hrtime.bigint();
    const result = await work();
    return [Number(process.hrtime.bigint() - started) / 1e6, result];
}

/** The five layers of dev by hand: stack init and `pulumi up` with the pack and dev's pack config, in graph order. */
async function byHand(): Promise<number> {
    const ws = makeWorkspace("bench-hand");
    const config = writePolicyConfigFile(loadEnvironment("dev"), path.join(path.dirname(ws.dir), "config"));
    const [ms] = await timed(async () => {
        for (const layer of topoOrder()) {
            const stack = `dev-${layer}`;
            const init = await pulumi(ws, "stack", "init", stack);
            if (init.code !== 0) throw new Error(`pulumi stack init ${stack}: ${explain(init)}`);
            const up = await pulumi(ws, "up", "-s", stack, "--yes", "--skip-preview", "--policy-pack", "policies", "--policy-pack-config", config);
            if (up.code !== 0) throw new Error(`pulumi up -s ${stack}: ${explain(up)}`);
        }
    });
    return ms;
}

async function orchestrated(parallel: number): Promise<number> {
    const ws = makeWorkspace(`bench-infra-${parallel}`);
    const [ms, r] = await timed(() => infra(ws, "up", "--env", "dev", "--yes", "--parallel", String(parallel)));
    if (r.code !== 0) throw new Error(`infra up --parallel ${parallel}: ${explain(r)}`);
    return ms;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
    if (!engineReady()) throw new Error("the real-engine tools are not built; run `npm run setup:engine`");
    const rounds = Number(process.argv[2] ?? 1);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be an integer >= 1, got ${process.argv[2]}`);
    const hand: number[] = [];
    const serial: number[] = [];
    const parallel: number[] = [];
    for (let k = 0; k < rounds; k++) {
        // Interleaved, so a noisy neighbour slows all three alike.
        hand.push(await byHand());
        serial.push(await orchestrated(1));
        parallel.push(await orchestrated(2));
        console.log(`round ${k + 1}: by hand ${(hand[k] / 1000).toFixed(1)} s, infra serial ${(serial[k] / 1000).toFixed(1)} s, infra parallel ${(parallel[k] / 1000).toFixed(1)} s`);
    }
    const [h, s, p] = [median(hand), median(serial), median(parallel)];
    console.log(`\nmedian of ${rounds}: five pulumi up by hand ${(h / 1000).toFixed(1)} s`);
    console.log(`infra up --parallel 1: ${(s / 1000).toFixed(1)} s = ${(s / h).toFixed(2)}x the hand-run sum (goal <= ${SERIAL_GOAL.toFixed(2)}x) ${s / h <= SERIAL_GOAL ? "met" : "NOT met"}`);
    console.log(`infra up --parallel 2: ${(p / 1000).toFixed(1)} s = ${(p / h).toFixed(2)}x the hand-run sum (goal < 1.00x) ${p < h ? "met" : "NOT met"}`);
    const baseline = { label: "five pulumi up by hand", ms: h };
    const results: BenchResult[] = [
        { name: "infra up --env dev --parallel 1", baseline, measured: { label: "infra up", ms: s }, ratio: s / h, goal: { maxRatio: SERIAL_GOAL } },
        { name: "infra up --env dev --parallel 2", baseline, measured: { label: "infra up", ms: p }, ratio: p / h, goal: { maxRatio: 1, strict: true } },
    ];
    console.log(JSON.stringify({ bench: "engine", rounds, handMs: hand, serialMs: serial, parallelMs: parallel, results }));
    for (const dir of fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("infra-e2e-bench-"))) fs.rmSync(path.join(os.tmpdir(), dir), { recursive: true, force: true });
}

main().catch((err) => {
    console.error(`bench/engine: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
});
