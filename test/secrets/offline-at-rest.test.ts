/**
 * The offline engine's state and its backups never hold a secret value in plain text: `infra up`
 * of dev in a copy of the project, then every file under the workspace (the project copy, its
 * .infra/, a backup, the engine's scratch files in TMPDIR) is searched for the generated Grafana
 * admin password. `outputs --show-secrets` still shows it; a wrong passphrase is exit 2, one line.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { infra, makeWorkspace, removeWorkspace, type Result, type Workspace } from "../e2e/harness";

/** Every regular file under `dir` (symbolic links, such as the linked node_modules, not followed). */
function filesUnder(dir: string): string[] {
    const out: string[] = [];
    let entries: fs.Dirent[] = [];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { /* removed while searching */ }
    for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...filesUnder(full));
        else if (entry.isFile()) out.push(full);
    }
    return out;
}

/** Files under `dir` that hold `needle`; one removed while the search runs (an exiting worker's scratch file) holds nothing. */
function filesHolding(dir: string, needle: string): string[] {
    const read = (f: string): Buffer => { try { return fs.readFileSync(f); } catch { return Buffer.alloc(0); } };
    return filesUnder(dir).filter((f) => read(f).includes(needle));
}

const explain = (r: Result): string => `exit ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`;

describe("secrets at rest in the offline engine's state and backups", function () {
    this.timeout(300_000);
    let ws: Workspace;
    let root: string;
    let password: string;
    const run = (env: NodeJS.ProcessEnv, ...args: string[]) => infra({ ...ws, env: { ...ws.env, INFRA_STATE_DIR: "", ...env } }, ...args);
    const withPass = { PULUMI_CONFIG_PASSPHRASE: "offline-test-passphrase" };
    const noPass = { PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "" };

    before(async () => {
        ws = makeWorkspace("secrets");
        root = path.dirname(ws.dir);
        // The engine's scratch files go to TMPDIR: keep them inside the searched workspace.
        fs.mkdirSync(path.join(root, "tmp"));
        ws.env.TMPDIR = path.join(root, "tmp");
        const up = await run(withPass, "up", "--env", "dev", "--engine", "offline", "--yes");
        assert.equal(up.code, 0, explain(up));
        const shown = await run(withPass, "outputs", "--env", "dev", "--engine", "offline", "--layer", "monitoring", "--show-secrets", "--json");
        assert.equal(shown.code, 0, explain(shown));
        password = JSON.parse(shown.stdout).outputs.monitoring.grafanaAdminPassword;
        assert.equal(typeof password, "string");
        assert.ok(password.length >= 16, "a generated password");
    });
    after(() => removeWorkspace(ws));

    it("no file under the workspace holds the secret after up and backup, with a passphrase", async () => {
        const masked = await run(withPass, "outputs", "--env", "dev", "--engine", "offline", "--layer", "monitoring", "--json");
        assert.equal(JSON.parse(masked.stdout).outputs.monitoring.grafanaAdminPassword, "[secret]");
        const backup = await run(withPass, "backup", "--env", "dev", "--engine", "offline", "--out", path.join(root, "backup"));
        assert.equal(backup.code, 0, explain(backup));
        assert.ok(fs.existsSync(path.join(root, "backup", "dev-monitoring.json")));
        assert.deepEqual(filesHolding(root, password), [], "the password is in no file");
        const stored = JSON.parse(fs.readFileSync(path.join(ws.dir, ".infra", "offline", "dev-monitoring.json"), "utf8"));
        assert.match(stored.outputs.grafanaAdminPassword.sealed, /^v1:/, "kept encrypted");
    });

    it("a wrong passphrase is exit 2 with one line naming the file and the variable, never the secret", async () => {
        const wrong = await run({ PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" }, "outputs", "--env", "dev", "--engine", "offline", "--layer", "monitoring", "--show-secrets");
        assert.equal(wrong.code, 2, explain(wrong));
        assert.equal(wrong.stdout, "");
        const lines = wrong.stderr.split("\n").filter((l) => l.trim());
        assert.equal(lines.length, 1, wrong.stderr);
        assert.match(lines[0], /dev-monitoring\.json: PULUMI_CONFIG_PASSPHRASE does not decrypt its secrets/);
        assert.ok(!wrong.stderr.includes(password));
    });

    it("without a passphrase the value is not kept at all, said once, and --show-secrets still shows it", async () => {
        fs.rmSync(path.join(ws.dir, ".infra"), { recursive: true, force: true });
        fs.rmSync(path.join(root, "backup"), { recursive: true, force: true });
        const up = await run(noPass, "up", "--env", "dev", "--engine", "offline", "--yes", "--force-all");
        assert.equal(up.code, 0, explain(up));
        assert.equal(up.stderr.split("PULUMI_CONFIG_PASSPHRASE is not set").length - 1, 1, `said once: ${up.stderr}`);
        const stored = JSON.parse(fs.readFileSync(path.join(ws.dir, ".infra", "offline", "dev-monitoring.json"), "utf8"));
        assert.deepEqual(stored.outputs.grafanaAdminPassword, { secret: true, withheld: true });
        const backup = await run(noPass, "backup", "--env", "dev", "--engine", "offline", "--out", path.join(root, "backup"));
        assert.equal(backup.code, 0, explain(backup));
        assert.deepEqual(filesHolding(root, password), [], "the password is in no file");
        const shown = await run(noPass, "outputs", "--env", "dev", "--engine", "offline", "--layer", "monitoring", "--show-secrets", "--json");
        assert.equal(shown.code, 0, explain(shown));
        assert.equal(JSON.parse(shown.stdout).outputs.monitoring.grafanaAdminPassword, password, "planned again: the same deterministic value");
    });
});
