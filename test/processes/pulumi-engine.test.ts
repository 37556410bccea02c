/**
 * The Pulumi engine's children (the `pulumi` CLI the Automation API starts, its language host,
 * provider plugins and policy pack) do not outlive `infra` either: SIGKILL or a forced exit of infra
 * mid-update, then `ps` by the workspace path until nothing is left; and the CLI's plugins do not
 * outlive the CLI when it is killed itself. Needs `npm run setup:engine` (skipped without it,
 * required in CI), like test/e2e.
 */
import { strict as assert } from "assert";
import { makeWorkspace, removeWorkspace, requireEngine, startInfra, type Workspace } from "../e2e/harness";
import { descendants, leftovers, processesUnder, reap, type Proc } from "./support";

/** Starts `infra up` of the cluster layer and resolves with its CLI's pid once that CLI is updating. */
async function updating(ws: Workspace): Promise<{ infra: ReturnType<typeof startInfra>; cli: number; output: () => string }> {
    const infra = startInfra(ws, ["up", "--env", "dev", "--layer", "cluster", "--yes", "--events"]);
    let out = "";
    infra.stdout!.on("data", (b) => { out += b; });
    infra.stderr!.on("data", (b) => { out += b; });
    const deadline = Date.now() + 120_000;
    for (;;) {
        const cli = descendants(infra.pid!).find((p) => /[/\\]pulumi up /.test(p.args));
        // A resource event means the update is writing state: the moment a cut-off hurts most.
        if (cli && /"kind":"progress"/.test(out)) return { infra, cli: cli.pid, output: () => out };
        if (Date.now() > deadline) throw new Error(`the update never started:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

/** The CLI's plugins of ours (language host, provider stand-ins), once both kinds are running. */
async function pluginsOf(cli: number): Promise<Proc[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
        const plugins = descendants(cli).filter((p) => /tools[/\\](language-host|provider-standin)[/\\]/.test(p.args));
        if (["language-host", "provider-standin"].every((kind) => plugins.some((p) => p.args.includes(kind)))) return plugins;
        if (Date.now() > deadline) throw new Error(`the CLI never ran both our language host and a provider stand-in:\n${plugins.map((p) => p.args).join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

describe("no process outlives its run (Pulumi engine)", function () {
    this.timeout(300_000);
    let ws: Workspace | undefined;
    before(function () { requireEngine(this); });
    afterEach(() => {
        if (ws) reap(processesUnder(ws.dir));
        removeWorkspace(ws);
        ws = undefined;
    });

    it("SIGKILL of the pulumi CLI mid-update: its language host and provider stand-ins end within 10 s", async () => {
        ws = makeWorkspace("pk-cli");
        const run = await updating(ws);
        const plugins = await pluginsOf(run.cli);
        const exited = new Promise<void>((r) => run.infra.once("exit", () => r()));
        process.kill(run.cli, "SIGKILL");
        await exited;
        const left = await leftovers(ws.dir, plugins.map((p) => p.pid), 10_000);
        reap(left);
        assert.deepEqual(left.map((p) => `${p.pid} (ppid ${p.ppid}) ${p.args.slice(0, 160)}`), [], run.output().slice(-2000));
    });

    for (const death of ["SIGKILL", "double Ctrl-C"] as const) {
        it(`${death} of infra mid-update: the CLI and its plugins end within 20 s`, async () => {
            ws = makeWorkspace("pk");
            const run = await updating(ws);
            const exited = new Promise<void>((r) => run.infra.once("exit", () => r()));
            if (death === "SIGKILL") run.infra.kill("SIGKILL");
            else {
                run.infra.kill("SIGINT");
                await new Promise((r) => setTimeout(r, 450));
                run.infra.kill("SIGINT");
            }
            await exited;
            const left = await leftovers(ws.dir, [run.cli], 20_000);
            reap(left);
            assert.deepEqual(left.map((p) => p.args.slice(0, 160)), [], run.output().slice(-2000));
        });
    }
});
