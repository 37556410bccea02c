/**
 * `up` change detection as the CLI reports it, what invalidates stored fingerprints, and
 * arguments refused before any engine starts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateParallel } from "../../automation/orchestrator/run";
import type { Engine } from "../../automation/engine";
import { InputError } from "../../common/errors";
import { renderSummary } from "../../automation/pipeline/progress";
import type { RunSummary } from "../../automation/pipeline/runner";
import { fingerprintFile, forgetFingerprints, readFingerprint, recordFingerprints, saveFingerprint } from "../../automation/state/fingerprint";
import { loadEnvironment } from "../../environments/load";
import { LAYERS } from "../../stacks/graph";
import { runCli } from "./run-cli";

const noChanges = { create: 0, update: 0, replace: 0, delete: 0, same: 3 };

function upRun(): RunSummary {
    return {
        env: "dev", operation: "up", engine: "offline", durationMs: 900, interrupted: false,
        outcomes: [
            { layer: "cluster", status: "not-selected", attempts: 0 },
            { layer: "images", status: "not-selected", attempts: 0 },
            { layer: "monitoring", status: "succeeded", attempts: 1, durationMs: 900 },
            { layer: "mesh", status: "not-selected", attempts: 0 },
            { layer: "apps", status: "not-selected", attempts: 0 },
        ],
    };
}

describe("up change detection (CLI)", () => {
    it("shows layers change detection left out as unchanged, and layers the user did not select as not-selected", () => {
        // The pipeline settles layers change detection skips as "unchanged" (RunOptions.isUnchanged).
        const run = upRun();
        const shown: RunSummary = { ...run, outcomes: run.outcomes.map((o) => (["cluster", "images"].includes(o.layer) ? { ...o, status: "unchanged" } : o)) };
        assert.deepEqual(shown.outcomes.map((o) => [o.layer, o.status]), [
            ["cluster", "unchanged"], ["images", "unchanged"], ["monitoring", "succeeded"], ["mesh", "not-selected"], ["apps", "not-selected"],
        ]);
        const table = renderSummary(shown);
        assert.match(table, /2 unchanged, 1 succeeded/);
        assert.match(table, /^cluster\s+unchanged/m);
    });

    describe("fingerprints a later up must not trust", () => {
        let dir: string;
        const env = loadEnvironment("dev");
        const engine = { name: "offline", outputs: async () => { throw new Error("not read for refresh"); } } as unknown as Engine;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-fp-"));
            for (const layer of LAYERS) saveFingerprint(dir, "dev", layer, `fp-${layer}`);
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("a refresh that changed a layer's state forgets that layer's fingerprint only", async () => {
            const refresh: RunSummary = {
                ...upRun(), operation: "refresh",
                outcomes: LAYERS.map((layer) => ({
                    layer, status: "succeeded" as const, attempts: 1,
                    result: { env: "dev", layer, operation: "refresh" as const, resources: [], outputs: {}, policy: [], schema: [], durationMs: 1,
                        changes: layer === "mesh" ? { ...noChanges, update: 1 } : noChanges },
                })),
            };
            await recordFingerprints(dir, env, refresh, engine);
            assert.equal(readFingerprint(dir, "dev", "mesh"), undefined, "mesh drifted: the next up must apply it");
            assert.equal(readFingerprint(dir, "dev", "cluster"), "fp-cluster");
            assert.equal(readFingerprint(dir, "dev", "apps"), "fp-apps");
        });

        it("forgetFingerprints removes exactly the named layers (what restore calls)", () => {
            forgetFingerprints(dir, "dev", ["cluster", "apps"]);
            assert.equal(fs.existsSync(fingerprintFile(dir, "dev", "cluster")), false);
            assert.equal(fs.existsSync(fingerprintFile(dir, "dev", "apps")), false);
            assert.equal(readFingerprint(dir, "dev", "images"), "fp-images");
        });
    });

    it("--parallel that is not a number names the fix, not NaN", () => {
        assert.throws(() => validateParallel(Number("abc")), (e: Error) => e instanceof InputError && !/NaN/.test(e.message) && /whole number from 1 to 16/.test(e.message));
    });

    it("promote refuses --from equal to --to before starting the (Pulumi) engine", async () => {
        const res = await runCli(["promote", "--from", "dev", "--to", "dev"], { env: { PATH: "/nonexistent" } });
        assert.equal(res.code, 2);
        assert.equal(res.stderr.trim(), 'infra: --from and --to are both "dev"; promote into a different environment');
    });

    it("up --help lists --force-all and -v once", async () => {
        const res = await runCli(["up", "--help"]);
        assert.equal(res.code, 0);
        assert.match(res.stdout, /--force-all/);
        assert.equal((res.stdout.match(/-v, /g) ?? []).length, 1);
    });
});
