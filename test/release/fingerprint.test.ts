import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironment } from "../../environments/load";
import type { OutputValue } from "../../automation/engine";
import { importClosure, layerCodePaths, layerFingerprint } from "../../automation/state/fingerprint";
import { writePins } from "../../automation/release/pins";
import { LAYERS, LAYER_NEEDS, type Layer } from "../../stacks/graph";
import { ref, sandbox, type Sandbox } from "./support";

/** Fingerprints of every layer, each fed the outputs its upstream layers would export. */
function fingerprints(env: string): Record<Layer, string> {
    const e = loadEnvironment(env, process.env.INFRA_ENVIRONMENTS_DIR);
    const outputs: Record<Layer, Record<string, OutputValue>> = {
        cluster: { clusterName: { value: "c", secret: false }, kubeconfig: { value: "k", secret: true } },
        images: { images: { value: { app: e.release?.images?.app ?? ref(env, "built") }, secret: false } },
        monitoring: { namespace: { value: "monitoring", secret: false } },
        mesh: { namespace: { value: "istio-system", secret: false }, version: { value: e.release?.charts?.istio ?? e.charts.istio, secret: false } },
        apps: {},
    };
    const out = {} as Record<Layer, string>;
    for (const layer of LAYERS) {
        const upstream = Object.fromEntries(LAYER_NEEDS[layer].map((n) => [n, outputs[n]]));
        out[layer] = layerFingerprint(e, layer, upstream);
    }
    return out;
}

describe("change detection fingerprints", () => {
    let sb: Sandbox;
    beforeEach(() => { sb = sandbox(); });
    afterEach(() => sb.cleanup());

    it("an app image pin change changes only the images and apps fingerprints", () => {
        writePins("staging", { images: { app: ref("dev", "v1") }, charts: {} }, "r-1");
        const before = fingerprints("staging");
        writePins("staging", { images: { app: ref("dev", "v2") }, charts: {} }, "r-2");
        const after = fingerprints("staging");
        const changed = LAYERS.filter((l) => before[l] !== after[l]);
        assert.deepEqual(changed, ["images", "apps"], "cluster, monitoring and mesh keep their fingerprints");
    });

    it("an istio chart pin changes mesh (and apps through its outputs) but not monitoring; a loki pin changes monitoring only", () => {
        const base = fingerprints("staging");
        writePins("staging", { images: {}, charts: { istio: "1.24.0" } }, "r-1");
        const istio = fingerprints("staging");
        assert.deepEqual(LAYERS.filter((l) => base[l] !== istio[l]), ["mesh", "apps"]);
        writePins("staging", { images: {}, charts: { loki: "6.17.0" } }, "r-2");
        const loki = fingerprints("staging");
        assert.deepEqual(LAYERS.filter((l) => base[l] !== loki[l]), ["monitoring"]);
    });

    it("a pinned image does not read its build context; a built one does", () => {
        const dev = loadEnvironment("dev", process.env.INFRA_ENVIRONMENTS_DIR);
        assert.ok(layerCodePaths(dev, "images").includes("app"));
        writePins("staging", { images: { app: ref("dev", "v1") }, charts: {} }, "r-1");
        assert.ok(!layerCodePaths(loadEnvironment("staging", process.env.INFRA_ENVIRONMENTS_DIR), "images").includes("app"));
    });

    it("depends on the layer's code: a different code root gives a different fingerprint", () => {
        const e = loadEnvironment("dev", process.env.INFRA_ENVIRONMENTS_DIR);
        assert.notEqual(layerFingerprint(e, "cluster", {}), layerFingerprint(e, "cluster", {}, sb.projectDir));
        assert.equal(layerFingerprint(e, "cluster", {}), layerFingerprint(e, "cluster", {}));
    });

    for (const layer of LAYERS) {
        it(`${layer}: every project file its program loads is covered by its fingerprint`, () => {
            // The oracle is Node itself: load the layer program and list the project modules it pulled in.
            const repo = path.resolve(__dirname, "..", "..");
            const script = `require("tsx/cjs"); require("./stacks/${layer}.ts");
                const files = Object.keys(require.cache).filter((f) => f.startsWith(process.cwd() + "/") && !f.includes("/node_modules/"));
                process.stdout.write(JSON.stringify(files.map((f) => f.slice(process.cwd().length + 1))));`;
            const loaded: string[] = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: repo }).toString());
            assert.ok(loaded.includes(`stacks/${layer}.ts`));
            const covered = layerCodePaths(loadEnvironment("dev", process.env.INFRA_ENVIRONMENTS_DIR), layer, repo);
            const missing = loaded.filter((f) => !covered.some((c) => f === c || f.startsWith(`${c}/`)));
            assert.deepEqual(missing, [], `${layer} loads files its fingerprint does not cover`);
        });
    }

    it("a new import changes the fingerprint; lockfiles, Pulumi.yaml and the pack are covered for every layer", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-closure-"));
        fs.mkdirSync(path.join(root, "stacks"));
        fs.mkdirSync(path.join(root, "lib"));
        fs.writeFileSync(path.join(root, "stacks", "a.ts"), 'import { x } from "../lib/x";\nexport const a = x;\n');
        fs.writeFileSync(path.join(root, "lib", "x.ts"), 'export const x = 1;\n');
        fs.writeFileSync(path.join(root, "lib", "y.ts"), 'export const y = 2;\n');
        assert.deepEqual(importClosure(root, ["stacks/a.ts"]), ["lib/x.ts", "stacks/a.ts"]);
        fs.writeFileSync(path.join(root, "lib", "x.ts"), 'export { y as x } from "./y";\n');
        assert.deepEqual(importClosure(root, ["stacks/a.ts"]), ["lib/x.ts", "lib/y.ts", "stacks/a.ts"]);
        const e = loadEnvironment("dev", process.env.INFRA_ENVIRONMENTS_DIR);
        for (const layer of LAYERS) {
            for (const file of ["package-lock.json", "Pulumi.yaml", "policies/package-lock.json", "policies/rules"]) {
                assert.ok(layerCodePaths(e, layer).includes(file), `${layer} covers ${file}`);
            }
        }
    });
});
