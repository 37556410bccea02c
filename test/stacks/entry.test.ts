import * as assert from "assert";
import { recordProgram } from "../../automation/offline/mock-runtime";
import { parseStackName } from "../../stacks/names";

describe("pulumi up entry point (index.ts)", () => {
    it("maps <env>-<layer> stack names to the environment and layer", () => {
        assert.deepStrictEqual(parseStackName("dev-cluster"), { env: "dev", layer: "cluster" });
        assert.deepStrictEqual(parseStackName("prod-apps"), { env: "prod", layer: "apps" });
    });

    it("rejects an unknown stack name listing every valid one", () => {
        for (const bad of ["qa-apps", "dev-network", "dev", "apps"]) {
            assert.throws(() => parseStackName(bad), (e: Error) =>
                e.message.startsWith(`stack "${bad}" is not <env>-<layer>; valid stack names: dev-cluster, dev-images,`) && e.message.includes("staging-apps"));
        }
    });

    it("runs the selected layer's program when Pulumi loads index.ts", async () => {
        const { resources, result } = await recordProgram(() => require("../../index"), { stack: "local-images" });
        assert.ok(resources.some((r) => r.type === "platform:registry:Image"), "the images layer ran");
        assert.ok(!resources.some((r) => r.type.startsWith("aws:eks")), "no other layer ran");
        assert.ok("images" in (result as Record<string, unknown>), "its outputs are the stack outputs");
    });
});
