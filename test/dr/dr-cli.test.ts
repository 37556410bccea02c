/**
 * `infra dr` as a user runs it (bin/infra.js), against the cluster stand-in (tools/cluster-standin):
 * a Kubernetes API with a stand-in for Velero's server, seeded with what dev's layers declare
 * (the monitoring layer's Schedule and the apps namespace's objects, planned under the mock
 * runtime). Each ending: done, Velero failing, timing out, Ctrl-C, a kill, two drills at once,
 * bad input, refused credentials, and no secret in any output.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { OutputValue } from "../../automation/engine";
import { objectIdentity } from "../../automation/offline/k8s-schema";
import { planLayer } from "../../automation/offline/plan";
import { DRILL_LABEL } from "../../automation/dr/velero";
import { loadEnvironment } from "../../environments/load";
import { backupNamespaces } from "../../environments/schema";
import { topoOrder, type Layer } from "../../stacks/graph";
import { startClusterStandin, type ClusterStandin, type StandinFaults } from "../../tools/cluster-standin/server";
import { BIN, PROJECT_DIR, runCli, STATE_DIR, type CliResult } from "../cli/run-cli";

type Obj = Record<string, any>;

/** The Kubernetes objects dev's layers declare in Velero's namespace and in the backed-up namespaces. */
async function plannedObjects(env: string): Promise<Obj[]> {
    const upstream: Partial<Record<Layer, Record<string, OutputValue>>> = {};
    const wanted = new Set(["velero", ...backupNamespaces(loadEnvironment(env))]);
    const objects: Obj[] = [];
    for (const layer of topoOrder() as Layer[]) {
        const plan = await planLayer({ kind: "run", env, layer, upstream: { ...upstream }, scratchDir: path.join(os.tmpdir(), "dr-cli-test") });
        upstream[layer] = plan.outputs;
        for (const r of plan.resources) {
            const id = objectIdentity(r);
            const inputs = r.inputs as Obj;
            const namespace = inputs.metadata?.namespace;
            if (!id || typeof namespace !== "string" || !wanted.has(namespace)) continue;
            objects.push({ ...JSON.parse(JSON.stringify(inputs)), ...id, metadata: { ...inputs.metadata, name: inputs.metadata?.name ?? r.name } });
        }
    }
    return objects;
}

const scratch = (s: ClusterStandin) => s.objects().filter((o) => o.kind === "Namespace" && o.metadata.labels?.[DRILL_LABEL] !== undefined).map((o) => o.metadata.name);
const modifierMaps = (s: ClusterStandin) => s.objects().filter((o) => o.kind === "ConfigMap" && o.metadata.namespace === "velero" && o.metadata.labels?.[DRILL_LABEL] !== undefined);

describe("infra dr (against the cluster stand-in)", function () {
    this.timeout(120_000);
    let seed: Obj[];
    let dir: string;
    const outputs: string[] = [];
    const tokens: string[] = [];

    before(async function () {
        this.timeout(300_000);
        seed = await plannedObjects("dev");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-cli-"));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        // Nothing any run printed holds the cluster's bearer token.
        for (const t of tokens) for (const o of outputs) assert.ok(!o.includes(t), "a run printed the kubeconfig's token");
    });

    async function cluster(faults: StandinFaults = {}): Promise<{ s: ClusterStandin; kubeconfig: string }> {
        const s = await startClusterStandin(seed, { stepMs: 40, ...faults });
        tokens.push(s.token);
        const kubeconfig = path.join(dir, `kubeconfig-${tokens.length}`);
        fs.writeFileSync(kubeconfig, s.kubeconfig, { mode: 0o600 });
        return { s, kubeconfig };
    }
    async function dr(args: string[]): Promise<CliResult> {
        const r = await runCli(["dr", ...args], { timeoutMs: 90_000 });
        outputs.push(r.stdout, r.stderr);
        return r;
    }

    it("the seed holds what dev's backups cover: the Schedule and the apps namespace's controllers", () => {
        assert.ok(seed.some((o) => o.kind === "Schedule" && o.metadata.namespace === "velero"));
        for (const kind of ["Rollout", "Service", "ServiceAccount", "VirtualService"]) assert.ok(seed.some((o) => o.kind === kind && o.metadata.namespace === "apps"), kind);
    });

    it("backup: makes one now from the Schedule's settings and waits for it (--json)", async () => {
        const { s, kubeconfig } = await cluster();
        try {
            const r = await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig, "--json"]);
            assert.equal(r.code, 0, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.equal(doc.phase, "Completed");
            assert.ok(doc.items > 5, `items ${doc.items}`);
            const backup = s.objects().find((o) => o.kind === "Backup")!;
            const schedule = seed.find((o) => o.kind === "Schedule")!;
            assert.deepEqual(backup.spec, schedule.spec.template);
            assert.equal(backup.metadata.labels["velero.io/schedule-name"], "platform");
            assert.match(r.stderr, /context cluster-standin at http:\/\/127\.0\.0\.1/);
        } finally {
            await s.close();
        }
    });

    it("backup: a failed one exits 4 naming how to look; one that never ends stops at --timeout", async () => {
        const failed = await cluster({ backupPhase: "Failed" });
        try {
            const r = await dr(["backup", "--env", "dev", "--kubeconfig", failed.kubeconfig]);
            assert.equal(r.code, 4, r.stderr);
            assert.match(r.stderr, /backup ended Failed: stand-in: backup told to fail; see `velero backup describe platform-manual-/);
        } finally {
            await failed.s.close();
        }
        const stuck = await cluster({ backupPhase: "stuck" });
        try {
            const r = await dr(["backup", "--env", "dev", "--kubeconfig", stuck.kubeconfig, "--timeout", "0.03"]);
            assert.equal(r.code, 4, r.stderr);
            assert.match(r.stderr, /is still InProgress after 0\.03 min; it goes on in the cluster/);
        } finally {
            await stuck.s.close();
        }
    });

    it("drill: restores the latest backup into a scratch namespace, every object comes back, controllers at 0, traffic left out; --keep then --clean", async () => {
        const { s, kubeconfig } = await cluster();
        try {
            assert.equal((await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig])).code, 0);
            const r = await dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--keep", "--json"]);
            assert.equal(r.code, 0, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.equal(doc.restore.phase, "Completed");
            assert.ok(doc.comparison.expected > 5 && doc.comparison.restored === doc.comparison.expected && doc.comparison.missing === 0, JSON.stringify(doc.comparison));
            assert.ok(doc.comparison.skipped.some((k: Obj) => k.kind === "VirtualService"));
            const [ns] = doc.kept;
            assert.match(ns, /^apps-drill-[0-9a-f]+$/);
            const inScratch = s.objects().filter((o) => o.metadata.namespace === ns);
            const rollouts = inScratch.filter((o) => o.kind === "Rollout");
            assert.ok(rollouts.length > 0 && rollouts.every((o) => o.spec.replicas === 0), "controllers restored at 0 replicas");
            assert.ok(!inScratch.some((o) => o.kind === "VirtualService" || o.kind === "PrometheusRule"), "no traffic route or alert rule restored");
            // The live namespace is untouched.
            assert.ok(s.objects().filter((o) => o.kind === "Rollout" && o.metadata.namespace === "apps").every((o) => o.spec.replicas !== 0));

            const clean = await dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--clean"]);
            assert.equal(clean.code, 0, clean.stderr);
            assert.match(clean.stdout, /removed 1 scratch namespace\(s\) and 1 modifier ConfigMap\(s\)/);
            assert.deepEqual(scratch(s), []);
            assert.deepEqual(modifierMaps(s), []);
        } finally {
            await s.close();
        }
    });

    it("drill: objects that did not come back exit 4 and are named", async () => {
        const { s, kubeconfig } = await cluster({ restoreDrops: ["v1/ServiceAccount"] });
        try {
            assert.equal((await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig])).code, 0);
            const r = await dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig]);
            assert.equal(r.code, 4, r.stderr);
            assert.match(r.stdout, /ServiceAccount \(v1\)\s+0\/\d+\s+missing: apps\//);
            assert.match(r.stderr, /object\(s\) in the backup did not come back/);
            assert.deepEqual(scratch(s), [], "a failed drill still removes its scratch namespace");
        } finally {
            await s.close();
        }
    });

    it("drill: Ctrl-C while Velero restores exits 8 and removes the scratch namespace; a kill leaves it for --clean, and the next drill says so", async () => {
        const { s, kubeconfig } = await cluster();
        try {
            assert.equal((await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig])).code, 0);
            s.faults.restorePhase = "stuck";
            for (const signal of ["SIGINT", "SIGKILL"] as const) {
                const child = spawn(process.execPath, [BIN, "dr", "drill", "--env", "dev", "--kubeconfig", kubeconfig], { cwd: PROJECT_DIR, env: { ...process.env, INFRA_STATE_DIR: STATE_DIR } });
                let stderr = "";
                const code = await new Promise<number | null>((resolve) => {
                    child.stderr.on("data", (d) => {
                        stderr += d;
                        if (/restore drill-\S+: InProgress/.test(stderr)) child.kill(signal);
                    });
                    child.on("close", (c) => resolve(c));
                });
                outputs.push(stderr);
                if (signal === "SIGINT") {
                    assert.equal(code, 8, stderr);
                    assert.match(stderr, /interrupted; the drill's scratch namespaces were removed/);
                    assert.deepEqual(scratch(s), []);
                    assert.deepEqual(modifierMaps(s), []);
                } else {
                    assert.equal(scratch(s).length, 1, "a killed drill leaves its labelled namespace");
                }
            }
            s.faults.restorePhase = undefined;
            const next = await dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig]);
            assert.equal(next.code, 0, next.stderr);
            assert.match(next.stderr, /1 scratch namespace\(s\) of other drills exist/);
            assert.equal((await dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--clean"])).code, 0);
            assert.deepEqual(scratch(s), []);
        } finally {
            await s.close();
        }
    });

    it("drill: two at once each restore into their own scratch namespace and remove it", async () => {
        const { s, kubeconfig } = await cluster();
        try {
            assert.equal((await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig])).code, 0);
            const [a, b] = await Promise.all([dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--json"]), dr(["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--json"])]);
            assert.equal(a.code, 0, a.stderr);
            assert.equal(b.code, 0, b.stderr);
            assert.notEqual(JSON.parse(a.stdout).id, JSON.parse(b.stdout).id);
            assert.deepEqual(scratch(s), []);
        } finally {
            await s.close();
        }
    });

    it("restore: needs --yes (nothing is asked of the cluster without it), then brings deleted objects back and keeps existing ones", async () => {
        const { s, kubeconfig } = await cluster();
        try {
            const refused = await dr(["restore", "--env", "dev", "--kubeconfig", kubeconfig]);
            assert.equal(refused.code, 2);
            assert.match(refused.stderr, /pass --yes to confirm/);
            assert.equal(s.requests.length, 0);
            const none = await dr(["restore", "--env", "dev", "--kubeconfig", kubeconfig, "--yes"]);
            assert.equal(none.code, 4);
            assert.match(none.stderr, /dev has no completed backup .* make one with `infra dr backup --env dev`/);
            assert.equal((await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig])).code, 0);
            const sa = s.objects().find((o) => o.kind === "ServiceAccount" && o.metadata.namespace === "apps")!;
            const del = await fetch(`${s.url}/api/v1/namespaces/apps/serviceaccounts/${sa.metadata.name}`, { method: "DELETE", headers: { authorization: `Bearer ${s.token}` } });
            assert.equal(del.status, 200);
            const r = await dr(["restore", "--env", "dev", "--kubeconfig", kubeconfig, "--yes", "--json"]);
            assert.equal(r.code, 0, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.equal(doc.restore.phase, "Completed");
            assert.ok(s.objects().some((o) => o.kind === "ServiceAccount" && o.metadata.name === sa.metadata.name && o.metadata.namespace === "apps"), "the deleted object came back");
            assert.equal(doc.restore.warnings, doc.restore.items - 1, "every object that still existed was kept as it was");
        } finally {
            await s.close();
        }
    });

    it("bad input is one line naming the argument and the fix, exit 2, before any request", async () => {
        const { s, kubeconfig } = await cluster();
        try {
            const notKube = path.join(dir, "not-a-kubeconfig");
            fs.writeFileSync(notKube, "{{{ not yaml");
            const cases: Array<[string[], RegExp]> = [
                [["backup", "--env", "local", "--kubeconfig", kubeconfig], /local has no cluster backups \(environments\/local\.yaml/],
                [["backup", "--env", "dev", "--kubeconfig", path.join(dir, "missing")], /cannot read kubeconfig .*missing \(ENOENT\); pass a readable file with --kubeconfig/],
                [["backup", "--env", "dev", "--kubeconfig", notKube], /is not a kubeconfig/],
                [["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--namespace", "kube-system"], /--namespace kube-system is not backed up in dev/],
                [["backup", "--env", "dev", "--kubeconfig", kubeconfig, "--keep"], /--keep only applies to `dr drill`/],
                [["drill", "--env", "dev", "--kubeconfig", kubeconfig, "--backup", "Bad Name"], /--backup "Bad Name" is not a backup name/],
                [["backup", "--env", "dev", "--kubeconfig", kubeconfig, "--timeout", "0"], /--timeout 0 is not valid/],
                [["explode", "--env", "dev"], /Invalid values|choices/],
            ];
            for (const [args, message] of cases) {
                const r = await dr(args);
                assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
                assert.match(r.stderr, message);
                assert.equal(r.stderr.trim().split("\n").filter((l) => l.startsWith("infra:")).length, 1);
            }
            assert.equal(s.requests.length, 0);
        } finally {
            await s.close();
        }
    });

    it("a kubeconfig whose token comes from a command (as EKS's aws eks get-token): used when it answers, exit 3 naming it when it cannot", async () => {
        const { s } = await cluster();
        const withExec = (command: string, args: string[]) => {
            const file = path.join(dir, `exec-${path.basename(command)}-${args.length}`);
            const user = `  user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ${JSON.stringify(command)}, args: ${JSON.stringify(args)}}}`;
            fs.writeFileSync(file, s.kubeconfig.replace(/^ {2}user: \{token: .*\}$/m, user));
            return file;
        };
        try {
            const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { token: s.token } });
            const ok = await dr(["backup", "--env", "dev", "--kubeconfig", withExec(process.execPath, ["-e", `process.stdout.write(${JSON.stringify(credential)})`])]);
            assert.equal(ok.code, 0, ok.stderr);
            const missing = await dr(["backup", "--env", "dev", "--kubeconfig", withExec("/nonexistent/aws", ["eks", "get-token"])]);
            assert.equal(missing.code, 3, missing.stderr);
            assert.match(missing.stderr, /infra: the kubeconfig's credential command `\/nonexistent\/aws eks get-token` gave no token \(\/nonexistent\/aws is not installed\)/);
            const failing = await dr(["backup", "--env", "dev", "--kubeconfig", withExec(process.execPath, ["-e", "process.stderr.write('\\nUnable to locate credentials\\n'); process.exit(255)"])]);
            assert.equal(failing.code, 3, failing.stderr);
            assert.match(failing.stderr, /gave no token \(Unable to locate credentials\); log in/);
        } finally {
            await s.close();
        }
    });

    it("refused credentials exit 3; an unreachable cluster exits 1, each in one line", async () => {
        const { s, kubeconfig } = await cluster();
        const wrong = path.join(dir, "wrong-token");
        fs.writeFileSync(wrong, s.kubeconfig.replace(s.token, "not-the-token"));
        try {
            const r = await dr(["backup", "--env", "dev", "--kubeconfig", wrong]);
            assert.equal(r.code, 3, r.stderr);
            assert.match(r.stderr, /refused the credentials \(HTTP 401\)/);
        } finally {
            await s.close();
        }
        const gone = await dr(["backup", "--env", "dev", "--kubeconfig", kubeconfig]);
        outputs.push(gone.stdout, gone.stderr);
        assert.equal(gone.code, 1, gone.stderr);
        assert.match(gone.stderr, /cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+/);
    });
});
