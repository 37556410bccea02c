/**
 * On the real Pulumi CLI (provider stand-in): a backup of dev's cluster and monitoring stacks
 * holds the generated Grafana password only as ciphertext, and destroy -> restore brings the
 * stacks back with the secret still readable with the passphrase. Skips without
 * `npm run setup:engine` (fails in CI), like test/e2e.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { explain, infra, json, makeWorkspace, removeWorkspace, requireEngine, type Workspace } from "../e2e/harness";

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []);
}

describe("real engine: backups keep Pulumi's secrets encrypted", function () {
    this.timeout(15 * 60_000);
    let ws: Workspace;
    before(function () { requireEngine(this); ws = makeWorkspace("secrets-backup"); });
    after(() => removeWorkspace(ws));

    it("backup holds no plaintext secret; destroy -> restore brings the secret back", async () => {
        const layers = ["--layer", "monitoring", "--with-deps"];
        const up = await infra(ws, "up", "--env", "dev", ...layers, "--yes");
        assert.equal(up.code, 0, explain(up));
        const shown = await infra(ws, "outputs", "--env", "dev", "--layer", "monitoring", "--show-secrets", "--json");
        assert.equal(shown.code, 0, explain(shown));
        const password = json(shown).outputs.monitoring.grafanaAdminPassword as string;
        assert.ok(typeof password === "string" && password.length >= 16);

        const out = path.join(path.dirname(ws.dir), "backup");
        const backup = await infra(ws, "backup", "--env", "dev", "--out", out);
        assert.equal(backup.code, 0, explain(backup));
        const files = filesUnder(out);
        assert.ok(files.some((f) => f.endsWith("dev-monitoring.json")));
        assert.deepEqual(files.filter((f) => fs.readFileSync(f).includes(password)), [], "no backup file holds the password");
        assert.match(fs.readFileSync(path.join(out, "dev-monitoring.json"), "utf8"), /"ciphertext"/);

        const destroy = await infra(ws, "destroy", "--env", "dev", ...layers, "--yes");
        assert.equal(destroy.code, 0, explain(destroy));
        const restore = await infra(ws, "restore", "--env", "dev", "--from", out, "--yes");
        assert.equal(restore.code, 0, explain(restore));
        const again = await infra(ws, "outputs", "--env", "dev", "--layer", "monitoring", "--show-secrets", "--json");
        assert.equal(again.code, 0, explain(again));
        assert.equal(json(again).outputs.monitoring.grafanaAdminPassword, password, "the restored secret decrypts to the same value");
    });
});
