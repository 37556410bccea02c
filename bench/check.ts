/**
 * `infra check --env <env>` wall time against its floor: the same layer programs run bare,
 * in one process, under the SDK mock runtime (no policy, no child processes, no reports).
 * Both are measured in this run, alternating, so machine noise hits both alike.
 *
 * `infra` keeps V8's compiled code between runs (automation/processes/compile-cache.js), which
 * the bare floor does not. A second floor runs the same script with that cache too, so the
 * output also shows what is left once both load code alike: the orchestrator's own overhead.
 *
 *   node --require tsx/cjs bench/check.ts [--env dev] [--runs 3]
 */
import { execFileSync } from "child_process";
import * as os from "os";
import * as path from "path";
import type { BenchResult } from "./run";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const env = args.includes("--env") ? args[args.indexOf("--env") + 1] : "dev";
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 3;

/** The floor: a fresh node process that plans every layer in order, in-process. */
const FLOOR_SCRIPT = `
require("tsx/cjs");
const { planLayer } = require(${JSON.stringify(path.join(ROOT, "automation/offline/plan.ts"))});
const { topoOrder } = require(${JSON.stringify(path.join(ROOT, "stacks/graph.ts"))});
(async () => {
  const upstream = {};
  let n = 0;
  for (const layer of topoOrder()) {
    const r = await planLayer({ kind: "run", env: ${JSON.stringify(env)}, layer, upstream: { ...upstream }, scratchDir: ${JSON.stringify(path.join(os.tmpdir(), "bench-check"))} });
    upstream[layer] = r.outputs; n += r.resources.length;
  }
  console.log(n);
  process.exit(0);
})();
`;

function time(fn: () => string): { ms: number; out: string } {
    const t = process.hrtime.bigint();
    const out = fn();
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

const COMPILE_CACHE = path.join(ROOT, "automation/processes/compile-cache.js");
/** The three measured commands; each returns what it printed. */
const commands = {
    // The bare floor must not pick the cache up from the environment either.
    floor: () => execFileSync(process.execPath, ["-e", FLOOR_SCRIPT], { cwd: ROOT, encoding: "utf8", env: { ...process.env, DISABLE_V8_COMPILE_CACHE: "1" } }),
    cachedFloor: () => execFileSync(process.execPath, ["--require", COMPILE_CACHE, "-e", FLOOR_SCRIPT], { cwd: ROOT, encoding: "utf8" }),
    check: () => execFileSync(process.execPath, [path.join(ROOT, "bin/infra.js"), "check", "--env", env, "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }),
};
const floor: number[] = [];
const cachedFloor: number[] = [];
const check: number[] = [];
let resources = 0;
// One unmeasured run of each that uses the compile cache fills it, as any earlier run on a machine has.
commands.cachedFloor();
commands.check();
for (let i = 0; i < runs; i++) {
    const f = time(commands.floor);
    floor.push(f.ms);
    resources = Number(f.out.trim());
    cachedFloor.push(time(commands.cachedFloor).ms);
    check.push(time(commands.check).ms);
}
const ratio = median(check) / median(floor);
const cachedRatio = median(check) / median(cachedFloor);
const GOAL = { maxRatio: 1.3 };
console.log(`environment        ${env} (${resources} resources, ${runs} runs each, ${os.cpus().length} cores)`);
console.log(`floor (bare mock)  ${median(floor).toFixed(0)} ms median  [${floor.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`infra check        ${median(check).toFixed(0)} ms median  [${check.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`floor, code cached ${median(cachedFloor).toFixed(0)} ms median  [${cachedFloor.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`ratio              ${ratio.toFixed(2)}x the bare floor (overhead ${((ratio - 1) * 100).toFixed(0)}%; goal under ${((GOAL.maxRatio - 1) * 100).toFixed(0)}%: ${ratio <= GOAL.maxRatio ? "met" : "NOT met"})`);
console.log(`                   ${cachedRatio.toFixed(2)}x the floor with the same compile cache (the orchestrator's own overhead, no goal)`);
const results: BenchResult[] = [{
    name: `infra check --env ${env}`, baseline: { label: "bare mock runtime", ms: median(floor) }, measured: { label: "infra check", ms: median(check) }, ratio, goal: GOAL,
}, {
    name: `infra check --env ${env}, both with the compile cache`, baseline: { label: "bare mock runtime, code cached", ms: median(cachedFloor) }, measured: { label: "infra check", ms: median(check) }, ratio: cachedRatio,
}];
console.log(JSON.stringify({ bench: "check", env, resources, runs, floorMs: median(floor), cachedFloorMs: median(cachedFloor), checkMs: median(check), ratio, cachedRatio, results }));
