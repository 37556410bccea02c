/**
 * The real engine against the offline one, and the release life cycle on real state: parity of
 * every environment, the policy configuration reaching the CLI, promotion by digest, rollback,
 * backup -> destroy -> restore, Ctrl-C and a second run on a locked environment.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LAYERS } from "../../stacks/graph";
import { calls, explain, POD_WORKLOAD_URN, finished, infra, json, makeWorkspace, pulumi, removeWorkspace, requireEngine, startInfra, type Workspace } from "./harness";

const MINUTE = 60_000;
const ENVS = ["dev", "staging", "prod", "local"] as const;

type LayerDoc = { layer: string; status: string; resources?: Array<{ type: string; name: string }>; outputs?: Record<string, unknown>; violations: Array<{ rule: string; resourceName?: string; enforcement: string }> };

/** Default providers are the engine's own bookkeeping, which the mock runtime has no notion of. */
function resourceSet(l: LayerDoc): string[] {
    return (l.resources ?? []).filter((r) => !(r.type.startsWith("pulumi:providers:") && r.name.startsWith("default"))).map((r) => `${r.type}::${r.name}`).sort();
}

function mandatory(l: LayerDoc): string[] {
    return l.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.rule}::${v.resourceName ?? ""}`).sort();
}

function imageRef(ws: Workspace, env: string): Promise<string> {
    return infra(ws, "outputs", "--env", env, "--layer", "images", "--json").then((r) => {
        assert.equal(r.code, 0, explain(r));
        return json(r).outputs.images.images.app as string;
    });
}

/** The image the env's apps Deployment was last created or updated with, from the stand-in's record. */
function deployedImage(ws: Workspace, env: string): string | undefined {
    const last = calls(ws).filter((c) => (c.op === "create" || c.op === "update") && c.urn?.startsWith(`urn:pulumi:${env}-apps::`) && POD_WORKLOAD_URN.test(c.urn)).pop();
    return JSON.stringify(last?.inputs ?? "").match(/[\w.\-/]+@sha256:[a-f0-9]{64}/)?.[0];
}

/** Processes still running whose command line names the folder. */
function leftovers(dir: string): string[] {
    return execFileSync("ps", ["-eo", "pid,args"]).toString().split("\n").filter((l) => l.includes(dir) && !l.includes(" ps -eo"));
}

describe("real engine: parity, releases and interruptions", function () {
    this.timeout(30 * MINUTE);
    before(function () { requireEngine(this); });
    const workspaces: Workspace[] = [];
    after(() => workspaces.forEach(removeWorkspace));

    describe("engine parity and the release life cycle", () => {
        let ws: Workspace;
        before(() => { ws = makeWorkspace("releases"); });
        after(() => removeWorkspace(ws));

        for (const env of ENVS) {
            it(`${env}: the real engine and the offline one agree on resources, outputs and mandatory findings`, async () => {
                const real = await infra(ws, "up", "--env", env, "--yes", "--json");
                assert.equal(real.code, 0, explain(real));
                const offline = await infra(ws, "check", "--env", env, "--json");
                assert.equal(offline.code, 0, explain(offline));
                const byLayer = (doc: { layers: LayerDoc[] }) => new Map(doc.layers.map((l) => [l.layer, l]));
                const [r, o] = [byLayer(json(real)), byLayer(json(offline))];
                for (const layer of LAYERS) {
                    const rl = r.get(layer)!;
                    const ol = o.get(layer)!;
                    assert.deepEqual(resourceSet(rl), resourceSet(ol), `${env}-${layer}: resource set`);
                    assert.deepEqual(Object.keys(rl.outputs ?? {}).sort(), Object.keys(ol.outputs ?? {}).sort(), `${env}-${layer}: output names`);
                    assert.deepEqual(mandatory(rl), mandatory(ol), `${env}-${layer}: mandatory findings`);
                }
            });
        }

        it("prod's policy configuration reaches the CLI: a registry prod does not allow fails apps there, as check says", async () => {
            const file = path.join(ws.dir, "environments", "prod.yaml");
            const original = fs.readFileSync(file, "utf8");
            fs.writeFileSync(file, original.replace(/^policy:\n/m, "policy:\n  allowedRegistries: [registry.example.com]\n"));
            try {
                const offline = await infra(ws, "check", "--env", "prod", "--layer", "apps", "--json");
                assert.equal(offline.code, 5, explain(offline));
                const offlineApps = json(offline).layers.find((l: LayerDoc) => l.layer === "apps") as LayerDoc;
                assert.ok(offlineApps.violations.some((v) => v.rule === "allowed-registries" && v.enforcement === "mandatory"), explain(offline));
                const real = await infra(ws, "up", "--env", "prod", "--layer", "apps", "--yes", "--force-all", "--json");
                assert.equal(real.code, 5, explain(real));
                const apps = json(real).layers.find((l: LayerDoc) => l.layer === "apps") as LayerDoc;
                assert.ok(apps.violations.some((v) => v.rule === "allowed-registries" && v.enforcement === "mandatory"), explain(real));
            } finally {
                fs.writeFileSync(file, original);
            }
        });

        it("promote dev -> staging -> prod by digest, then roll staging back", async () => {
            // A new build in dev: a different Dockerfile gives a different digest.
            fs.copyFileSync(path.join(ws.dir, "app", "Dockerfile"), path.join(ws.dir, "app", "Dockerfile.next"));
            const devFile = path.join(ws.dir, "environments", "dev.yaml");
            const up = await infra(ws, "up", "--env", "dev", "--yes");
            assert.equal(up.code, 0, explain(up));
            const first = await imageRef(ws, "dev");

            const toStaging = await infra(ws, "promote", "--from", "dev", "--to", "staging");
            assert.equal(toStaging.code, 0, explain(toStaging));
            assert.equal((await imageRef(ws, "staging")).split("@")[1], first.split("@")[1], "staging's images layer exports dev's digest");
            assert.equal(deployedImage(ws, "staging")?.split("@")[1], first.split("@")[1], "staging's pods (Deployment or Rollout) run dev's digest");

            fs.writeFileSync(devFile, fs.readFileSync(devFile, "utf8").replace(/context: app\n/, "context: app\n    dockerfile: Dockerfile.next\n"));
            const rebuilt = await infra(ws, "up", "--env", "dev", "--yes");
            assert.equal(rebuilt.code, 0, explain(rebuilt));
            const second = await imageRef(ws, "dev");
            assert.notEqual(second.split("@")[1], first.split("@")[1], "the new build has a new digest");

            const again = await infra(ws, "promote", "--from", "dev", "--to", "staging");
            assert.equal(again.code, 0, explain(again));
            assert.match(again.stdout, /unchanged \(skipped\): cluster, monitoring, mesh/);
            assert.equal(deployedImage(ws, "staging")?.split("@")[1], second.split("@")[1]);

            const toProd = await infra(ws, "promote", "--from", "staging", "--to", "prod");
            assert.equal(toProd.code, 0, explain(toProd));
            assert.equal(deployedImage(ws, "prod")?.split("@")[1], second.split("@")[1], "prod runs exactly what staging runs");

            const before = calls(ws).length;
            const back = await infra(ws, "rollback", "--env", "staging");
            assert.equal(back.code, 0, explain(back));
            assert.equal(deployedImage(ws, "staging")?.split("@")[1], first.split("@")[1], "rollback re-applies the previous digest");
            const touched = new Set(calls(ws).slice(before).filter((c) => c.op === "update" || c.op === "create").map((c) => c.urn!.split("::")[0]));
            assert.deepEqual([...touched].sort(), ["urn:pulumi:staging-apps", "urn:pulumi:staging-images"].filter((s) => touched.has(s)).sort());
            assert.ok(!touched.has("urn:pulumi:staging-cluster") && !touched.has("urn:pulumi:staging-monitoring"), "rollback touched no cluster or monitoring resource");

            const releases = await infra(ws, "releases", "--env", "staging", "--json");
            assert.equal(releases.code, 0, explain(releases));
            assert.deepEqual(json(releases).map((r: { kind: string }) => r.kind).sort(), ["promote", "promote", "rollback"]);
            // The rollback's apply is kept with each stack it reached, for the history on other machines.
            const rollbackId = /release (r-\S+) applied/.exec(back.stdout)?.[1];
            assert.ok(rollbackId, explain(back));
            for (const layer of LAYERS) {
                const tag = await pulumi(ws, "stack", "tag", "get", "infra:release", "-s", `staging-${layer}`);
                assert.equal(tag.code, 0, explain(tag));
                assert.match(tag.stdout.trim(), new RegExp(`^${rollbackId} applied \\S+Z \\S+$`), `staging-${layer}`);
            }
        });

        it("backup -> destroy -> restore brings every staging stack back from real state", async () => {
            const counts = async () => Promise.all(LAYERS.map(async (layer) => {
                const r = await pulumi(ws, "stack", "export", "-s", `staging-${layer}`);
                assert.equal(r.code, 0, explain(r));
                return JSON.parse(r.stdout).deployment.resources?.length ?? 0;
            }));
            const before = await counts();
            const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "infra-e2e-backup-")), "staging");
            const backup = await infra(ws, "backup", "--env", "staging", "--out", dir);
            assert.equal(backup.code, 0, explain(backup));
            const destroy = await infra(ws, "destroy", "--env", "staging", "--yes");
            assert.equal(destroy.code, 0, explain(destroy));
            assert.deepEqual(await counts(), LAYERS.map(() => 0));
            const restore = await infra(ws, "restore", "--env", "staging", "--from", dir, "--yes");
            assert.equal(restore.code, 0, explain(restore));
            assert.deepEqual(await counts(), before);
        });
    });

    describe("Ctrl-C and a second run", () => {
        it("a second up is refused naming the holder; Ctrl-C stops the first cleanly and a rerun finishes", async () => {
            const ws = makeWorkspace("interrupt");
            workspaces.push(ws);
            const first = startInfra(ws, ["up", "--env", "dev", "--yes"]);
            const done = finished(first);
            let stderr = "";
            first.stderr!.on("data", (b) => { stderr += b; });
            const deadline = Date.now() + 3 * MINUTE;
            while (!/monitoring running/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
            assert.match(stderr, /monitoring running/, "the run reached the monitoring layer");

            const second = await infra(ws, "up", "--env", "dev", "--yes");
            assert.equal(second.code, 1, explain(second));
            assert.match(second.stderr, new RegExp(`locked by pid ${first.pid} `));

            first.kill("SIGINT");
            const r = await done;
            assert.equal(r.code, 8, explain(r));
            assert.deepEqual(fs.readdirSync(path.join(ws.dir, ".infra", "locks")).filter((f) => !f.startsWith(".")), [], "the environment lock was released");
            await new Promise((res) => setTimeout(res, 1000));
            assert.deepEqual(leftovers(ws.dir), [], "no engine, language host, policy pack or provider process outlived the run");
            for (const layer of ["cluster", "images", "monitoring"]) {
                const exported = await pulumi(ws, "stack", "export", "-s", `dev-${layer}`);
                if (exported.code !== 0) continue; // a layer that never started has no stack
                assert.deepEqual(JSON.parse(exported.stdout).deployment.pending_operations ?? [], [], `dev-${layer} has no pending operations`);
            }

            const rerun = await infra(ws, "up", "--env", "dev", "--yes", "--json");
            assert.equal(rerun.code, 0, explain(rerun));
            assert.ok(json(rerun).layers.every((l: LayerDoc) => l.status === "succeeded" || l.status === "unchanged"));
        });
    });
});
