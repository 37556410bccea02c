/**
 * The real Pulumi engine keeps each layer's part in its last `up` with the stack (the tag
 * `infra:last-run`), so a promotion from a machine with no run records of its own, as a fresh CI
 * runner is, sees how the source last ran.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { explain, infra, makeWorkspace, pulumi, removeWorkspace, requireEngine, type Workspace } from "./harness";

const MINUTE = 60_000;

describe("run records kept with the state (Pulumi CLI, provider stand-in)", function () {
    this.timeout(15 * MINUTE);
    before(function () { requireEngine(this); });
    let ws: Workspace | undefined;
    after(() => removeWorkspace(ws));

    it("an up tags each layer it ran; a fresh runner's promote --write-only reads the tags", async () => {
        ws = makeWorkspace("run-marks");
        const fresh = () => ({ ...ws!.env, INFRA_STATE_DIR: fs.mkdtempSync(path.join(path.dirname(ws!.dir), "runner-")) });
        const promoteFresh = () => infra({ ...ws!, env: fresh() }, "promote", "--from", "dev", "--to", "staging", "--write-only");

        const before = await promoteFresh();
        assert.equal(before.code, 2, explain(before));
        assert.match(before.stderr, /dev has no recorded up or check/);

        const up = await infra(ws, "up", "--env", "dev", "--layer", "images", "--yes");
        assert.equal(up.code, 0, explain(up));
        const tag = await pulumi(ws, "stack", "tag", "get", "infra:last-run", "-s", "dev-images");
        assert.equal(tag.code, 0, explain(tag));
        assert.match(tag.stdout.trim(), /^up succeeded 0 \d{4}-\d\d-\d\dT[\d:.]+Z \d{14}-\d+$/);
        const untouched = await pulumi(ws, "stack", "tag", "get", "infra:last-run", "-s", "dev-cluster");
        assert.notEqual(untouched.code, 0, "a layer the up did not run has no mark");

        const promoted = await promoteFresh();
        assert.equal(promoted.code, 0, explain(promoted));
        assert.match(fs.readFileSync(path.join(ws.dir, "environments", "staging.yaml"), "utf8"), /app: .*@sha256:[0-9a-f]{64}/);

        // A failed mark refuses it, on any machine.
        const failed = await pulumi(ws, "stack", "tag", "set", "infra:last-run", "up failed 0 2999-01-01T00:00:00.000Z x", "-s", "dev-images");
        assert.equal(failed.code, 0, explain(failed));
        const refused = await promoteFresh();
        assert.equal(refused.code, 2, explain(refused));
        assert.match(refused.stderr, /refused: dev: its last up \(2999-01-01T00:00:00.000Z\) did not finish: images failed/);
    });
});
