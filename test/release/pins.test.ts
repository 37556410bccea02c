import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";
import { diffPins, readPins, renderPins, writePins } from "../../automation/release/pins";
import { ref, sandbox, type Sandbox } from "./support";

describe("release pins", () => {
    let sb: Sandbox;
    beforeEach(() => { sb = sandbox(); });
    afterEach(() => sb.cleanup());

    it("writes the release section and keeps every comment and setting of the file", () => {
        const file = path.join(sb.envDir, "staging.yaml");
        const before = fs.readFileSync(file, "utf8");
        const pins = { images: { app: ref("dev", "v1") }, charts: { istio: "1.23.2", loki: "6.16.0" } };
        const env = writePins("staging", pins, "r-1");
        const after = fs.readFileSync(file, "utf8");
        assert.ok(after.startsWith(before.trimEnd()), "the existing text is kept byte for byte, the release section is appended");
        assert.ok(after.endsWith(`release:\n  id: r-1\n  images:\n    app: ${pins.images.app}\n  charts:\n    istio: 1.23.2\n    loki: 6.16.0\n`), after.slice(before.length));
        assert.deepEqual(env.release, { id: "r-1", images: pins.images, charts: pins.charts });
        assert.deepEqual(readPins("staging"), { id: "r-1", ...pins });
        assert.deepEqual(fs.readdirSync(sb.envDir).filter((f) => f.endsWith(".tmp")), [], "no temp file left behind");
    });

    it("replaces pins key by key, keeping a comment inside the release section", () => {
        const file = path.join(sb.envDir, "prod.yaml");
        fs.appendFileSync(file, `release:\n  id: r-0\n  images:\n    app: ${ref("staging", "v0")} # promoted after load test\n  charts:\n    loki: 6.16.0\n`);
        writePins("prod", { images: { app: ref("staging", "v1") }, charts: { istio: "1.23.2" } }, "r-1");
        const text = fs.readFileSync(file, "utf8");
        assert.match(text, /# promoted after load test/);
        assert.ok(text.includes(ref("staging", "v1")) && !text.includes(ref("staging", "v0")));
        assert.deepEqual(readPins("prod").charts, { istio: "1.23.2" }, "a chart no longer pinned is removed");
    });

    it("validates the new file against the environment schema before writing, and writes nothing when it fails", () => {
        const file = path.join(sb.envDir, "staging.yaml");
        const before = fs.readFileSync(file, "utf8");
        assert.throws(() => writePins("staging", { images: { app: "app:latest" }, charts: {} }), (e: unknown) => e instanceof InputError && /release\.images\.app .*digest-pinned/.test((e as Error).message));
        assert.throws(() => writePins("staging", { images: { worker: ref("dev", "w") }, charts: {} }), /pins image "worker", which is not under images/);
        assert.throws(() => writePins("staging", { images: {}, charts: { istio: "^1.23" } }), /exact chart version/);
        assert.equal(fs.readFileSync(file, "utf8"), before);
    });

    it("edits a release section in the middle of the file in place and removes it for empty pins", () => {
        const text = fs.readFileSync(path.join(sb.envDir, "staging.yaml"), "utf8");
        const [head, tail] = [text.slice(0, text.indexOf("policy:")), text.slice(text.indexOf("policy:"))];
        const withRelease = `${head}# pinned by promotion\nrelease: {id: r-0, images: {app: "${ref("dev", "v0")}"}}\n${tail}`;
        const next = renderPins(withRelease, "staging.yaml", "staging", { images: { app: ref("dev", "v1") }, charts: {} }, "r-1");
        assert.ok(next.startsWith(`${head}# pinned by promotion\nrelease:`), "text and comment before the section kept");
        assert.ok(next.endsWith(`\n${tail}`), `text after the section kept:\n${next.slice(head.length)}`);
        assert.ok(next.includes(`app: ${ref("dev", "v1")}\n`) && next.includes("id: r-1\n"), "digest on one line");
        const cleared = renderPins(withRelease, "staging.yaml", "staging", { images: {}, charts: {} });
        assert.equal(cleared, `${head}# pinned by promotion\n${tail}`);
    });

    it("diffs image and chart pins", () => {
        const changes = diffPins({ images: { app: "a@1" }, charts: { istio: "1.0.0", loki: "2.0.0" } }, { images: { app: "a@2" }, charts: { istio: "1.0.0", tempo: "3.0.0" } });
        assert.deepEqual(changes, [
            { kind: "image", name: "app", from: "a@1", to: "a@2" },
            { kind: "chart", name: "loki", from: "2.0.0", to: undefined },
            { kind: "chart", name: "tempo", from: undefined, to: "3.0.0" },
        ]);
    });
});
