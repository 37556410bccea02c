/**
 * The pack outside this repository: exactly the files `npm pack` (and so `pulumi policy
 * publish`) would ship, copied to a temporary folder, dependencies installed there with
 * `npm ci --offline` from the npm cache (the pack's lockfile pins them), then started the way
 * the Pulumi CLI starts a pack and asked about a privileged Deployment over the Analyzer
 * protocol. Catches a tsconfig or import that reaches into the parent folder, and a `files`
 * list that leaves out something the pack loads.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startPolicyPack, type PolicyServer } from "../../automation/policy/analyzer";
import { ensurePackBuilt, packBuildIsStale } from "../../automation/policy/build";
import { compliantDeployment } from "./cases/workload";
import { urnOf, variant } from "./support";

const PACK_DIR = path.resolve(__dirname, "..");
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** The files `npm pack` would put in the tarball, relative to the pack folder. */
function packedFiles(): string[] {
    const out = execFileSync(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PACK_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
}

describe("policy pack published on its own", function () {
    this.timeout(300_000);
    let dir: string;
    let server: PolicyServer | undefined;
    let files: string[];

    before(() => {
        ensurePackBuilt(PACK_DIR); // as `npm pack` runs the pack's prepare script
        files = packedFiles();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-alone-"));
        for (const f of files) {
            fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
            // Times kept, as in a tarball: the shipped build must be current, so the pack starts from it as is.
            fs.cpSync(path.join(PACK_DIR, f), path.join(dir, f), { preserveTimestamps: true });
        }
    });
    after(async () => {
        await server?.close();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("ships the pack's sources and nothing of its tests", () => {
        for (const f of ["PulumiPolicy.yaml", "package.json", "bin/index.js", "bin/rules/index.js", "index.ts", "config.ts", "tsconfig.json", "rules/index.ts"]) {
            assert.ok(files.includes(f), `${f} is not in the package; add it to "files" in policies/package.json`);
        }
        assert.deepStrictEqual(files.filter((f) => f.startsWith("test/") || f.startsWith("node_modules/")), []);
        const tsconfig = fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8");
        assert.doesNotMatch(tsconfig, /\.\.\//, "the shipped tsconfig must not point outside the pack");
    });

    it("installs from its own package.json and lockfile, starts, and reports a known violation", async () => {
        // The lockfile is not in the tarball (npm never packs it); it is copied so the offline
        // install resolves the exact versions from the cache, as a consumer's `npm ci` would.
        fs.copyFileSync(path.join(PACK_DIR, "package-lock.json"), path.join(dir, "package-lock.json"));
        execFileSync(NPM, ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, stdio: "ignore" });
        assert.ok(fs.existsSync(path.join(dir, "node_modules", "@pulumi", "policy")), "dependencies installed in the copy");
        assert.strictEqual(packBuildIsStale(dir), false, "the package ships a current build of its sources");
        const logs: string[] = [];
        server = await startPolicyPack(dir, {}, { onLog: (l) => logs.push(l) });
        assert.strictEqual(server.name, "platform-security");
        assert.strictEqual(server.version, require("../package.json").version);
        const props = variant(compliantDeployment, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true));
        const violations = await server.analyze(
            [{ urn: urnOf(DEPLOYMENT, "api"), type: DEPLOYMENT, name: "api", inputs: props, dependencies: [], custom: true }],
            "apps",
        );
        const privileged = violations.filter((v) => v.rule === "privileged-container");
        assert.deepStrictEqual(privileged.map((v) => [v.enforcement, v.urn]), [["mandatory", urnOf(DEPLOYMENT, "api")]], logs.join("\n"));
    });
});
