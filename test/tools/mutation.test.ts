/** `npm run test:mutation`: the scores it prints from Stryker's JSON report, and its argument errors. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { formatScores, scores, strykerBin, SUITES } from "../../tools/mutation";

const ROOT = path.resolve(__dirname, "..", "..");
const mutants = (...statuses: string[]) => ({ mutants: statuses.map((status) => ({ status })) });

describe("test:mutation", () => {
    it("scores each folder and the whole suite as detected / (detected + survived + not covered)", () => {
        const rows = scores({
            files: {
                "policies/rules/rbac/a.ts": mutants("Killed", "Killed", "Survived", "Timeout"),
                "policies/rules/rbac/b.ts": mutants("NoCoverage", "CompileError", "Ignored"),
                "policies/rules/aws/c.ts": mutants("Killed"),
            },
        }, ROOT);
        assert.deepStrictEqual(rows, [
            { folder: "policies/rules/aws", killed: 1, survived: 0, noCoverage: 0, score: 100 },
            { folder: "policies/rules/rbac", killed: 3, survived: 1, noCoverage: 1, score: 60 },
            { folder: "all", killed: 4, survived: 1, noCoverage: 1, score: (100 * 4) / 6 },
        ]);
        const table = formatScores(SUITES[0], rows);
        assert.match(table, /^rules: policies\/rules\/\*\*$/m);
        assert.match(table, /^policies\/rules\/rbac\s+60\.0%\s+3\s+1\s+1$/m);
        assert.match(table, /^all\s+66\.7%\s+4\s+1\s+1$/m);
    });

    it("finds Stryker's CLI script, which the package does not export", () => {
        assert.ok(fs.existsSync(strykerBin()), strykerBin());
        assert.throws(() => require.resolve("@stryker-mutator/core/bin/stryker.js"), /ERR_PACKAGE_PATH_NOT_EXPORTED|not exported/i, "resolving the bin by its path is what broke");
    });

    it("a folder with nothing testable scores 0, not NaN", () => {
        assert.deepStrictEqual(scores({ files: { "x/a.ts": mutants("Ignored") } }, ROOT), []);
        assert.strictEqual(scores({ files: { "x/a.ts": mutants("Survived") } }, ROOT)[0].score, 0);
    });

    it("rejects an unknown suite or option in one line, naming the choices, with exit code 2", () => {
        for (const [args, message] of [
            [["nope"], /unknown suite "nope"; use one of: rules, core/],
            [["--fast"], /unknown option --fast/],
            [["--since"], /--since needs a git ref/],
        ] as const) {
            const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "tools/mutation.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(r.status, 2, r.stderr);
            assert.match(r.stderr.split("\n")[0], message);
        }
    });
});
