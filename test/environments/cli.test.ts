/**
 * `infra` on a bad environment, spawned as a user runs it: exit 2 with one line on stderr that
 * names the file and the field, before any layer starts (no layer log, no lock, no state).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { lines, PROJECT_DIR, runCli } from "../cli/run-cli";
import { replace, shipped, tempEnvDir } from "./helpers";

describe("infra on a bad environment file", function () {
    this.timeout(120_000);
    // An environment name no other test uses, so its absence from .infra/ proves nothing ran for it.
    const env = "schemaqa";
    const infra = path.join(PROJECT_DIR, ".infra");
    const traces = () => ["logs", "locks", "offline", "runs", "fingerprints"].flatMap((d) => {
        const dir = path.join(infra, d);
        return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map((f) => path.join(d, String(f))).filter((f) => path.basename(f).startsWith(`${env}-`) || path.basename(f).startsWith(`${env}.`)) : [];
    });
    // Should a regression let a layer run, its traces (only this environment's) are removed after the assertion failed.
    afterEach(() => {
        for (const f of traces()) fs.rmSync(path.join(infra, f), { force: true });
    });
    const bad = replace(replace(shipped("dev"), "name: dev", `name: ${env}`), "limits: { cpu: 500m, memory: 512Mi }", "limits: { cpu: 100m, memory: 512Mi }");

    for (const args of [["up", "--env", env, "--engine", "offline", "--yes"], ["check", "--env", env]]) {
        it(`infra ${args[0]} exits 2 with one stderr line naming the file, field and fix; no layer runs`, async () => {
            const { dir, cleanup } = tempEnvDir({ [`${env}.yaml`]: bad });
            try {
                const r = await runCli(args, { env: { INFRA_ENVIRONMENTS_DIR: dir } });
                assert.strictEqual(r.code, 2, r.stderr);
                assert.deepStrictEqual(lines(r.stderr), [`infra: ${path.join(dir, `${env}.yaml`)}: apps.workloads.0.resources.limits.cpu ("100m") is below the request "250m"; raise the limit to at least "250m" or lower the request`]);
                assert.doesNotMatch(r.stdout + r.stderr, /running|succeeded|failed after|cluster|images/);
                assert.deepStrictEqual(traces(), []);
            } finally {
                cleanup();
            }
        });
    }

    it("infra check refuses an alias bomb with exit 2 naming the file", async () => {
        const lines_ = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
        for (let i = 1; i < 12; i++) lines_.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
        const { dir, cleanup } = tempEnvDir({ [`${env}.yaml`]: lines_.join("\n") + `\nname: ${env}\n` });
        try {
            const r = await runCli(["check", "--env", env], { env: { INFRA_ENVIRONMENTS_DIR: dir } });
            assert.strictEqual(r.code, 2, r.stderr);
            assert.strictEqual(lines(r.stderr).length, 1, r.stderr);
            assert.match(r.stderr, new RegExp(`${env}\\.yaml: the YAML parser refused it`));
        } finally {
            cleanup();
        }
    });
});
