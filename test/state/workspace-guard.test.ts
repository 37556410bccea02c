import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { changedPaths, snapshot } from "../support/workspace-guard";
import { stateRoot, statePaths } from "../../automation/state/workspace";

describe("the run-state folder and the suite's workspace guard", () => {
    it("the suite runs with its own run-state folder, outside the project", () => {
        assert.ok(process.env.INFRA_STATE_DIR, "the root hook set INFRA_STATE_DIR");
        assert.equal(stateRoot(), path.resolve(process.env.INFRA_STATE_DIR!));
        assert.ok(!stateRoot().startsWith(path.resolve(__dirname, "..", "..")), "not inside the project");
        const p = statePaths("/x/state");
        assert.deepEqual([p.locks, p.logs, p.engineLogs, p.offline, p.runsFile("dev"), p.fingerprintFile("dev-apps")],
            ["/x/state/locks", "/x/state/logs", "/x/state/logs/engine", "/x/state/offline", "/x/state/runs/dev.jsonl", "/x/state/fingerprints/dev-apps.json"]);
    });

    it("sees a file added, changed or removed under a guarded folder", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "guard-"));
        try {
            fs.mkdirSync(path.join(root, ".infra", "runs"), { recursive: true });
            const a = snapshot(root);
            assert.deepEqual(changedPaths(a, snapshot(root)), []);
            fs.writeFileSync(path.join(root, ".infra", "runs", "dev.jsonl"), "{}\n");
            const b = snapshot(root);
            assert.deepEqual(changedPaths(a, b), [path.join(".infra", "runs", "dev.jsonl")]);
            fs.appendFileSync(path.join(root, ".infra", "runs", "dev.jsonl"), "{}\n");
            assert.deepEqual(changedPaths(b, snapshot(root)), [path.join(".infra", "runs", "dev.jsonl")]);
            fs.mkdirSync(path.join(root, "environments"));
            assert.deepEqual(changedPaths(b, snapshot(root)), [path.join(".infra", "runs", "dev.jsonl"), "environments", "top:environments"].sort());
            const c = snapshot(root);
            fs.mkdirSync(path.join(root, "runs"));
            assert.deepEqual(changedPaths(c, snapshot(root)), ["top:runs"], "a stray folder at the top level");
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
