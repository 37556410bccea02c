import { strict as assert } from "assert";
import * as path from "path";
import { OfflineEngine } from "../../automation/offline/engine";
import { runPipeline } from "../../automation/pipeline/runner";
import { listReleases } from "../../automation/release/history";
import { readPins } from "../../automation/release/pins";
import { planPromotion } from "../../automation/release/promote";
import { writeRelease } from "../../automation/release/write";
import { recordRun } from "../../automation/state/runs";
import { REPO, sandbox, type Sandbox } from "./support";

/**
 * Build once, promote by digest, with the real images layer program under the offline engine:
 * dev builds, staging and prod only pin, and each one's images layer exports exactly the
 * digest the environment before it ran.
 */
describe("promotion by digest under the offline engine", function () {
    this.timeout(120_000);
    let sb: Sandbox;
    let engine: OfflineEngine;
    before(() => {
        sb = sandbox();
        // The engine runs layer programs from the repository; its state and logs go to the temp project.
        engine = new OfflineEngine({ projectDir: REPO, policyPackDir: false, stateDir: path.join(sb.projectDir, ".infra", "offline"), logDir: path.join(sb.projectDir, "logs") });
    });
    after(async () => { await engine.close(); sb.cleanup(); });

    const builds = new Map<string, number>();
    async function upImages(env: string): Promise<Record<string, string>> {
        const summary = await runPipeline({ env, operation: "up", engine, selected: ["images"], logDir: path.join(sb.projectDir, "logs") });
        const images = summary.outcomes.find((o) => o.layer === "images")!;
        assert.equal(images.status, "succeeded", images.error);
        recordRun(sb.projectDir, summary);
        builds.set(env, images.result!.resources.filter((r) => r.type === "docker-build:index:Image").length);
        return images.result!.outputs.images.value as Record<string, string>;
    }

    it("dev -> staging -> prod: the target's images layer exports the source's digests, nothing rebuilt", async () => {
        const dev = await upImages("dev");
        assert.match(dev.app, /\/platform\/dev\/app@sha256:[a-f0-9]{64}$/, "dev built and pushed to its own repository");

        writeRelease(await planPromotion({ stateDir: sb.projectDir, from: "dev", to: "staging", engine }));
        assert.deepEqual(readPins("staging").images, dev);
        const staging = await upImages("staging");
        assert.deepEqual(staging, dev, "staging runs dev's digest");

        writeRelease(await planPromotion({ stateDir: sb.projectDir, from: "staging", to: "prod", engine }));
        const prod = await upImages("prod");
        assert.deepEqual(prod, dev, "prod runs dev's digest");
        assert.deepEqual([...builds], [["dev", 1], ["staging", 0], ["prod", 0]], "only dev builds an image");
        assert.deepEqual(listReleases("prod").map((r) => [r.kind, r.from, r.status]), [["promote", "staging", "written"]]);

        const state = await engine.outputs("prod", "images");
        assert.deepEqual(state.images.value, dev, "the applied offline state holds the same digest");
    });
});
