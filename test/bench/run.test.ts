/** The bench runner's reading of bench output, its selection of benches and its table (no bench is run). */
import { strict as assert } from "assert";
import { meets, parseResults, renderTable, selectBenches, type BenchResult } from "../../bench/run";

const result: BenchResult = { name: "infra check --env dev", baseline: { label: "bare mock runtime", ms: 3400 }, measured: { label: "infra check", ms: 6400 }, ratio: 1.88, goal: { maxRatio: 1.3 } };

describe("bench runner", () => {
    it("reads the last result line of its own bench, ignoring other output", () => {
        const stdout = [
            "run 1: 1000 ms",
            JSON.stringify({ bench: "check", results: [{ ...result, ratio: 9 }] }),
            "{ not json",
            JSON.stringify({ bench: "pipeline", results: [] }),
            JSON.stringify({ bench: "check", results: [result] }),
            "",
        ].join("\n");
        assert.deepEqual(parseResults("check", stdout), [result]);
        assert.equal(parseResults("check", "no result here\n"), undefined);
    });

    it("reads the policy bench's own rows, one result per resource count, without a goal", () => {
        const stdout = JSON.stringify({ bench: "policy", rows: [{ n: 100, packMs: 328, baselineMs: 251, ratio: 1.31, packPerSec: 305, baselinePerSec: 398 }] });
        assert.deepEqual(parseResults("policy", stdout), [{ name: "policy pack, 100 resources", baseline: { label: "one-rule pack", ms: 251 }, measured: { label: "the pack", ms: 328 }, ratio: 1.31 }]);
    });

    it("runs every bench by default, the named ones, or all but the skipped", () => {
        assert.deepEqual(selectBenches([]), ["check", "pipeline", "policy", "engine"]);
        assert.deepEqual(selectBenches(["policy", "check"]), ["check", "policy"]);
        assert.deepEqual(selectBenches(["--skip", "engine"]), ["check", "pipeline", "policy"]);
        assert.throws(() => selectBenches(["chek"]), /bench "chek" is unknown; use one of: check, pipeline, policy, engine/);
        assert.throws(() => selectBenches(["--skip"]), /--skip needs a bench name/);
    });

    it("judges goals one way: at most, or strictly below", () => {
        assert.equal(meets(1.1, { maxRatio: 1.1 }), true);
        assert.equal(meets(1.0, { maxRatio: 1, strict: true }), false);
        assert.equal(meets(0.99, { maxRatio: 1, strict: true }), true);
    });

    it("prints one table with the goal and whether it was met, and why a bench has no row", () => {
        const table = renderTable([
            { bench: "check", results: [result] },
            { bench: "engine", note: "skipped: the real-engine tools are not built; run `npm run setup:engine`" },
        ]);
        const lines = table.split("\n");
        assert.match(lines[0], /^bench\s+baseline\s+measured\s+ratio\s+goal\s+met\?$/);
        assert.match(lines[1], /^check: infra check --env dev\s+bare mock runtime 3400 ms\s+infra check 6400 ms\s+1\.88x\s+<= 1\.30x\s+NO$/);
        assert.equal(lines[2], "engine: skipped: the real-engine tools are not built; run `npm run setup:engine`");
    });
});
