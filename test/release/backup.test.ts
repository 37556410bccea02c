import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { writeState, readState, toState } from "../../automation/offline/state";
import { backup, backupTarget, offlineStateStore, restore } from "../../automation/release/backup";
import { REPO, sandbox, type Sandbox } from "./support";

describe("backup and restore", () => {
    let sb: Sandbox;
    let stateDir: string;
    let outDir: string;
    beforeEach(() => {
        sb = sandbox();
        stateDir = path.join(sb.projectDir, ".infra", "offline");
        outDir = path.join(sb.projectDir, "backup");
        const res = (urn: string) => ({ urn, type: "t", name: "n", inputs: { a: 1 }, dependencies: [], custom: true });
        writeState(stateDir, toState("dev", "cluster", [res("urn:c")], { kubeconfig: { value: "top-secret-kubeconfig", secret: true } }));
        writeState(stateDir, toState("dev", "images", [res("urn:i")], { images: { value: { app: "x@sha256:1" }, secret: false } }));
    });
    afterEach(() => sb.cleanup());

    it("round-trips every layer's state through files with a checksum manifest", async () => {
        const manifest = await backup({ env: "dev", outDir, projectDir: REPO, stacks: offlineStateStore(stateDir) });
        assert.deepEqual(manifest.files.map((f) => f.file), ["dev-cluster.json", "dev-images.json"]);
        assert.deepEqual(manifest.empty, ["monitoring", "mesh", "apps"]);
        assert.equal(fs.statSync(path.join(outDir, "dev-cluster.json")).mode & 0o077, 0, "state files are private (they hold secrets)");
        for (const f of fs.readdirSync(outDir)) assert.ok(!fs.readFileSync(path.join(outDir, f), "utf8").includes("top-secret-kubeconfig"), `${f} holds no secret value`);
        const original = readState(stateDir, "dev", "cluster");
        fs.rmSync(stateDir, { recursive: true });
        const restored = await restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) });
        assert.deepEqual(restored, ["cluster", "images"]);
        assert.deepEqual(readState(stateDir, "dev", "cluster"), original);
    });

    it("refuses a backup with a checksum mismatch and imports nothing", async () => {
        await backup({ env: "dev", outDir, projectDir: REPO, stacks: offlineStateStore(stateDir) });
        const file = path.join(outDir, "dev-images.json");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("x@sha256:1", "x@sha256:2"));
        fs.rmSync(stateDir, { recursive: true });
        await assert.rejects(restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) }),
            (e: unknown) => e instanceof InputError && /dev-images\.json does not match its checksum .* nothing was restored/.test((e as Error).message) && !(e as Error).message.includes("secret"));
        assert.equal(fs.existsSync(stateDir), false, "not even the intact cluster file was imported");
    });

    it("refuses a backup of another environment or without a manifest", async () => {
        await backup({ env: "dev", outDir, projectDir: REPO, stacks: offlineStateStore(stateDir) });
        await assert.rejects(restore({ env: "staging", fromDir: outDir, stacks: offlineStateStore(stateDir) }), /is of environment "dev", not "staging"/);
        fs.rmSync(path.join(outDir, "manifest.json"));
        await assert.rejects(restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) }), /manifest\.json is missing/);
    });
    describe("the folder a backup goes to", () => {
        const oneLineInputError = (pattern: RegExp) => (e: unknown) => e instanceof InputError && !(e as Error).message.includes("\n") && pattern.test((e as Error).message);

        it("refuses a folder with files unless --force", async () => {
            fs.mkdirSync(outDir);
            fs.writeFileSync(path.join(outDir, "notes.txt"), "mine");
            await assert.rejects(backup({ env: "dev", outDir, projectDir: REPO, stacks: offlineStateStore(stateDir) }), oneLineInputError(/--out .* is not empty; .* --force/));
            assert.deepEqual(fs.readdirSync(outDir), ["notes.txt"], "nothing written");
            await backup({ env: "dev", outDir, projectDir: REPO, force: true, stacks: offlineStateStore(stateDir) });
            assert.ok(fs.existsSync(path.join(outDir, "manifest.json")));
        });

        it("makes the folder 0700 and the files 0600 whatever the umask and whatever was there", async () => {
            fs.mkdirSync(outDir, { mode: 0o755 });
            fs.chmodSync(outDir, 0o755);
            const old = process.umask(0o277);
            try {
                await backup({ env: "dev", outDir, projectDir: REPO, stacks: offlineStateStore(stateDir) });
                assert.equal(fs.statSync(outDir).mode & 0o777, 0o700, "an existing empty folder is chmod-ed");
                fs.chmodSync(path.join(outDir, "dev-cluster.json"), 0o644);
                await backup({ env: "dev", outDir, projectDir: REPO, force: true, stacks: offlineStateStore(stateDir) });
            } finally {
                process.umask(old);
            }
            for (const f of fs.readdirSync(outDir)) assert.equal(fs.statSync(path.join(outDir, f)).mode & 0o777, 0o600, f);
            const fresh = path.join(sb.projectDir, "fresh", "deeper");
            const before = process.umask(0o000);
            try { await backup({ env: "dev", outDir: fresh, projectDir: REPO, stacks: offlineStateStore(stateDir) }); } finally { process.umask(before); }
            assert.equal(fs.statSync(fresh).mode & 0o777, 0o700, "a new folder too, under umask 000");
        });

        it("refuses /, the home folder, the project root and the project's tracked folders, also through a symlink", () => {
            const guard = { projectDir: sb.projectDir, home: path.join(path.dirname(sb.projectDir), "home") };
            fs.mkdirSync(guard.home);
            fs.writeFileSync(path.join(sb.projectDir, ".gitignore"), "node_modules/\nscratch/\n*.log\n");
            fs.mkdirSync(path.join(sb.projectDir, "automation"));
            assert.throws(() => backupTarget("/", guard), oneLineInputError(/is the file system root/));
            assert.throws(() => backupTarget(guard.home, guard), oneLineInputError(/is the home folder itself/));
            assert.throws(() => backupTarget(sb.projectDir, guard), oneLineInputError(/is the project root/));
            assert.throws(() => backupTarget(path.join(sb.projectDir, "automation", "b"), guard), oneLineInputError(/inside the project, in a folder git tracks/));
            const link = path.join(os.tmpdir(), `infra-backup-link-${process.pid}`);
            fs.symlinkSync(path.join(sb.projectDir, "automation"), link);
            try {
                assert.throws(() => backupTarget(path.join(link, "b"), guard), oneLineInputError(/inside the project, in a folder git tracks \(.*automation/));
            } finally {
                fs.rmSync(link);
            }
            assert.equal(backupTarget(path.join(sb.projectDir, "scratch", "b"), guard), path.join(fs.realpathSync(sb.projectDir), "scratch", "b"), "a git-ignored folder is fine");
            assert.equal(backupTarget(path.join(guard.home, "backups", "b"), guard), path.join(fs.realpathSync(guard.home), "backups", "b"), "below home is fine");
            assert.equal(backupTarget(sb.projectDir, { ...guard, allowUnsafeOut: true, force: true }), fs.realpathSync(sb.projectDir), "the explicit flags allow it");
        });

        it("a dangling symlink or a file in the path is one line, exit 2", () => {
            const guard = { projectDir: REPO };
            const dangling = path.join(sb.projectDir, "gone");
            fs.symlinkSync(path.join(sb.projectDir, "no-such-folder"), dangling);
            assert.throws(() => backupTarget(dangling, guard), oneLineInputError(/symbolic link to nothing/));
            assert.throws(() => backupTarget(path.join(dangling, "b"), guard), oneLineInputError(/symbolic link to nothing/));
            const file = path.join(sb.projectDir, "a-file");
            fs.writeFileSync(file, "x");
            assert.throws(() => backupTarget(file, guard), oneLineInputError(/is not a folder/));
            assert.throws(() => backupTarget(path.join(file, "b"), guard), oneLineInputError(/is a file, not a folder/));
        });
    });

    describe("restore checks every file before writing any", () => {
        const layers = ["cluster", "images", "monitoring"] as const;
        const stateOf = (layer: string) => fs.readFileSync(path.join(stateDir, `dev-${layer}.json`), "utf8");
        let before: Record<string, string>;
        /** Rewrites a backup file and its checksum in the manifest, so only the deeper checks can catch it. */
        function replaceInBackup(file: string, text: string): void {
            fs.writeFileSync(path.join(outDir, file), text);
            const manifestFile = path.join(outDir, "manifest.json");
            const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
            manifest.files.find((f: { file: string }) => f.file === file).sha256 = require("crypto").createHash("sha256").update(text).digest("hex");
            fs.writeFileSync(manifestFile, JSON.stringify(manifest));
        }
        beforeEach(async () => {
            const res = (urn: string) => ({ urn, type: "t", name: "n", inputs: { a: 2 }, dependencies: [], custom: true });
            writeState(stateDir, toState("dev", "monitoring", [res("urn:m")], { namespace: { value: "monitoring", secret: false } }));
            await backup({ env: "dev", outDir, projectDir: REPO, stacks: offlineStateStore(stateDir) });
            // The live state moves on after the backup: a restore would change every layer.
            for (const layer of layers) writeState(stateDir, toState("dev", layer, [res(`urn:${layer}:new`)], {}));
            before = Object.fromEntries(layers.map((l) => [l, stateOf(l)]));
        });

        for (const [what, text, message] of [
            ["holds another layer's state", () => fs.readFileSync(path.join(outDir, "dev-cluster.json"), "utf8"), /dev-monitoring\.json holds the state of dev-cluster, not dev-monitoring/],
            ["is not valid JSON", () => "{ not json", /dev-monitoring\.json is not valid JSON/],
            ["holds a secret in plain text", () => JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(outDir, "dev-monitoring.json"), "utf8")), outputs: { pw: { value: "hunter2", secret: true } } }), /secret output pw is not encrypted/],
        ] as const) {
            it(`the third file ${what}: exit 2, and the first two layers' state is unchanged`, async () => {
                replaceInBackup("dev-monitoring.json", text());
                const err = await restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) }).then(() => undefined, (e: unknown) => e);
                for (const layer of layers) assert.equal(stateOf(layer), before[layer], `${layer} untouched`);
                assert.ok(err instanceof InputError && message.test(err.message), String(err));
            });
        }
    });
});
