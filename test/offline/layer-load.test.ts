/**
 * A layer program whose module throws while it loads breaks only its own layer: through the CLI
 * and the offline engine, in a workspace copy whose stacks/mesh.ts throws at its top level.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { explain, infra, makeWorkspace, removeWorkspace, type Workspace } from "../e2e/harness";

describe("a layer program that throws at load time (offline engine)", function () {
    this.timeout(180_000);
    let ws: Workspace | undefined;
    after(() => removeWorkspace(ws));

    it("fails only that layer, with its message and where it was thrown; its dependents are skipped, the rest succeed", async () => {
        ws = makeWorkspace("load");
        const mesh = path.join(ws.dir, "stacks", "mesh.ts");
        fs.writeFileSync(mesh, `// Test fixture: broken at import.\nconst broken: boolean = true;\nif (broken) throw new Error("mesh settings are broken\\nsecond line");\nexport function meshLayer(): Record<string, unknown> { return {}; }\n`);
        const r = await infra(ws, "up", "--env", "dev", "--engine", "offline", "--yes");
        assert.equal(r.code, 4, explain(r));
        for (const layer of ["cluster", "images", "monitoring"]) assert.match(r.stdout, new RegExp(`^${layer}\\s+succeeded`, "m"), explain(r));
        assert.match(r.stdout, /^mesh\s+failed .*dev-mesh: stacks\/mesh\.ts:3: mesh settings are broken/m, "the summary table names the error and where it was thrown");
        assert.match(r.stdout, /^apps\s+skipped/m, explain(r));
        assert.match(r.stderr, /mesh \(dev-mesh: stacks\/mesh\.ts:3: mesh settings are broken \(while loading the mesh program\)\); not run: apps/, explain(r));
        assert.doesNotMatch(r.stdout + r.stderr, /without a result/, explain(r));
        assert.doesNotMatch(r.stderr, /(cluster|images|monitoring) \(/, "no other layer is blamed");
    });
});
