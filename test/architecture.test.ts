/**
 * The import graph runs downward only: cli -> orchestrator -> release, pipeline, engines, state,
 * reports -> stacks -> components -> environments -> common. Read from the code itself (every
 * relative import of every project file), so a new upward or sideways import fails here.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { relativeImports } from "../automation/state/fingerprint";

const ROOT = path.resolve(__dirname, "..");
const FILES = execFileSync("git", ["ls-files", "*.ts"], { cwd: ROOT, encoding: "utf8" }).split("\n")
    .filter((f) => f && !f.startsWith("test/") && !f.startsWith("policies/test/") && !f.startsWith("bench/"));

/** Every (importer, imported) pair of project files. */
const EDGES: Array<[string, string]> = FILES.flatMap((f) => relativeImports(ROOT, f).map((to): [string, string] => [f, to]));

const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);
/** The folder right under components/ (undefined for the shared files at its top). */
const componentFolder = (file: string) => /^components\/([^/]+)\//.exec(file)?.[1];

function offending(from: (f: string) => boolean, to: (f: string) => boolean): string[] {
    return EDGES.filter(([a, b]) => from(a) && to(b)).map(([a, b]) => `${a} -> ${b}`);
}

describe("architecture: imports run downward only", () => {
    it("reads a non-trivial import graph (the check can see imports)", () => {
        assert.ok(EDGES.some(([a, b]) => a === "automation/cli/main.ts" && b.startsWith("automation/cli/commands/")));
        assert.ok(EDGES.length > 100, `only ${EDGES.length} imports found`);
    });

    it("common/ imports nothing of the project's but itself", () => {
        assert.deepEqual(offending(under("common"), (f) => !under("common")(f)), []);
    });

    it("environments/, stacks/ and components/ never import automation/ (a Pulumi program loads no orchestrator code)", () => {
        const low = (f: string) => ["environments", "stacks", "components", "common"].some((d) => under(d)(f)) || f === "index.ts";
        assert.deepEqual(offending(low, under("automation")), []);
    });

    it("components/ import neither stacks/ nor each other's folders (shared helpers live at components/ top level)", () => {
        assert.deepEqual(offending(under("components"), under("stacks")), []);
        const sideways = EDGES.filter(([a, b]) => componentFolder(a) && componentFolder(b) && componentFolder(a) !== componentFolder(b));
        assert.deepEqual(sideways.map(([a, b]) => `${a} -> ${b}`), []);
    });

    it("environments/ imports only itself and common/", () => {
        assert.deepEqual(offending(under("environments"), (f) => !under("environments")(f) && !under("common")(f)), []);
    });

    it("only the CLI imports the orchestrator, and nothing below the CLI imports it", () => {
        assert.deepEqual(offending((f) => !under("automation/cli")(f) && !under("automation/orchestrator")(f), under("automation/orchestrator")), []);
        assert.deepEqual(offending((f) => !under("automation/cli")(f), under("automation/cli")), []);
    });

    it("the policy pack stands alone: policies/ imports nothing outside itself", () => {
        assert.deepEqual(offending(under("policies"), (f) => !under("policies")(f)), []);
    });
});
