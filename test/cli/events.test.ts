/**
 * `--events` everywhere: every command prints only NDJSON on stdout (one timestamped event per
 * line, the last one the outcome), and whatever is for people goes to stderr.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, type CliResult } from "./run-cli";
import { copyEnvironments } from "../support/environments";

/** Each stdout line as a parsed event; fails on any line that is not a JSON object with a time. */
function events(r: CliResult): Array<Record<string, unknown>> {
    const out = r.stdout.split("\n").filter((l) => l.length > 0).map((line) => {
        let e: unknown;
        assert.doesNotThrow(() => { e = JSON.parse(line); }, `stdout line is not JSON: ${line.slice(0, 120)}`);
        assert.ok(e && typeof e === "object" && !Array.isArray(e), `not an event object: ${line.slice(0, 120)}`);
        assert.match(String((e as Record<string, unknown>).time), /^\d{4}-\d\d-\d\dT/, "every event is timestamped");
        return e as Record<string, unknown>;
    });
    assert.ok(out.length > 0, "at least the result event");
    return out;
}

describe("--events: only NDJSON on stdout, for every command", function () {
    this.timeout(300_000);
    let env: NodeJS.ProcessEnv;
    let root: string;

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-events-"));
        const envDir = copyEnvironments(path.join(root, "environments"));
        env = { INFRA_ENVIRONMENTS_DIR: envDir, INFRA_STATE_DIR: path.join(root, "state") };
        const up = await runCli(["up", "--env", "dev", "--engine", "offline"], { env, timeoutMs: 200_000 });
        assert.equal(up.code, 0, up.stderr);
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    const run = (args: string[]) => runCli([...args, "--events"], { env, timeoutMs: 200_000 });

    it("promote streams the layer events, then the release result, then the outcome; its text goes to stderr", async () => {
        const r = await run(["promote", "--from", "dev", "--to", "staging", "--engine", "offline"]);
        assert.equal(r.code, 0, r.stderr);
        const e = events(r);
        assert.ok(e.some((x) => x.kind === "layer-state" && x.env === "staging"), "layer events of the target");
        const result = e.find((x) => x.kind === "release-result") as { result: { status: string; env: string } } | undefined;
        assert.equal(result?.result.status, "applied");
        assert.deepEqual(e.at(-1), { time: e.at(-1)!.time, kind: "result", exitCode: 0 });
        assert.match(r.stderr, /promote dev -> staging: release r-\S+ applied/);
    });

    it("rollback, releases and outputs print events only", async () => {
        const rollback = await run(["rollback", "--env", "staging", "--engine", "offline"]);
        // staging ran no pinned release before the promotion: refused, and the refusal is the last event.
        assert.equal(rollback.code, 2, rollback.stderr);
        assert.deepEqual(events(rollback).at(-1)?.kind, "result");
        assert.equal(events(rollback).at(-1)?.exitCode, 2);

        const releases = events(await run(["releases", "--env", "staging"]));
        assert.equal(releases.filter((x) => x.kind === "release").length, 1);

        const outputs = await run(["outputs", "--env", "dev", "--engine", "offline", "--layer", "cluster", "--layer", "monitoring"]);
        assert.equal(outputs.code, 0, outputs.stderr);
        const byLayer = events(outputs).filter((x) => x.kind === "outputs").map((x) => x.layer);
        assert.deepEqual(byLayer, ["cluster", "monitoring"]);
        assert.doesNotMatch(outputs.stdout, /"kubeconfig":"(?!\[secret\])/, "secrets stay masked in events");
    });

    it("commands without a run still end with their result event: graph, policy-config, doctor, check, a bad argument", async () => {
        for (const args of [["graph"], ["policy-config", "--env", "dev"], ["doctor"], ["check", "--env", "dev", "--layer", "cluster"]]) {
            const r = await run(args);
            assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
            assert.equal(events(r).at(-1)?.kind, "result", args.join(" "));
        }
        const graph = events(await run(["graph"])).find((x) => x.kind === "graph") as { waves: string[][] } | undefined;
        assert.deepEqual(graph?.waves[0], ["cluster", "images"], "the graph itself is an event, not only stderr text");
        const config = events(await run(["policy-config", "--env", "dev"])).find((x) => x.kind === "policy-config") as { config: Record<string, unknown> } | undefined;
        assert.ok(config && Object.keys(config.config).length > 0, "the configuration itself is an event");
        const bad = await run(["up", "--env", "nope", "--engine", "offline"]);
        assert.equal(bad.code, 2);
        assert.match(String(events(bad).at(-1)?.error), /unknown environment "nope"/);
    });
});
