import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { writeAtomically } from "../../automation/files";
import { isSealed, passphraseFrom, seal, unseal } from "../../automation/secrets/at-rest";

const pass = { value: "correct horse", source: "PULUMI_CONFIG_PASSPHRASE" } as const;
const oneLine = (pattern: RegExp) => (e: unknown) => e instanceof InputError && e.exitCode === 2 && !e.message.includes("\n") && pattern.test(e.message) && !e.message.includes("s3cr3t");

describe("secret values at rest (AES-256-GCM, scrypt key)", () => {
    it("seals to text that holds neither the value nor the passphrase, and opens with the same passphrase and context", () => {
        const sealed = seal({ password: "s3cr3t-value" }, pass, "dev-monitoring/grafanaAdminPassword");
        assert.ok(isSealed(sealed));
        assert.ok(!sealed.includes("s3cr3t") && !sealed.includes("correct horse"));
        assert.deepEqual(unseal(sealed, pass, "dev-monitoring/grafanaAdminPassword", "f.json"), { password: "s3cr3t-value" });
        assert.notEqual(seal("s3cr3t", pass, "c"), seal("s3cr3t", pass, "c"), "a fresh IV for every value");
    });

    it("refuses a wrong passphrase, a missing one, an edited value and a value moved to another output: one line, exit 2", () => {
        const sealed = seal("s3cr3t", pass, "dev-cluster/kubeconfig");
        assert.throws(() => unseal(sealed, { ...pass, value: "wrong" }, "dev-cluster/kubeconfig", "f.json"), oneLine(/^f\.json: PULUMI_CONFIG_PASSPHRASE does not decrypt its secrets/));
        assert.throws(() => unseal(sealed, undefined, "dev-cluster/kubeconfig", "f.json"), oneLine(/f\.json holds encrypted secrets; set PULUMI_CONFIG_PASSPHRASE/));
        const parts = sealed.split(":");
        parts[7] = Buffer.from("garbage!").toString("base64");
        assert.throws(() => unseal(parts.join(":"), pass, "dev-cluster/kubeconfig", "f.json"), oneLine(/does not decrypt/));
        assert.throws(() => unseal(sealed, pass, "dev-monitoring/kubeconfig", "f.json"), oneLine(/does not decrypt/));
        assert.throws(() => unseal("v1:1048576:8:1:a:b:c:d", pass, "c", "f.json"), oneLine(/not in the v1 format/), "a cost that would exhaust memory is refused");
    });

    it("takes the passphrase as the Pulumi CLI does: the variable first, then the file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-pass-"));
        try {
            const file = path.join(dir, "pass");
            fs.writeFileSync(file, "from-file\n");
            assert.deepEqual(passphraseFrom({ PULUMI_CONFIG_PASSPHRASE: "from-var", PULUMI_CONFIG_PASSPHRASE_FILE: file }), { value: "from-var", source: "PULUMI_CONFIG_PASSPHRASE" });
            assert.deepEqual(passphraseFrom({ PULUMI_CONFIG_PASSPHRASE_FILE: file }), { value: "from-file", source: "PULUMI_CONFIG_PASSPHRASE_FILE" });
            assert.equal(passphraseFrom({}), undefined);
            assert.throws(() => passphraseFrom({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "missing") }), oneLine(/PULUMI_CONFIG_PASSPHRASE_FILE \(.*missing\) cannot be read \(ENOENT\)/));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("writeAtomically gives a file exactly the mode asked, whatever the umask and the old file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-mode-"));
        const old = process.umask(0o277);
        try {
            const file = path.join(dir, "state.json");
            fs.writeFileSync(file, "old", { mode: 0o644 });
            // Left by writers that are gone: this file's is cleared, another file's is not this write's business.
            const dead = spawnSync("true").pid;
            fs.writeFileSync(path.join(dir, `.state.json.${dead}.tmp`), "half");
            fs.writeFileSync(path.join(dir, `.other.json.${dead}.tmp`), "half");
            writeAtomically(file, "new", 0o600);
            assert.equal(fs.statSync(file).mode & 0o777, 0o600);
            assert.equal(fs.readFileSync(file, "utf8"), "new");
            assert.deepEqual(fs.readdirSync(dir).sort(), [`.other.json.${dead}.tmp`, "state.json"], "no temporary file of state.json left");
        } finally {
            process.umask(old);
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
