/** The CLI as a user meets it: help, argument errors, the graph and the destroy gate. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { lines, runCli, STATE_DIR } from "./run-cli";

const COMMANDS = ["up", "preview", "refresh", "drift", "destroy", "outputs", "check", "graph", "promote", "rollback"];

/** Bad input must be one line on stderr, exit 2, and never a stack trace. */
function assertOneLineInputError(r: { code: number; stderr: string; stdout: string }, mentions: RegExp): void {
    assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
    const errLines = lines(r.stderr);
    assert.equal(errLines.length, 1, `one line on stderr, got:\n${r.stderr}`);
    assert.match(errLines[0], /^infra: /);
    assert.match(errLines[0], mentions);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.equal(r.stdout, "", "nothing on stdout");
}

describe("infra CLI", function () {
    this.timeout(90_000);

    it("--help lists every command and an example for each", async () => {
        const r = await runCli(["--help"]);
        assert.equal(r.code, 0, r.stderr);
        const commands = r.stdout.slice(r.stdout.indexOf("Commands:"), r.stdout.indexOf("Options:"));
        const examples = r.stdout.slice(r.stdout.indexOf("Examples:"));
        for (const c of COMMANDS) {
            assert.match(commands, new RegExp(`infra ${c}\\s`), `command ${c} listed`);
            assert.match(examples, new RegExp(`infra ${c} --`), `example for ${c}`);
        }
        assert.match(r.stdout.replace(/\s+/g, " "), /Exit codes \(the Pulumi CLI's table\): 0 ok, 1 failed, 2 bad input, 3 credentials, 4 layer update failed, 5 mandatory policy violation, 6 stack not found, 7 drift or unexpected changes, 8 cancelled/);
    });

    it("--version prints the package version", async () => {
        const r = await runCli(["--version"]);
        assert.equal(r.code, 0);
        assert.equal(r.stdout.trim(), require("../../package.json").version);
    });

    it("no command: exit 2, one line", async () => {
        assertOneLineInputError(await runCli([]), /name a command/);
    });

    it("unknown command: exit 2, one line naming it", async () => {
        assertOneLineInputError(await runCli(["frobnicate"]), /Unknown argument: frobnicate/);
    });

    it("unknown flag: exit 2, one line naming it", async () => {
        assertOneLineInputError(await runCli(["graph", "--colour"]), /Unknown argument: colour/);
    });

    it("bad choice: exit 2, one line listing the choices", async () => {
        assertOneLineInputError(await runCli(["graph", "--format", "png"]), /Given: "png", Choices: "text", "mermaid", "dot"/);
    });

    it("unknown --env: exit 2 listing the valid environments", async () => {
        assertOneLineInputError(await runCli(["preview", "--env", "qa"]), /unknown environment "qa".*valid: dev, local, prod, staging/);
    });

    it("unknown --layer: exit 2 listing the valid layers", async () => {
        assertOneLineInputError(await runCli(["preview", "--env", "dev", "--layer", "network"]), /unknown layer "network"; valid layers: cluster, images, monitoring, mesh, apps/);
    });

    it("bad --parallel: exit 2 with the accepted range", async () => {
        assertOneLineInputError(await runCli(["preview", "--env", "dev", "--engine", "offline", "--parallel", "0"]), /--parallel 0 .* 1 to 16/);
    });

    it("missing pulumi CLI: exit 2 with the install hint, before any stack is touched", async () => {
        const r = await runCli(["preview", "--env", "dev", "--engine", "pulumi"], { env: { PATH: path.dirname(process.execPath), INFRA_TOOLS_DIR: "/nonexistent" } });
        assertOneLineInputError(r, /Pulumi CLI is not installed: run `npm run setup:engine` .*, or install it with `curl -fsSL https:\/\/get.pulumi.com \| sh`, or use --engine offline/);
    });

    for (const format of ["text", "mermaid", "dot"]) {
        it(`graph --format ${format} puts cluster and images in the same first wave`, async () => {
            const r = await runCli(["graph", "--env", "dev", "--format", format]);
            assert.equal(r.code, 0, r.stderr);
            if (format === "text") {
                assert.match(r.stdout, /wave 1: cluster, images\s+\(parallel\)/);
                assert.match(r.stdout, /wave 2: monitoring\n/);
                assert.match(r.stdout, /wave 4: apps\n/);
            } else if (format === "mermaid") {
                assert.match(r.stdout, /^flowchart LR/);
                assert.match(r.stdout, /subgraph wave1\["wave 1"\]\n\s+cluster\n\s+images\n\s+end/);
                assert.match(r.stdout, /mesh --> apps/);
            } else {
                assert.match(r.stdout, /^digraph layers \{/);
                assert.match(r.stdout, /label="wave 1"; rank=same; "cluster"; "images"; \}/);
                assert.match(r.stdout, /"images" -> "apps";/);
            }
        });
    }

    it("graph --json gives the waves and the needs as data", async () => {
        const r = await runCli(["graph", "--json"]);
        assert.equal(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual(doc.waves, [["cluster", "images"], ["monitoring"], ["mesh"], ["apps"]]);
        assert.deepEqual(doc.needs.apps, ["images", "mesh"]);
    });

    it("graph --env with an unknown environment is refused", async () => {
        assertOneLineInputError(await runCli(["graph", "--env", "qa"]), /unknown environment "qa"/);
    });

    describe("destroy gate (no terminal)", () => {
        const lockFile = path.join(STATE_DIR, "locks", "prod.lock");
        const engineLog = path.join(STATE_DIR, "logs", "engine", "prod-apps.log");
        const mtime = (f: string) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : undefined);

        it("destroy --env prod without --yes/--confirm is refused and runs nothing", async () => {
            const before = mtime(engineLog);
            const r = await runCli(["destroy", "--env", "prod", "--engine", "offline"]);
            assertOneLineInputError(r, /refusing to destroy protected environment "prod".*pass --yes --confirm prod/);
            assert.equal(fs.existsSync(lockFile), false, "no lock taken");
            assert.equal(mtime(engineLog), before, "no layer log written");
        });

        it("destroy --env prod --yes without --confirm is still refused", async () => {
            assertOneLineInputError(await runCli(["destroy", "--env", "prod", "--yes", "--engine", "offline"]), /pass --yes --confirm prod/);
        });

        it("destroy --env prod --yes --confirm dev is refused as a mismatch", async () => {
            assertOneLineInputError(await runCli(["destroy", "--env", "prod", "--yes", "--confirm", "dev", "--engine", "offline"]), /--confirm "dev" does not match --env "prod"/);
        });

        it("destroy --env dev without --yes and no terminal says to pass --yes", async () => {
            assertOneLineInputError(await runCli(["destroy", "--env", "dev", "--engine", "offline"]), /no terminal to ask on; pass --yes/);
        });
    });
});
