/**
 * The real Pulumi engine end to end: the CLI built from Pulumi's Go modules, our language host,
 * the provider stand-in and a file backend in a temporary folder. Each block is one scenario a
 * user runs; the stand-in's call record shows what the engine asked the providers to do.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { hash } from "../../automation/offline/fabricate";
import { LAYER_NEEDS as GRAPH, LAYERS, type Layer } from "../../stacks/graph";
import { calls, explain, POD_WORKLOAD_URN, filesUnder, infra, json, makeWorkspace, pulumi, removeWorkspace, requireEngine, stackOf, type Workspace } from "./harness";

const MINUTE = 60_000;

/** Indexes of the first and last create of each layer's stack in the call record. */
function createSpans(ws: Workspace, env: string): Map<string, { first: number; last: number }> {
    const spans = new Map<string, { first: number; last: number }>();
    calls(ws).forEach((c, i) => {
        if (c.op !== "create" || !c.urn) return;
        const stack = stackOf(c.urn);
        if (!stack.startsWith(`${env}-`)) return;
        const s = spans.get(stack) ?? { first: i, last: i };
        s.last = i;
        spans.set(stack, s);
    });
    return spans;
}

describe("real engine (Pulumi CLI, provider stand-in)", function () {
    this.timeout(20 * MINUTE);
    before(function () { requireEngine(this); });
    const workspaces: Workspace[] = [];
    after(() => workspaces.forEach(removeWorkspace));

    describe("the README's plain-CLI path", () => {
        let ws: Workspace;
        before(() => { ws = makeWorkspace("plain"); });
        after(() => removeWorkspace(ws));

        it("pulumi stack init + pulumi up --policy-pack policies applies a layer", async () => {
            assert.equal((await pulumi(ws, "stack", "init", "dev-images")).code, 0);
            const r = await pulumi(ws, "up", "-s", "dev-images", "--yes", "--policy-pack", "policies");
            assert.equal(r.code, 0, explain(r));
            assert.match(r.stdout, /platform-security@v\d/);
            assert.ok(calls(ws).some((c) => c.op === "create" && c.urn?.includes("aws:ecr/repository:Repository")), "the stand-in created the ECR repository");
        });

        it("a mandatory violation fails pulumi up and names the rule", async () => {
            const file = path.join(ws.dir, "components", "registry", "repository.ts");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("scanOnPush: true", "scanOnPush: false"));
            const r = await pulumi(ws, "up", "-s", "dev-images", "--yes", "--policy-pack", "policies");
            assert.notEqual(r.code, 0, explain(r));
            assert.match(r.stdout + r.stderr, /ecr-scan-on-push/);
            assert.match(r.stdout + r.stderr, /mandatory/);
        });
    });

    describe("infra up, drift, refresh and destroy of dev", () => {
        let ws: Workspace;
        before(() => { ws = makeWorkspace("dev"); });
        after(() => removeWorkspace(ws));

        it("up creates all five layers in graph order, with stack references resolved", async () => {
            const r = await infra(ws, "up", "--env", "dev", "--yes", "--json");
            assert.equal(r.code, 0, explain(r));
            const doc = json(r);
            assert.equal(doc.engine, "pulumi");
            assert.deepEqual(doc.layers.map((l: { status: string }) => l.status), LAYERS.map(() => "succeeded"));
            assert.match(r.stderr, /provider stand-in/, "a run with the stand-in says so");
            const spans = createSpans(ws, "dev");
            for (const layer of LAYERS) {
                assert.ok(spans.has(`dev-${layer}`), `${layer} created resources`);
                for (const need of GRAPH[layer]) {
                    assert.ok(spans.get(`dev-${need}`)!.last < spans.get(`dev-${layer}`)!.first, `${need} finished creating before ${layer} started`);
                }
            }
            // Stack references resolved: the apps layer's pods (dev runs them from an Argo Rollout) carry the digest the images layer built.
            const images = doc.layers.find((l: { layer: string }) => l.layer === "images").outputs.images.app as string;
            const deployment = calls(ws).find((c) => c.op === "create" && c.urn?.startsWith("urn:pulumi:dev-apps::") && POD_WORKLOAD_URN.test(c.urn));
            assert.ok(deployment, "the apps layer created a Deployment or Rollout");
            assert.ok(JSON.stringify(deployment.inputs).includes(images), "the app's pods run the image built by the images layer");
        });

        it("generated secrets are encrypted in state: the plaintext is in no file", async () => {
            const create = calls(ws).find((c) => c.op === "create" && c.urn?.includes("random:index/randomPassword:RandomPassword"));
            assert.ok(create?.urn, "the Grafana admin password was generated");
            const name = create.urn.split("::").pop()!;
            const plaintext = hash("secret", name).slice(0, 32);
            const shown = await infra(ws, "outputs", "--env", "dev", "--layer", "monitoring", "--show-secrets", "--json");
            assert.ok(shown.stdout.includes(plaintext), "outputs --show-secrets decrypts the generated password");
            const leaks = [...filesUnder(path.dirname(ws.backend)), ...filesUnder(path.join(ws.dir, ".infra"))]
                .filter((f) => fs.readFileSync(f).includes(plaintext));
            assert.deepEqual(leaks, [], "no state, log, record or run file holds the password in plain text");
        });

        it("dr reads the cluster's kubeconfig from the cluster layer's output and stops at its credential command (aws eks get-token), exit 3", async () => {
            // No AWS credentials at all, so `aws eks get-token` fails before the (made-up) endpoint is ever dialled.
            const noAws: NodeJS.ProcessEnv = { ...ws.env, AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", AWS_CONFIG_FILE: "/nonexistent", AWS_PROFILE: "" };
            for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"]) delete noAws[k];
            const r = await infra({ ...ws, env: noAws }, "dr", "backup", "--env", "dev");
            assert.equal(r.code, 3, explain(r));
            assert.match(r.stderr, /infra: the kubeconfig's credential command `aws eks get-token` gave no token \(.+\); log in/);
        });

        it("a second up changes nothing and drift finds nothing", async () => {
            const up = await infra(ws, "up", "--env", "dev", "--yes", "--force-all", "--json");
            assert.equal(up.code, 0, explain(up));
            for (const l of json(up).layers) {
                const c = l.counts.changes;
                assert.equal(c.create + c.update + c.replace + c.delete, 0, `${l.layer} changed nothing`);
            }
            const drift = await infra(ws, "drift", "--env", "dev");
            assert.equal(drift.code, 0, explain(drift));
        });

        it("change detection reads the fingerprint kept with each stack, so another machine's apply is seen", async () => {
            // A fresh machine: no local run state at all.
            fs.rmSync(path.join(ws.dir, ".infra"), { recursive: true, force: true });
            const same = await infra(ws, "up", "--env", "dev", "--yes", "--json");
            assert.equal(same.code, 0, explain(same));
            assert.deepEqual(json(same).layers.map((l: { status: string }) => l.status), LAYERS.map(() => "unchanged"));
            // Someone else's apply moved mesh's fingerprint: only mesh (and what reads its outputs, if they change) runs.
            const tag = await pulumi(ws, "stack", "tag", "set", "infra:fingerprint", "someone-else", "-s", "dev-mesh");
            assert.equal(tag.code, 0, explain(tag));
            const r = await infra(ws, "up", "--env", "dev", "--yes", "--json");
            assert.equal(r.code, 0, explain(r));
            const status = Object.fromEntries(json(r).layers.map((l: { layer: string; status: string }) => [l.layer, l.status]));
            assert.equal(status.mesh, "succeeded");
            assert.deepEqual([status.cluster, status.images, status.monitoring, status.apps], ["unchanged", "unchanged", "unchanged", "unchanged"]);
        });

        it("injected drift is reported with its layer, resource and property; refresh adopts it", async () => {
            fs.writeFileSync(ws.faults, JSON.stringify({ drift: [{ match: "$aws:ec2/vpc:Vpc::cluster-vpc", property: "enableDnsHostnames", value: false }] }));
            const drift = await infra(ws, "drift", "--env", "dev");
            assert.equal(drift.code, 7, explain(drift));
            assert.match(drift.stdout, /dev-cluster: 1 to update/);
            assert.match(drift.stdout, /cluster-vpc.*enableDnsHostnames/);
            assert.doesNotMatch(drift.stdout, /dev-(images|monitoring|mesh|apps):/);
            const refresh = await infra(ws, "refresh", "--env", "dev", "--layer", "cluster");
            assert.equal(refresh.code, 0, explain(refresh));
            const after = await infra(ws, "drift", "--env", "dev", "--layer", "cluster");
            assert.equal(after.code, 0, explain(after));
            fs.rmSync(ws.faults);
        });

        it("destroy deletes in reverse graph order and leaves empty stacks", async () => {
            const before = calls(ws).length;
            const r = await infra(ws, "destroy", "--env", "dev", "--yes");
            assert.equal(r.code, 0, explain(r));
            const deletes = calls(ws).slice(before).filter((c) => c.op === "delete" && c.urn);
            const lastDelete = new Map<Layer, number>();
            const firstDelete = new Map<Layer, number>();
            deletes.forEach((c, i) => {
                const layer = stackOf(c.urn!).replace(/^dev-/, "") as Layer;
                if (!firstDelete.has(layer)) firstDelete.set(layer, i);
                lastDelete.set(layer, i);
            });
            for (const layer of LAYERS) {
                assert.ok(firstDelete.has(layer), `${layer} deleted resources`);
                for (const need of GRAPH[layer]) {
                    assert.ok(lastDelete.get(layer)! < firstDelete.get(need)!, `${layer} was gone before ${need} started deleting`);
                }
            }
            for (const layer of LAYERS) {
                const exported = await pulumi(ws, "stack", "export", "-s", `dev-${layer}`);
                assert.equal(exported.code, 0, explain(exported));
                assert.equal(JSON.parse(exported.stdout).deployment.resources?.length ?? 0, 0, `dev-${layer} is empty`);
            }
        });
    });

    describe("failures: a permanent one skips the dependents, a transient one is retried", () => {
        it("cluster fails for good, images succeeds on its second attempt, nothing downstream runs", async () => {
            const ws = makeWorkspace("faults");
            workspaces.push(ws);
            fs.writeFileSync(ws.faults, JSON.stringify({
                failures: [
                    { match: "$aws:ec2/vpc:Vpc::cluster-vpc", op: "create", kind: "permanent" },
                    { match: "urn:pulumi:dev-images::", op: "create", kind: "transient", times: 1 },
                ],
            }));
            const r = await infra(ws, "up", "--env", "dev", "--yes", "--json");
            assert.equal(r.code, 4, explain(r));
            const byLayer = Object.fromEntries(json(r).layers.map((l: { layer: string }) => [l.layer, l]));
            assert.equal(byLayer.cluster.status, "failed");
            assert.match(byLayer.cluster.error, /InvalidParameterException/);
            assert.equal(byLayer.cluster.attempts, 1, "a permanent failure is not retried");
            assert.equal(byLayer.images.status, "succeeded");
            assert.equal(byLayer.images.attempts, 2, "a throttled create is retried once");
            for (const layer of ["monitoring", "mesh", "apps"]) assert.equal(byLayer[layer].status, "skipped", `${layer} did not run`);
            assert.ok(!calls(ws).some((c) => /urn:pulumi:dev-(monitoring|mesh|apps)::/.test(c.urn ?? "")), "no downstream provider call was made");
        });
    });
});
