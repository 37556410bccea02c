import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";
import { writeState, readState, toState } from "../../automation/offline/state";
import { backup, offlineStateStore, restore } from "../../automation/release/backup";
import { sandbox, type Sandbox } from "./support";

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
        const manifest = await backup({ env: "dev", outDir, stacks: offlineStateStore(stateDir) });
        assert.deepEqual(manifest.files.map((f) => f.file), ["dev-cluster.json", "dev-images.json"]);
        assert.deepEqual(manifest.empty, ["monitoring", "mesh", "apps"]);
        assert.equal(fs.statSync(path.join(outDir, "dev-cluster.json")).mode & 0o077, 0, "state files are private (they hold secrets)");
        const original = readState(stateDir, "dev", "cluster");
        fs.rmSync(stateDir, { recursive: true });
        const restored = await restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) });
        assert.deepEqual(restored, ["cluster", "images"]);
        assert.deepEqual(readState(stateDir, "dev", "cluster"), original);
    });

    it("refuses a backup with a checksum mismatch and imports nothing", async () => {
        await backup({ env: "dev", outDir, stacks: offlineStateStore(stateDir) });
        const file = path.join(outDir, "dev-images.json");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("x@sha256:1", "x@sha256:2"));
        fs.rmSync(stateDir, { recursive: true });
        await assert.rejects(restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) }),
            (e: unknown) => e instanceof InputError && /dev-images\.json does not match its checksum .* nothing was restored/.test((e as Error).message) && !(e as Error).message.includes("secret"));
        assert.equal(fs.existsSync(stateDir), false, "not even the intact cluster file was imported");
    });

    it("refuses a backup of another environment or without a manifest", async () => {
        await backup({ env: "dev", outDir, stacks: offlineStateStore(stateDir) });
        await assert.rejects(restore({ env: "staging", fromDir: outDir, stacks: offlineStateStore(stateDir) }), /is of environment "dev", not "staging"/);
        fs.rmSync(path.join(outDir, "manifest.json"));
        await assert.rejects(restore({ env: "dev", fromDir: outDir, stacks: offlineStateStore(stateDir) }), /manifest\.json is missing/);
    });
});
