/**
 * `infra` on a bad environment, spawned as a user runs it: exit 2 with one line on stderr that
 * names the file, the field and the fix, before any layer starts. The run gets its own state
 * folder (INFRA_STATE_DIR), which must stay empty: no lock, no layer log, no run record, no state.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lines, runCli } from "../cli/run-cli";
import { replace, shipped, tempEnvDir } from "./helpers";

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
    return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
}

describe("infra on a bad environment file", function () {
    this.timeout(120_000);
    const env = "qa";
    const bad = replace(replace(shipped("dev"), "name: dev", `name: ${env}`), "limits: { cpu: 500m, memory: 512Mi }", "limits: { cpu: 100m, memory: 512Mi }");
    const bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) bomb.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);

    async function run(args: string[], text: string) {
        const envs = tempEnvDir({ [`${env}.yaml`]: text });
        const state = fs.mkdtempSync(path.join(os.tmpdir(), "infra-state-"));
        try {
            const r = await runCli(args, { env: { INFRA_ENVIRONMENTS_DIR: envs.dir, INFRA_STATE_DIR: state } });
            return { ...r, file: path.join(envs.dir, `${env}.yaml`), traces: filesUnder(state) };
        } finally {
            envs.cleanup();
            fs.rmSync(state, { recursive: true, force: true });
        }
    }

    for (const args of [["up", "--env", env, "--engine", "offline", "--yes"], ["check", "--env", env]]) {
        it(`infra ${args[0]} exits 2 with one stderr line naming the file, field and fix; no layer runs`, async () => {
            const r = await run(args, bad);
            assert.strictEqual(r.code, 2, r.stderr);
            assert.deepStrictEqual(lines(r.stderr), [`infra: ${r.file}: apps.workloads.0.resources.limits.cpu ("100m") is below the request "250m"; raise the limit to at least "250m" or lower the request`]);
            assert.strictEqual(r.stdout, "");
            assert.deepStrictEqual(r.traces, [], "nothing was written to the run-state folder");
        });
    }

    it("infra check refuses an alias bomb with exit 2 naming the file", async () => {
        const r = await run(["check", "--env", env], bomb.join("\n") + `\nname: ${env}\n`);
        assert.strictEqual(r.code, 2, r.stderr);
        assert.strictEqual(lines(r.stderr).length, 1, r.stderr);
        assert.ok(lines(r.stderr)[0].startsWith(`infra: ${r.file}: the YAML parser refused it (Excessive alias count`), r.stderr);
        assert.deepStrictEqual(r.traces, []);
    });
});
