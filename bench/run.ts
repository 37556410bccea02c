/**
 * Runs the benchmarks one after another, each in its own process (so one bench's warm caches and
 * heap do not flatter the next), and prints one table of their results: what each measured, the
 * baseline it measured in the same run, the ratio, the goal and whether it was met.
 *
 *   npm run bench                     # check, pipeline, policy, engine
 *   npm run bench -- check policy     # only those
 *   npm run bench -- --skip engine    # all but the real-engine bench (it takes minutes)
 *
 * Each bench ends its output with one JSON line `{"bench": "<name>", "results": [BenchResult...]}`
 * on stdout; the runner reads the last such line. The engine bench needs `npm run setup:engine`
 * and is skipped with that reason when the tools are absent. Exit code: 0 when every bench that
 * ran produced its results (goals not met are reported, not failed), 1 when one crashed, 2 for
 * bad arguments.
 */
import { spawn } from "child_process";
import * as path from "path";
import { engineReady } from "../test/e2e/harness";

/** One measured figure against its baseline, as every bench reports it. */
export interface BenchResult {
    /** What this row measures, e.g. "infra check --env dev". */
    name: string;
    baseline: { label: string; ms: number };
    measured: { label: string; ms: number };
    /** measured / baseline. */
    ratio: number;
    /** The goal on the ratio, when the bench has one: at most (or, `strict`, below) `maxRatio`. */
    goal?: { maxRatio: number; strict?: boolean };
}

/** Whether a ratio meets its goal; one definition for every bench. */
export function meets(ratio: number, goal: { maxRatio: number; strict?: boolean }): boolean {
    return goal.strict ? ratio < goal.maxRatio : ratio <= goal.maxRatio;
}

export const BENCHES = ["check", "pipeline", "policy", "engine"] as const;
export type BenchName = (typeof BENCHES)[number];

interface Outcome {
    bench: BenchName;
    results?: BenchResult[];
    /** Why there are no results: skipped, or how the bench failed. */
    note?: string;
    failed?: boolean;
    seconds?: number;
}

/**
 * The results in a bench's output: the last line that is a JSON object naming `bench`. A line
 * with `results` is read as is; the policy bench's own `rows` (one per resource count, against a
 * one-rule pack) are read as results without a goal, as that bench sets none.
 */
export function parseResults(bench: string, stdout: string): BenchResult[] | undefined {
    const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("{")).reverse();
    for (const line of lines) {
        let doc: any;
        try {
            doc = JSON.parse(line);
        } catch {
            continue;
        }
        if (doc?.bench !== bench) continue;
        if (Array.isArray(doc.results)) return doc.results as BenchResult[];
        if (bench === "policy" && Array.isArray(doc.rows)) {
            return doc.rows.map((r: any) => ({
                name: `policy pack, ${r.n} resources`,
                baseline: { label: "one-rule pack", ms: r.baselineMs },
                measured: { label: "the pack", ms: r.packMs },
                ratio: r.ratio,
            }));
        }
    }
    return undefined;
}

/** Picks the benches to run from the arguments; unknown names are an error naming the known ones. */
export function selectBenches(args: string[]): BenchName[] {
    const skip = new Set<string>();
    const named: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--skip") {
            if (args[i + 1] === undefined) throw new Error("--skip needs a bench name, e.g. --skip engine");
            skip.add(args[++i]);
        } else named.push(args[i]);
    }
    for (const name of [...named, ...skip]) {
        if (!(BENCHES as readonly string[]).includes(name)) throw new Error(`bench "${name}" is unknown; use one of: ${BENCHES.join(", ")}`);
    }
    return BENCHES.filter((b) => (named.length === 0 || named.includes(b)) && !skip.has(b));
}

function runOne(bench: BenchName): Promise<Outcome> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, `${bench}.ts`)], {
            cwd: path.resolve(__dirname, ".."),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        // Shown as it comes, so a run of minutes shows its progress.
        child.stdout.on("data", (d: Buffer) => {
            stdout += d;
            process.stdout.write(d);
        });
        child.stderr.on("data", (d: Buffer) => {
            stderr += d;
            process.stderr.write(d);
        });
        child.on("close", (code, signal) => {
            const seconds = (Date.now() - started) / 1000;
            const results = parseResults(bench, stdout);
            if (code === 0 && results) return resolve({ bench, results, seconds });
            const last = stderr.trim().split("\n").pop() || (results ? "" : "printed no result line");
            resolve({ bench, failed: true, seconds, note: `failed (${signal ?? `exit ${code}`}): ${last}` });
        });
    });
}

function fmtMs(ms: number): string {
    return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** The one table: a row per result, and a row with the reason for a bench that gave none. */
export function renderTable(outcomes: Outcome[]): string {
    const header = ["bench", "baseline", "measured", "ratio", "goal", "met?"];
    const rows: Array<string[] | string> = [];
    for (const o of outcomes) {
        if (!o.results) {
            rows.push(`${o.bench}: ${o.note ?? "no results"}`);
            continue;
        }
        for (const r of o.results) {
            const goal = r.goal ? `${r.goal.strict ? "<" : "<="} ${r.goal.maxRatio.toFixed(2)}x` : "-";
            const met = r.goal ? (meets(r.ratio, r.goal) ? "yes" : "NO") : "-";
            rows.push([`${o.bench}: ${r.name}`, `${r.baseline.label} ${fmtMs(r.baseline.ms)}`, `${r.measured.label} ${fmtMs(r.measured.ms)}`, `${r.ratio.toFixed(2)}x`, goal, met]);
        }
    }
    const cells = [header, ...rows.filter((r): r is string[] => Array.isArray(r))];
    const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(header), ...rows.map((r) => (Array.isArray(r) ? line(r) : r))].join("\n");
}

async function main(): Promise<void> {
    let selected: BenchName[];
    try {
        selected = selectBenches(process.argv.slice(2));
    } catch (err) {
        console.error(`bench: ${(err as Error).message}`);
        process.exit(2);
    }
    const outcomes: Outcome[] = [];
    for (const bench of selected) {
        if (bench === "engine" && !engineReady()) {
            outcomes.push({ bench, note: "skipped: the real-engine tools are not built; run `npm run setup:engine`" });
            continue;
        }
        console.log(`\n== bench/${bench}.ts`);
        outcomes.push(await runOne(bench));
    }
    console.log(`\n${renderTable(outcomes)}`);
    const took = outcomes.filter((o) => o.seconds !== undefined).map((o) => `${o.bench} ${o.seconds!.toFixed(0)} s`);
    if (took.length > 0) console.log(`\nwall time: ${took.join(", ")}`);
    if (outcomes.some((o) => o.failed)) process.exitCode = 1;
}

if (require.main === module) void main();
