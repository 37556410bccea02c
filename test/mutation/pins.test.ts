/** Release pins: reading, diffing, rendering the release section byte for byte, and the clear errors. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";
import { diffPins, effectiveCharts, environmentFile, isEmptyPins, readPins, renderPins, samePins, writePins } from "../../automation/release/pins";
import { loadEnvironment } from "../../environments/load";
import { ref, sandbox, type Sandbox } from "../release/support";

const A = ref("dev", "a1");
const B = ref("dev", "b2");

describe("mutation: release pins", () => {
    let sb: Sandbox;
    let text: string;
    beforeEach(() => {
        sb = sandbox();
        text = fs.readFileSync(path.join(sb.envDir, "local.yaml"), "utf8");
    });
    afterEach(() => sb.cleanup());

    it("names the environment file in the environments folder", () => {
        assert.equal(environmentFile("qa", "/e"), path.join("/e", "qa.yaml"));
        assert.equal(environmentFile("local"), path.join(sb.envDir, "local.yaml"));
    });

    it("reads no pins from an environment without a release section, and the pins and id of one with it", () => {
        assert.deepEqual(readPins("local"), { id: undefined, images: {}, charts: {} });
        writePins("local", { images: { app: A }, charts: { loki: "6.17.0" } }, "r-7");
        assert.deepEqual(readPins("local", sb.envDir), { id: "r-7", images: { app: A }, charts: { loki: "6.17.0" } });
    });

    it("clears the temporary file of a killed writer when reading pins, keeping a live writer's", () => {
        const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
        const stale = path.join(sb.envDir, `.local.yaml.${dead}.tmp`);
        const live = path.join(sb.envDir, `.local.yaml.${process.ppid}.tmp`);
        fs.writeFileSync(stale, "half");
        fs.writeFileSync(live, "busy");
        readPins("local");
        assert.equal(fs.existsSync(stale), false);
        assert.equal(fs.existsSync(live), true);
        fs.rmSync(live);
    });

    it("knows empty pins and diffs images before charts, each sorted by name", () => {
        assert.equal(isEmptyPins({ images: {}, charts: {} }), true);
        assert.equal(isEmptyPins({ images: { a: "x" }, charts: {} }), false);
        assert.equal(isEmptyPins({ images: {}, charts: { a: "x" } }), false);
        assert.deepEqual(diffPins({ images: { z: "1", a: "1", same: "s" }, charts: { b: "1" } }, { images: { z: "2", same: "s", m: "3" }, charts: { a: "9", b: "1" } }), [
            { kind: "image", name: "a", from: "1", to: undefined },
            { kind: "image", name: "m", from: undefined, to: "3" },
            { kind: "image", name: "z", from: "1", to: "2" },
            { kind: "chart", name: "a", from: undefined, to: "9" },
        ]);
        assert.equal(samePins({ images: { a: "1" }, charts: {} }, { images: { a: "1" }, charts: {} }), true);
        assert.equal(samePins({ images: { a: "1" }, charts: {} }, { images: {}, charts: { a: "1" } }), false);
    });

    it("appends a block release section, sorted, after a file that lacks a final newline", () => {
        const trimmed = text.trimEnd();
        const next = renderPins(trimmed, "local.yaml", "local", { images: { app: A }, charts: { loki: "6.17.0", istio: "1.24.0" } }, "r-1");
        assert.equal(next, `${trimmed}\nrelease:\n  id: r-1\n  images:\n    app: ${A}\n  charts:\n    istio: 1.24.0\n    loki: 6.17.0\n`);
        const plain = renderPins(text, "local.yaml", "local", { images: {}, charts: { loki: "6.17.0" } });
        assert.equal(plain, `${text}release:\n  charts:\n    loki: 6.17.0\n`, "no id line without an id");
    });

    it("rewrites a flow section as a block one, drops pins and sections no longer wanted and the id when none is given", () => {
        const withFlow = `${text}release: {id: r-0, images: {app: "${A}"}, charts: {loki: "6.16.0", istio: "1.23.0"}}\n`;
        const next = renderPins(withFlow, "local.yaml", "local", { images: {}, charts: { istio: "1.23.2" } });
        assert.equal(next, `${text}release:\n  charts:\n    istio: 1.23.2\n`);
        const emptied = renderPins(withFlow, "local.yaml", "local", { images: {}, charts: {} }, "r-9");
        assert.equal(emptied, text, "empty pins remove the section");
    });

    it("fills an empty release key", () => {
        const next = renderPins(`${text}release:\n`, "local.yaml", "local", { images: { app: A }, charts: {} }, "r-1");
        assert.equal(next, `${text}release:\n  id: r-1\n  images:\n    app: ${A}\n`);
    });

    it("keeps the comments and values of kept pins and of the text around the section", () => {
        const [head, tail] = [text.slice(0, text.indexOf("policy:")), text.slice(text.indexOf("policy:"))];
        const withBlock = `${head}release:\n  id: r-0 # old id\n  images:\n    app: "${A}" # kept image\n  charts:\n    loki: '6.16.0' # bumped\n${tail}`;
        const next = renderPins(withBlock, "local.yaml", "local", { images: { app: A }, charts: { loki: "6.17.0" } }, "r-1");
        assert.equal(next, `${head}release:\n  id: r-1 # old id\n  images:\n    app: ${A} # kept image\n  charts:\n    loki: 6.17.0 # bumped\n${tail}`);
    });

    it("refuses a file that is not a YAML mapping, naming it", () => {
        assert.throws(
            () => renderPins("a: [1\n", "x.yaml", "local", { images: {}, charts: {} }),
            (e: Error) => e instanceof InputError && /^x\.yaml: is not a valid YAML mapping \([^\n]+\); fix it before writing pins$/.test(e.message) && !e.message.includes("not a mapping)"),
        );
        assert.throws(
            () => renderPins("- a\n- b\n", "x.yaml", "local", { images: {}, charts: {} }),
            (e: Error) => e instanceof InputError && e.message === "x.yaml: is not a valid YAML mapping (not a mapping); fix it before writing pins",
        );
        assert.throws(() => renderPins("", "x.yaml", "local", { images: {}, charts: {} }), /\(not a mapping\)/);
    });

    it("writes the pins atomically and returns the environment as written; a refused write changes nothing", () => {
        const file = path.join(sb.envDir, "local.yaml");
        const env = writePins("local", { images: { app: A }, charts: {} }, "r-2");
        assert.deepEqual(env.release, { id: "r-2", images: { app: A }, charts: {} });
        assert.deepEqual(loadEnvironment("local", sb.envDir).release, env.release);
        const after = fs.readFileSync(file, "utf8");
        assert.throws(() => writePins("local", { images: { app: "app:latest" }, charts: {} }, "r-3"), InputError);
        assert.equal(fs.readFileSync(file, "utf8"), after);
        const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
        const otherTemp = path.join(sb.envDir, `.prod.yaml.${dead}.tmp`);
        fs.writeFileSync(otherTemp, "half");
        writePins("local", { images: { app: B }, charts: {} }, "r-4", sb.envDir);
        assert.equal(fs.existsSync(otherTemp), false, "a killed writer's temporary file of any environment is cleared");
        assert.equal(readPins("local").images.app, B);
        assert.deepEqual(fs.readdirSync(sb.envDir).filter((f) => f.endsWith(".tmp")), []);
    });

    it("a pin for an environment that does not exist fails before writing", () => {
        assert.throws(() => writePins("nope", { images: {}, charts: {} }), /unknown environment "nope"/);
        assert.equal(fs.existsSync(path.join(sb.envDir, "nope.yaml")), false);
    });

    it("the effective chart versions are the pins where pinned and the file's versions elsewhere", () => {
        const base = loadEnvironment("local", sb.envDir);
        assert.deepEqual(effectiveCharts(base), base.charts);
        const pinned = writePins("local", { images: {}, charts: { loki: "6.17.0" } }, "r-5");
        assert.deepEqual(effectiveCharts(pinned), { ...base.charts, loki: "6.17.0" });
        assert.deepEqual(Object.keys(effectiveCharts(pinned)), Object.keys(base.charts));
    });
});
