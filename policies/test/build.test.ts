/**
 * The compiled pack (automation/policy/build.ts): a pack whose sources changed since its build
 * is rebuilt before it starts, a fresh build is left alone, a pack that does not compile fails
 * with one line naming it, and a build killed half-way leaves nothing the next run trips on.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildLayoutOf, ensurePackBuilt, packBuildIsStale } from "../../automation/policy/build";

const PACK_DIR = path.resolve(__dirname, "..");

/** A two-file TypeScript pack in a temporary folder, using this pack's node_modules (TypeScript). */
function tinyPack(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-build-"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "tiny", version: "0.0.1", main: "bin/index.js" }));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2020", module: "commonjs", strict: true, types: [], outDir: "bin" }, include: ["*.ts", "rules/*.ts"] }));
    fs.mkdirSync(path.join(dir, "rules"));
    fs.writeFileSync(path.join(dir, "rules", "one.ts"), "export const one: number = 1;\n");
    fs.writeFileSync(path.join(dir, "index.ts"), 'import { one } from "./rules/one";\nexport const answer = one + 1;\n');
    fs.symlinkSync(path.join(PACK_DIR, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** Sets a file's modification time `seconds` from now. */
function touch(file: string, seconds: number): void {
    const t = new Date(Date.now() + seconds * 1000);
    fs.utimesSync(file, t, t);
}

describe("compiled policy pack", function () {
    this.timeout(120_000);
    const dirs: string[] = [];
    const pack = () => {
        const dir = tinyPack();
        dirs.push(dir);
        return dir;
    };
    after(() => {
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("the repository's pack runs its compiled main, built from its tsconfig", () => {
        const layout = buildLayoutOf(PACK_DIR);
        assert.ok(layout, "policies/package.json main must be inside tsconfig's outDir");
        assert.strictEqual(path.relative(PACK_DIR, layout.main), path.join("bin", "index.js"));
        const files: string[] = require("../package.json").files;
        assert.ok(files.includes("bin/**/*.js"), "the compiled pack is in the published files");
    });

    it("builds a pack that has never been built, and leaves a fresh build alone", () => {
        const dir = pack();
        assert.strictEqual(packBuildIsStale(dir), true);
        assert.strictEqual(ensurePackBuilt(dir), true);
        assert.strictEqual(require(path.join(dir, "bin", "index.js")).answer, 2);
        assert.strictEqual(packBuildIsStale(dir), false);
        assert.strictEqual(ensurePackBuilt(dir), false, "nothing changed, nothing built");
    });

    it("rebuilds when a rule changed after the build, and only then", () => {
        const dir = pack();
        ensurePackBuilt(dir);
        fs.writeFileSync(path.join(dir, "rules", "one.ts"), "export const one: number = 41;\n");
        touch(path.join(dir, "rules", "one.ts"), 5);
        assert.strictEqual(packBuildIsStale(dir), true);
        assert.strictEqual(ensurePackBuilt(dir), true);
        const out = fs.readFileSync(path.join(dir, "bin", "rules", "one.js"), "utf8");
        assert.match(out, /41/);
        assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.startsWith("bin.")), [], "no build folder is left behind");
    });

    it("a pack that does not compile fails in one line naming it, and keeps its last good build", () => {
        const dir = pack();
        ensurePackBuilt(dir);
        fs.writeFileSync(path.join(dir, "rules", "one.ts"), 'export const one: number = "one";\n');
        touch(path.join(dir, "rules", "one.ts"), 5);
        assert.throws(
            () => ensurePackBuilt(dir),
            (err: Error) => err.message.includes(dir) && /does not compile: rules\/one\.ts.*TS2322/.test(err.message) && !err.message.includes("\n"),
        );
        assert.ok(fs.existsSync(path.join(dir, "bin", "index.js")), "the previous build stays in place");
        assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.startsWith("bin.")), []);
    });

    it("removes the folders of a build that was killed half-way, and not those of a running one", () => {
        const dir = pack();
        const dead = path.join(dir, "bin.build-999999-1"); // no such pid
        const live = path.join(dir, `bin.old-${process.pid}-1`);
        for (const d of [dead, live]) fs.mkdirSync(d);
        fs.writeFileSync(path.join(dead, "index.js"), "half written");
        ensurePackBuilt(dir);
        assert.strictEqual(fs.existsSync(dead), false);
        assert.strictEqual(fs.existsSync(live), true);
    });

    it("a pack that is not built from TypeScript is left alone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-js-"));
        dirs.push(dir);
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "js", main: "index.js" }));
        fs.writeFileSync(path.join(dir, "index.js"), "");
        assert.strictEqual(buildLayoutOf(dir), undefined);
        assert.strictEqual(ensurePackBuilt(dir), false);
    });
});
