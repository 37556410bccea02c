/** Pulumi's own flags passed through to the layers they name, completion, and timestamped events. */
import { strict as assert } from "assert";
import { passThroughFlags } from "../../automation/engines/pulumi";
import { InputError } from "../../common/errors";
import { passThroughOf } from "../../automation/cli/options";
import { lines, runCli } from "./run-cli";

const APPS = "urn:pulumi:dev-apps::platform::platform:apps:Workload$kubernetes:apps/v1:Deployment::app";
const VPC = "urn:pulumi:dev-cluster::platform::platform:cluster:EksCluster$aws:ec2/vpc:Vpc::cluster-vpc";
const layerOf = (stack: string) => ["cluster", "apps"].find((l) => stack === `dev-${l}`);

describe("pass-through flags", () => {
    it("each layer gets only the URNs of its own stack, the switches as given and our user agent", () => {
        const pt = { target: [APPS, VPC], replace: [VPC], refresh: true, message: "hotfix", resourceParallel: 4 };
        assert.deepEqual(passThroughFlags("dev-apps", pt), { target: [APPS], refresh: true, message: "hotfix", parallel: 4, userAgent: passThroughFlags("dev-apps").userAgent });
        assert.deepEqual(passThroughFlags("dev-cluster", pt).replace, [VPC]);
        assert.match(String(passThroughFlags("dev-mesh").userAgent), /^platform-infra\/\d+\.\d+\.\d+$/);
        assert.equal(passThroughFlags("dev-mesh", pt).target, undefined, "a layer no target names gets no target list");
    });

    it("--target narrows the run to the layers its URNs name; anything not a URN of the environment is refused", () => {
        assert.deepEqual(passThroughOf("dev", { target: [APPS] }, layerOf).targetLayers, ["apps"]);
        assert.equal(passThroughOf("dev", { replace: [VPC] }, layerOf).targetLayers, undefined);
        assert.throws(() => passThroughOf("dev", { target: ["app"] }, layerOf), (e: Error) => e instanceof InputError && /--target app is not a resource URN of dev's stacks/.test(e.message));
        assert.throws(() => passThroughOf("dev", { exclude: [APPS.replace("dev-apps", "prod-apps")] }, layerOf), /--exclude .* not a resource URN of dev's stacks/);
        assert.throws(() => passThroughOf("dev", { resourceParallel: 0 }, layerOf), /--resource-parallel 0 is not valid/);
    });

    it("a bad --target is exit 2 with one line, before anything runs", async () => {
        const r = await runCli(["up", "--env", "dev", "--engine", "offline", "--target", "bogus"]);
        assert.equal(r.code, 2);
        assert.equal(lines(r.stderr).length, 1, r.stderr);
        assert.match(r.stderr, /--target bogus is not a resource URN/);
    });

    it("infra completion prints a shell completion script", async () => {
        const r = await runCli(["completion"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /infra completion >> ~\/\.bashrc/);
    });

    it("--events lines carry a timestamp", async () => {
        const r = await runCli(["preview", "--env", "dev", "--engine", "offline", "--layer", "cluster", "--events"]);
        assert.equal(r.code, 0, r.stderr);
        const events = lines(r.stdout).map((l) => JSON.parse(l));
        assert.ok(events.length > 2);
        for (const e of events) assert.ok(!Number.isNaN(Date.parse(e.time)), `timestamped: ${JSON.stringify(e)}`);
    });
});
