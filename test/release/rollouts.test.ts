/**
 * How `infra up` and the release history report canary rollouts: outcomes from the apps layer's
 * `rollouts` output (or its timeout), the text people read, exit 4 when one failed, and the
 * record `infra releases` prints. What the phase is on a real cluster only a real cluster shows;
 * here the apps layer's output is scripted.
 */
import { strict as assert } from "assert";
import { DeploymentError, EXIT } from "../../common/errors";
import type { LayerRequest, LayerResult } from "../../automation/engine";
import { promote } from "../../automation/orchestrator/release";
import { finishedRollouts, reportRollouts, rolloutFailure } from "../../automation/orchestrator/rollouts";
import { connect, type ClusterApi } from "../../automation/kube/client";
import { startClusterStandin, type ClusterStandin } from "../../tools/cluster-standin/server";
import { listReleases } from "../../automation/release/history";
import { renderReleases } from "../../automation/release/report";
import { outcomeOf, renderRollouts, rolloutResults } from "../../automation/release/rollouts";
import { recordRun } from "../../automation/state/runs";
import { loadEnvironment } from "../../environments/load";
import { ref, sandbox, ScriptedEngine, sessionOf, summaryOf, type Sandbox } from "./support";

const CLEAN = { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "succeeded", apps: "succeeded" } as const;
const ABORTED = { phase: "Degraded", message: "RolloutAborted: Rollout aborted update to revision 2: Metric \"success-rate\" assessed Failed due to failed (2) > failureLimit (1)", aborted: true, current: true };

/** A scripted engine whose apps layer reports `rollout` for app "app", as the provider would after its wait. */
class RolloutEngine extends ScriptedEngine {
    rollout: Record<string, unknown> = { phase: "Healthy", message: "", aborted: false, current: true };
    async run(req: LayerRequest): Promise<LayerResult> {
        const result = await super.run(req);
        if (req.layer === "apps") result.outputs.rollouts = { value: { app: this.rollout }, secret: false };
        return result;
    }
}

function appsSummary(outputs: Record<string, unknown> | undefined, status: "succeeded" | "failed" = "succeeded", error?: string) {
    const s = summaryOf("dev", { ...CLEAN, apps: status });
    const apps = s.outcomes.find((o) => o.layer === "apps")!;
    if (error) apps.error = error;
    if (outputs) {
        apps.result = {
            env: "dev", layer: "apps", operation: "up", resources: [], policy: [], schema: [], durationMs: 1,
            changes: { create: 0, update: 0, replace: 0, delete: 0, same: 0 },
            outputs: { rollouts: { value: outputs, secret: false } },
        } as LayerResult;
    }
    return s;
}

describe("canary rollout outcomes", () => {
    it("reads Healthy, aborted, Degraded, unfinished and not-awaited from the reported phase", () => {
        assert.equal(outcomeOf({ phase: "Healthy", aborted: false }), "healthy");
        assert.equal(outcomeOf(ABORTED), "aborted");
        assert.equal(outcomeOf({ phase: "Degraded", aborted: false }), "degraded");
        assert.equal(outcomeOf({ phase: "Progressing" }), "unfinished");
        assert.equal(outcomeOf({ phase: "" }), "not-awaited");
        assert.equal(outcomeOf({ phase: "Healthy", aborted: false, current: false }), "unfinished", "the previous revision's Healthy says nothing of this one");
    });

    it("takes each app's outcome from the apps layer's output, and a timeout from its failure", () => {
        assert.deepEqual(rolloutResults(appsSummary({ app: ABORTED, web: { phase: "Healthy", message: "", aborted: false } }), ["app", "web"]).map((r) => [r.app, r.outcome]),
            [["app", "aborted"], ["web", "healthy"]]);
        const timedOut = rolloutResults(appsSummary(undefined, "failed", "updating urn:...:Rollout::app-rollout: timed out waiting for the condition"), ["app", "web"]);
        assert.deepEqual(timedOut.map((r) => [r.app, r.outcome]), [["app", "timed-out"]]);
        assert.deepEqual(rolloutResults(appsSummary(undefined, "failed", "app-rollout: admission webhook denied the request"), ["app"]), [], "another failure is the layer's, not a timeout");
    });

    it("says which in one line per app, with the controller's reason when it failed", () => {
        const lines = renderRollouts(rolloutResults(appsSummary({ app: ABORTED, web: { phase: "Healthy", message: "", aborted: false }, api: { phase: "", message: "", aborted: false } }), []));
        assert.deepEqual(lines, [
            "rollout api: not awaited (no status: the offline engine and the provider stand-in wait for no rollout)",
            `rollout app: aborted, traffic back on the stable revision: ${ABORTED.message}`,
            "rollout web: Healthy: every step passed, the new revision takes all traffic",
        ]);
    });

    it("fails `up` with exit 4 when a rollout was aborted, and not when it finished or where delivery is off", async () => {
        const dev = loadEnvironment("dev");
        const quiet = { json: true, events: false };
        const never = { connect: async () => { throw new Error("no rollout here is unfinished: nothing to follow"); } };
        await assert.rejects(() => reportRollouts(quiet, dev, appsSummary({ app: ABORTED }), never), (err: unknown) =>
            err instanceof DeploymentError && err.exitCode === EXIT.deployment && /rollout of app aborted in dev; the previous revision still serves/.test(err.message));
        await reportRollouts(quiet, dev, appsSummary({ app: { phase: "Healthy", message: "", aborted: false } }), never);
        await reportRollouts(quiet, loadEnvironment("local"), appsSummary({ app: ABORTED }), never); // local rolls out no canary
    });
});

describe("canary rollouts in the release history", () => {
    let sb: Sandbox;
    let engine: RolloutEngine;
    beforeEach(() => {
        sb = sandbox();
        engine = new RolloutEngine();
        engine.builds.dev = ref("dev", "v1");
        recordRun(sb.projectDir, summaryOf("dev", CLEAN));
    });
    afterEach(() => sb.cleanup());
    const opts = () => ({ stateDir: sb.projectDir, engine, dir: sb.envDir });

    it("records a healthy rollout with the applied release, and `infra releases` shows it", async () => {
        const r = await promote(sessionOf(engine, "staging", sb.projectDir), { from: "dev", to: "staging" }, opts());
        assert.equal(r.status, "applied");
        const [release] = listReleases("staging", sb.envDir);
        assert.deepEqual(release.rollouts, ["app healthy"]);
        const table = renderReleases("staging", listReleases("staging", sb.envDir)).split("\n");
        assert.match(table[0], /status +rollouts +changed/);
        assert.match(table[1], /applied +app healthy +app - -> sha256:/);
        // Without any rollout recorded (progressive delivery off), the column is left out.
        assert.doesNotMatch(renderReleases("staging", listReleases("staging", sb.envDir).map((x) => ({ ...x, rollouts: undefined }))), /rollouts/);
    });

    it("marks the release failed when the canary was aborted, naming the rollout", async () => {
        engine.rollout = ABORTED;
        const r = await promote(sessionOf(engine, "staging", sb.projectDir), { from: "dev", to: "staging" }, opts());
        assert.equal(r.status, "failed");
        assert.deepEqual(r.rollouts?.map((x) => x.outcome), ["aborted"]);
        const [release] = listReleases("staging", sb.envDir);
        assert.equal(release.status, "failed");
        assert.deepEqual(release.rollouts, ["app aborted"]);
        assert.match(release.error ?? "", /rollout of app aborted in staging/);
    });
});

describe("canary rollouts Pulumi's wait left unfinished are followed through the Kubernetes API (cluster stand-in)", function () {
    this.timeout(30_000);
    const dev = loadEnvironment("dev");
    const quiet = { json: true, events: false };
    const STALE = { phase: "Healthy", message: "status of generation 2, not the applied 3", aborted: false, current: false };
    let s: ClusterStandin;
    let api: ClusterApi;
    const lines: string[] = [];
    beforeEach(async () => {
        s = await startClusterStandin([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } }]);
        api = await connect(s.kubeconfig, "the stand-in's kubeconfig");
        lines.length = 0;
    });
    afterEach(() => s.close());
    const rollout = (status: Record<string, unknown>) => s.apply({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "app", namespace: "apps", generation: 3 }, spec: {}, status });
    const follow = (timeoutSeconds = 20) => ({ connect: async () => api, pollMs: 50, timeoutSeconds, log: (l: string) => { lines.push(l); } });

    it("waits until the status is of the applied generation: an abort that comes later fails up with exit 4", async () => {
        rollout({ phase: "Healthy", observedGeneration: "2" });
        setTimeout(() => rollout({ phase: "Progressing", observedGeneration: "3" }), 200);
        setTimeout(() => rollout({ phase: "Degraded", observedGeneration: "3", abort: true, message: "RolloutAborted: metric \"success-rate\" assessed Failed" }), 500);
        await assert.rejects(() => reportRollouts(quiet, dev, appsSummary({ app: STALE }), follow()), (err: unknown) =>
            err instanceof DeploymentError && /rollout of app aborted in dev/.test(err.message));
        assert.match(lines[0], /^following app: Pulumi's wait ended before the controller saw the new revision/);
    });

    it("a revision that becomes Healthy is reported healthy", async () => {
        rollout({ phase: "Healthy", observedGeneration: "2" });
        setTimeout(() => rollout({ phase: "Healthy", observedGeneration: "3" }), 300);
        const [r] = await finishedRollouts(dev, appsSummary({ app: STALE }), {}, follow());
        assert.deepEqual([r.app, r.outcome, r.phase], ["app", "healthy", "Healthy"]);
    });

    it("one the controller never catches up with times out at progressiveDelivery.timeoutSeconds: exit 4", async () => {
        rollout({ phase: "Healthy", observedGeneration: "2" });
        const started = Date.now();
        const [r] = await finishedRollouts(dev, appsSummary({ app: STALE }), {}, follow(1));
        assert.equal(r.outcome, "timed-out");
        assert.match(r.message, /not Healthy or Degraded 1 s after Pulumi's wait ended/);
        assert.ok(Date.now() - started >= 1000);
        assert.match(rolloutFailure("dev", [r]) ?? "", /rollout of app timed-out in dev/);
    });

    it("an unreachable cluster leaves it unfinished, saying why and how to watch it; nothing is followed when nothing is unfinished", async () => {
        const [r] = await finishedRollouts(dev, appsSummary({ app: STALE }), {}, { connect: async () => { throw new Error("cannot reach the cluster at https://x"); } });
        assert.equal(r.outcome, "unfinished");
        assert.match(r.message, /could not follow it \(cannot reach the cluster at https:\/\/x\): watch it with `kubectl argo rollouts get rollout app -n apps --watch`/);
        let asked = false;
        const [h] = await finishedRollouts(dev, appsSummary({ app: { phase: "Healthy", message: "", aborted: false, current: true } }), {}, { connect: async () => { asked = true; return api; } });
        assert.equal(h.outcome, "healthy");
        assert.equal(asked, false);
    });
});
