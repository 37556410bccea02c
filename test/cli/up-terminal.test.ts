/**
 * `up` on a terminal (a pseudo-terminal from util-linux `script`): it previews the selected layers,
 * shows the changes, then asks; "n" leaves everything untouched, a protected environment wants its
 * name. Runs in a copy of the project with the offline engine, so nothing of the project changes.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeWorkspace, removeWorkspace, type Workspace } from "../e2e/harness";

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/** Runs `infra <args>` on a pseudo-terminal and types `answer` when the question appears. */
function onTerminal(ws: Workspace, args: string[], question: RegExp, answer: string): Promise<{ code: number | null; out: string }> {
    const cmd = [process.execPath, path.join(ws.dir, "bin", "infra.js"), ...args].join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { cwd: ws.dir, env: { ...ws.env, INFRA_PROVIDERS: "real", TERM: "dumb" } });
    let out = "";
    let answered = false;
    child.stdout.on("data", (b) => {
        out += b;
        if (!answered && question.test(out.replace(ANSI, ""))) {
            answered = true;
            child.stdin.write(`${answer}\n`);
        }
    });
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, out: out.replace(ANSI, "") })));
}

describe("up on a terminal: preview, then ask", function () {
    this.timeout(120_000);
    let ws: Workspace;
    before(function () {
        if (spawnSync("script", ["--version"]).status !== 0) {
            if (process.env.CI === "true") throw new Error("util-linux `script` is required for the terminal tests (apt-get install util-linux)");
            console.log("      skipped: util-linux `script` is not installed (apt-get install util-linux)");
            this.skip();
        }
        ws = makeWorkspace("tty");
    });
    after(() => removeWorkspace(ws));

    it("answering n previews, asks and leaves every layer untouched (exit 2)", async () => {
        const r = await onTerminal(ws, ["up", "--env", "dev", "--engine", "offline", "--layer", "cluster"], /Apply these changes to dev\? \[y\/N\]/, "n");
        assert.equal(r.code, 2, r.out);
        assert.match(r.out, /dev: preview with the offline engine[\s\S]*Apply these changes to dev\?/);
        assert.match(r.out, /up of "dev" not confirmed; nothing was touched/);
        assert.doesNotMatch(r.out, /dev: up with the offline engine/);
        assert.ok(!fs.existsSync(path.join(ws.dir, ".infra", "offline", "dev-cluster.json")), "no layer was applied");
    });

    it("answering y applies after the preview", async () => {
        const r = await onTerminal(ws, ["up", "--env", "dev", "--engine", "offline", "--layer", "cluster"], /Apply these changes to dev\? \[y\/N\]/, "y");
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /Apply these changes to dev\?[\s\S]*dev: up with the offline engine, 1 succeeded/);
    });

    it("a protected environment wants its name typed; another name touches nothing", async () => {
        const r = await onTerminal(ws, ["up", "--env", "prod", "--engine", "offline", "--layer", "cluster", "--skip-preview"], /Type the environment name to confirm/, "dev");
        assert.equal(r.code, 2, r.out);
        assert.doesNotMatch(r.out, /preview with the offline engine/, "--skip-preview skips the preview");
        assert.match(r.out, /up of "prod" not confirmed: the typed name did not match; nothing was touched/);
    });
});
