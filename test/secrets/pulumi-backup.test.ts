/**
 * A backup of Pulumi stacks keeps their secrets as the stack's secrets provider encrypted them:
 * `pulumi stack export` without `--show-secrets` (the Automation API's Stack.exportStack adds it).
 * A stand-in `pulumi` (INFRA_TOOLS_DIR) records its arguments and answers like the real CLI:
 * ciphertext, or plaintext when asked with --show-secrets; the real CLI path is test/e2e/lifecycle.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { backup, restore } from "../../automation/release/backup";
import { pulumiStateStore } from "../../automation/release/pulumi-state";

const CIPHERTEXT = "v1:AAAAAAAAAAAAAAAA:ZmFrZS1jaXBoZXJ0ZXh0";
const PLAINTEXT = "grafana-admin-s3cr3t";

/** A deployment as `pulumi stack export` prints it; `plain` as with --show-secrets. */
function deployment(stack: string, plain: boolean): unknown {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ...(plain ? { plaintext: JSON.stringify(PLAINTEXT) } : { ciphertext: CIPHERTEXT }) };
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-12-01T00:00:00Z", magic: "x", version: "v3.248.0" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:c2FsdA==:v1:bm9uY2U=:Y2hlY2s=" } },
            resources: [{ urn: `urn:pulumi:${stack}::platform::pulumi:pulumi:Stack::platform-${stack}`, type: "pulumi:pulumi:Stack", custom: false, outputs: { grafanaAdminPassword: secret } }],
        },
    };
}

const FAKE_CLI = (record: string, exportsDir: string) => `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify(args) + "\\n");
const stack = args[args.indexOf("--stack") + 1];
if (args[0] === "version") { console.log("v3.248.0"); process.exit(0); }
if (args[0] === "stack" && args[1] === "export") {
    const plain = args.includes("--show-secrets");
    process.stdout.write(fs.readFileSync(${JSON.stringify(exportsDir)} + "/" + stack + (plain ? ".plain.json" : ".json")));
    process.exit(0);
}
if (args[0] === "stack" && args[1] === "import") {
    const file = args[args.indexOf("--file") + 1];
    fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({ imported: stack, mode: fs.statSync(file).mode & 0o777, text: fs.readFileSync(file, "utf8") }) + "\\n");
}
process.exit(0);
`;

describe("backup of Pulumi stack state", () => {
    let root: string;
    let record: string;
    const saved: Record<string, string | undefined> = {};
    const setEnv = (vars: Record<string, string>) => { for (const [k, v] of Object.entries(vars)) { saved[k] = process.env[k]; process.env[k] = v; } };
    const calls = (): unknown[] => fs.readFileSync(record, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-pulumi-backup-"));
        record = path.join(root, "calls.jsonl");
        fs.writeFileSync(record, "");
        const exportsDir = path.join(root, "exports");
        fs.mkdirSync(exportsDir);
        for (const layer of ["cluster", "images", "monitoring", "mesh", "apps"]) {
            fs.writeFileSync(path.join(exportsDir, `dev-${layer}.json`), JSON.stringify(deployment(`dev-${layer}`, false)));
            fs.writeFileSync(path.join(exportsDir, `dev-${layer}.plain.json`), JSON.stringify(deployment(`dev-${layer}`, true)));
        }
        fs.mkdirSync(path.join(root, "tools", "bin"), { recursive: true });
        fs.writeFileSync(path.join(root, "tools", "bin", "pulumi"), FAKE_CLI(record, exportsDir), { mode: 0o755 });
        fs.mkdirSync(path.join(root, "project"));
        fs.writeFileSync(path.join(root, "project", "Pulumi.yaml"), "name: platform\nruntime: nodejs\n");
        setEnv({ INFRA_TOOLS_DIR: path.join(root, "tools"), PULUMI_BACKEND_URL: `file://${root}/state`, PULUMI_CONFIG_PASSPHRASE: "p", PULUMI_HOME: path.join(root, "home") });
    });
    afterEach(() => {
        for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("exports without --show-secrets: the backup holds the ciphertext, never the secret", async () => {
        const out = path.join(root, "backup");
        const manifest = await backup({ env: "dev", outDir: out, projectDir: path.join(root, "project"), stacks: pulumiStateStore(path.join(root, "project")) });
        assert.equal(manifest.files.length, 5);
        const exports = calls().filter((c): c is string[] => Array.isArray(c) && c[0] === "stack" && c[1] === "export");
        assert.equal(exports.length, 5);
        for (const args of exports) assert.ok(!args.includes("--show-secrets"), `exported without --show-secrets: ${args.join(" ")}`);
        for (const f of fs.readdirSync(out)) {
            const text = fs.readFileSync(path.join(out, f), "utf8");
            assert.ok(!text.includes(PLAINTEXT), `${f} holds no secret in plain text`);
        }
        assert.ok(fs.readFileSync(path.join(out, "dev-monitoring.json"), "utf8").includes(CIPHERTEXT));
    });

    it("restore imports the ciphertext through a private file, after checking every stack's identity", async () => {
        const project = path.join(root, "project");
        const out = path.join(root, "backup");
        await backup({ env: "dev", outDir: out, projectDir: project, stacks: pulumiStateStore(project) });
        await restore({ env: "dev", fromDir: out, stacks: pulumiStateStore(project) });
        const imports = calls().filter((c): c is { imported: string; mode: number; text: string } => !Array.isArray(c));
        assert.deepEqual(imports.map((i) => i.imported), ["dev-cluster", "dev-images", "dev-monitoring", "dev-mesh", "dev-apps"]);
        for (const i of imports) {
            assert.equal(i.mode, 0o600);
            assert.ok(i.text.includes(CIPHERTEXT) && !i.text.includes(PLAINTEXT));
        }
        // A stack's file swapped for another's is refused before any import.
        fs.writeFileSync(record, "");
        const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
        const text = JSON.stringify(deployment("dev-cluster", false));
        fs.writeFileSync(path.join(out, "dev-mesh.json"), text);
        manifest.files.find((f: { file: string }) => f.file === "dev-mesh.json").sha256 = require("crypto").createHash("sha256").update(text).digest("hex");
        fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest));
        await assert.rejects(restore({ env: "dev", fromDir: out, stacks: pulumiStateStore(project) }),
            (e: unknown) => e instanceof InputError && /dev-mesh\.json holds resources of stack dev-cluster, not dev-mesh/.test((e as Error).message));
        assert.equal(calls().filter((c) => !Array.isArray(c)).length, 0, "nothing imported");
    });
});
