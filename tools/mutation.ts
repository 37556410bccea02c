/**
 * Mutation testing (StrykerJS, mocha runner, per-test coverage) of the two suites whose tests
 * must fail when the code breaks: the policy rules and the orchestrator core. Runs Stryker with
 * stryker/<suite>.config.json, then prints the mutation score per folder from its JSON report
 * and exits non-zero when a suite is under its goal. Reports (HTML and JSON) go to
 * reports/mutation/, which git ignores. Not part of `npm test`: a full run takes minutes.
 *
 *   npm run test:mutation                         both suites
 *   npm run test:mutation -- rules                one suite (rules | core)
 *   npm run test:mutation -- --since origin/main  only files changed since a commit (pull requests)
 *   npm run test:mutation -- --report-only        print the scores of the last reports, run nothing
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { minimatch } from "minimatch";

const ROOT = path.resolve(__dirname, "..");
const GOAL = 90;


/** Stryker's CLI script: the package exports only its API and package.json, so it is found from the package folder. */
export function strykerBin(): string {
    return path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
}

export interface Suite {
    name: string;
    config: string;
    /** What the suite mutates, as the score table's heading says it. */
    describe: string;
}

export const SUITES: Suite[] = [
    { name: "rules", config: "stryker/rules.config.json", describe: "policies/rules/**" },
    { name: "core", config: "stryker/core.config.json", describe: "orchestrator core: pipeline, lock, run records, release history and pins, fingerprints" },
];

/** Stryker's mutant statuses that count as detected, and those that count against the score. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

export interface FolderScore {
    folder: string;
    killed: number;
    survived: number;
    noCoverage: number;
    score: number;
}

type Report = { files: Record<string, { mutants: { status: string }[] }> };

/** Scores per folder (and the total, folder "all") of a mutation-testing-report-schema JSON report. */
export function scores(report: Report, root = ROOT): FolderScore[] {
    const by = new Map<string, { killed: number; survived: number; noCoverage: number }>();
    const add = (folder: string, status: string) => {
        const s = by.get(folder) ?? { killed: 0, survived: 0, noCoverage: 0 };
        if (DETECTED.has(status)) s.killed++;
        else if (status === "Survived") s.survived++;
        else if (status === "NoCoverage") s.noCoverage++;
        by.set(folder, s);
    };
    for (const [file, { mutants }] of Object.entries(report.files)) {
        const folder = path.dirname(path.relative(root, path.resolve(root, file)));
        for (const m of mutants) {
            if (!DETECTED.has(m.status) && !UNDETECTED.has(m.status)) continue; // ignored, compile errors
            add(folder, m.status);
            add("all", m.status);
        }
    }
    return [...by.entries()]
        .map(([folder, s]) => ({ folder, ...s, score: (100 * s.killed) / Math.max(1, s.killed + s.survived + s.noCoverage) }))
        .sort((a, b) => (a.folder === "all" ? 1 : b.folder === "all" ? -1 : a.folder.localeCompare(b.folder)));
}

/** The score table as printed. */
export function formatScores(suite: Suite, rows: FolderScore[]): string {
    const w = Math.max(6, ...rows.map((r) => r.folder.length));
    const lines = [`${suite.name}: ${suite.describe}`, `${"folder".padEnd(w)}  score   killed  survived  no coverage`];
    for (const r of rows) {
        lines.push(`${r.folder.padEnd(w)}  ${r.score.toFixed(1).padStart(5)}%  ${String(r.killed).padStart(6)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}`);
    }
    return lines.join("\n");
}

/** The files of `config`'s mutate globs changed since `ref` (committed or not), for an incremental run. */
function changedSince(ref: string, config: { mutate: string[] }): string[] {
    const out = execFileSync("git", ["diff", "--name-only", "--diff-filter=d", ref, "--"], { cwd: ROOT, encoding: "utf8" });
    return out.split("\n").filter((f) => f.endsWith(".ts") && config.mutate.some((g) => !g.startsWith("!") && minimatch(f, g))
        && !config.mutate.some((g) => g.startsWith("!") && minimatch(f, g.slice(1))));
}

function usage(msg: string): never {
    process.stderr.write(`test:mutation: ${msg}\nusage: npm run test:mutation -- [rules|core] [--since <git ref>] [--report-only]\n`);
    process.exit(2);
}

function main(argv: string[]): number {
    const names = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--since");
    const since = argv.includes("--since") ? argv[argv.indexOf("--since") + 1] : undefined;
    if (argv.includes("--since") && !since) usage("--since needs a git ref, e.g. --since origin/main");
    for (const a of argv) if (a.startsWith("--") && !["--since", "--report-only"].includes(a)) usage(`unknown option ${a}`);
    const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
    if (unknown.length) usage(`unknown suite "${unknown[0]}"; use one of: ${SUITES.map((s) => s.name).join(", ")}`);
    const suites = names.length ? SUITES.filter((s) => names.includes(s.name)) : SUITES;
    let below = 0;
    for (const suite of suites) {
        const configPath = path.join(ROOT, suite.config);
        const config = JSON.parse(fs.readFileSync(configPath, "utf8"));
        const reportFile = path.join(ROOT, config.jsonReporter.fileName);
        if (!argv.includes("--report-only")) {
            const extra: string[] = [];
            if (since) {
                const files = changedSince(since, config);
                if (files.length === 0) {
                    console.log(`${suite.name}: no file it mutates changed since ${since}; nothing to test`);
                    continue;
                }
                extra.push("--mutate", files.join(","));
                console.log(`${suite.name}: ${files.length} changed file(s) since ${since}`);
            }
            const started = Date.now();
            const stryker = strykerBin();
            const r = spawnSync(process.execPath, [stryker, "run", configPath, ...extra], { cwd: ROOT, stdio: "inherit" });
            if (r.status !== 0) {
                process.stderr.write(`test:mutation: stryker failed for ${suite.name} (exit ${r.status ?? r.signal}); see its output above\n`);
                return 1;
            }
            console.log(`${suite.name}: stryker ran in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
        if (!fs.existsSync(reportFile)) {
            process.stderr.write(`test:mutation: no report at ${path.relative(ROOT, reportFile)}; run without --report-only first\n`);
            return 1;
        }
        const rows = scores(JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report);
        console.log(formatScores(suite, rows));
        const total = rows.find((r) => r.folder === "all");
        const ok = (total?.score ?? 0) >= GOAL;
        console.log(`${suite.name}: ${total?.score.toFixed(1) ?? "0"}% of mutants killed (goal >= ${GOAL}%: ${ok ? "met" : "NOT met"}); report ${path.relative(ROOT, config.htmlReporter.fileName)}\n`);
        if (!ok) below++;
    }
    return below ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
