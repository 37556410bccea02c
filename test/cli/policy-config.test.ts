/** `infra policy-config`: the one policy configuration both engines use, for the plain Pulumi CLI. */
import { strict as assert } from "assert";
import { policyConfig } from "../../automation/policy/config";
import { loadEnvironment } from "../../environments/load";
import { runCli } from "./run-cli";

describe("infra policy-config", () => {
    it("prints exactly the configuration the engines pass to the pack", async () => {
        const r = await runCli(["policy-config", "--env", "prod"]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), policyConfig(loadEnvironment("prod")));
    });

    it("differs between environments where their policy settings differ", async () => {
        const [dev, prod] = await Promise.all(["dev", "prod"].map(async (env) => JSON.parse((await runCli(["policy-config", "--env", env])).stdout)));
        assert.equal(prod["allowed-registries"].allowedRegistries[0], "*.dkr.ecr.eu-west-1.amazonaws.com");
        assert.notDeepEqual(dev, prod);
    });

    it("an unknown environment is exit 2 naming the valid ones", async () => {
        const r = await runCli(["policy-config", "--env", "nope"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown environment "nope".*valid: dev, local, prod, staging/);
    });
});
