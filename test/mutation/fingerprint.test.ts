/** Fingerprints change exactly when a layer's code, settings slice or upstream reads change; their stores read back. */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Engine, FingerprintStore, OutputValue } from "../../automation/engine";
import { emptyChanges } from "../../automation/engine";
import type { RunSummary } from "../../automation/pipeline/runner";
import type { Environment } from "../../environments/schema";
import {
    FingerprintRecorder, LAYER_SETTINGS, fileFingerprintStore, fingerprintFile, fingerprintStore, fingerprintUnchanged, forgetFingerprints,
    importClosure, layerCodePaths, layerFingerprint, readFingerprint, recordFingerprints, relativeImports, saveFingerprint,
} from "../../automation/state/fingerprint";
import type { Layer } from "../../stacks/graph";

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

function files(root: string, entries: Record<string, string>): void {
    for (const [rel, text] of Object.entries(entries)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
    }
}

const ALWAYS = [
    "index.ts", "Pulumi.yaml", "package.json", "package-lock.json",
    "policies/PulumiPolicy.yaml", "policies/package.json", "policies/package-lock.json", "policies/index.ts", "policies/config.ts", "policies/rules",
];

/** An environment with a marker in every property a slice might read. */
function fakeEnv(over: Record<string, unknown> = {}): Environment {
    return {
        name: "qa", aws: { region: "eu" }, cluster: { kind: "eks" }, registry: { kind: "ecr" },
        images: [{ name: "app", context: "app" }, { name: "worker", context: "ctx/worker" }],
        charts: { istio: "1.0.0", loki: "2.0.0" }, monitoring: { tracing: { enabled: true }, logs: 1, metricsAdapter: { enabled: true } }, mesh: { gateway: 1 },
        apps: { namespace: "ns", workloads: [], progressiveDelivery: { enabled: false } }, policy: { minReplicas: 3 }, secretStore: { refreshInterval: "1h" },
        backup: { schedule: "0 * * * *", retentionDays: 30 },
        ...over,
    } as unknown as Environment;
}

const out = (values: Record<string, unknown>, secret = false): Record<string, OutputValue> =>
    Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret }]));

describe("mutation: import closure", () => {
    it("finds every import form, resolves it like the runtime and keeps unresolved ones as paths", () => {
        const root = tmp("fp-imports-");
        files(root, {
            "src/main.ts": [
                'import { a } from "./a";',
                "export * from './b';",
                'import "./side";',
                'const c = require( "./c" );',
                'const d = import("./d");',
                'import type { T } from "../types";',
                'import * as fs from "fs";',
                'export { x } from "./lib";',
                'const j = require("./data");',
                'import gone from "./missing/thing";',
                'const both = require("./both");',
                "reimport('./not-an-import');",
                'import  "./two";',
                'const e = import( "./e" );',
                'import "./exact";',
            ].join("\n"),
            "src/a.ts": "", "src/b.js": "", "src/side.ts": "", "src/c/index.ts": "", "src/d/index.js": "", "types.ts": "",
            "src/lib/index.ts": "", "src/lib.ts.bak": "", "src/data.json": "{}", "src/both.ts": "", "src/both.js": "",
            "src/two.ts": "", "src/e.ts": "", "src/exact": "", "src/exact.ts": "",
        });
        const found = relativeImports(root, "src/main.ts");
        assert.deepEqual(found, ["src/a.ts", "src/b.js", "src/side.ts", "src/c/index.ts", "src/d/index.js", "types.ts", "src/lib/index.ts", "src/data.json", "src/missing/thing", "src/both.ts", "src/two.ts", "src/e.ts", "src/exact"]);
    });

    it("reads only existing .ts and .js modules", () => {
        const root = tmp("fp-imports-");
        files(root, { "a.json": '{"x": "import \\"./b\\""}', "b.ts": "", "c.js": 'require("./b")', "d.tsx": 'import "./b"', bats: 'import "./b"' });
        assert.deepEqual(relativeImports(root, "bats"), []);
        assert.deepEqual(relativeImports(root, "a.json"), []);
        assert.deepEqual(relativeImports(root, "nope.ts"), []);
        assert.deepEqual(relativeImports(root, "d.tsx"), []);
        assert.deepEqual(relativeImports(root, "c.js"), ["b.ts"]);
    });

    it("matches an import after a semicolon or at a line start, not inside a word", () => {
        const root = tmp("fp-imports-");
        files(root, { "m.ts": 'const z = 1;import "./x";\nmyimport("./y");\nfoo.require("./w");\nreimport "./q";\n', "x.ts": "", "y.ts": "", "w.ts": "", "q.ts": "" });
        assert.deepEqual(relativeImports(root, "m.ts"), ["x.ts", "w.ts"]);
    });

    it("follows imports transitively, through cycles, sorted, entries included even when missing", () => {
        const root = tmp("fp-closure-");
        files(root, { "a.ts": 'import "./b";', "b.ts": 'import "./a"; import "./c";', "c.ts": "" });
        assert.deepEqual(importClosure(root, ["a.ts", "zz.ts"]), ["a.ts", "b.ts", "c.ts", "zz.ts"]);
        assert.deepEqual(importClosure(root, []), []);
    });
});

describe("mutation: settings slices and code paths", () => {
    it("gives each layer exactly its slice of the settings", () => {
        const e = fakeEnv({ release: { id: "r-1", images: { app: "repo@sha256:1" }, charts: { istio: "1.1.1", loki: "2.2.2" } } });
        assert.deepEqual(LAYER_SETTINGS.cluster(e), { name: "qa", aws: { region: "eu" }, cluster: { kind: "eks" } });
        assert.deepEqual(LAYER_SETTINGS.images(e), { name: "qa", aws: { region: "eu" }, registry: { kind: "ecr" }, images: (e as unknown as { images: unknown }).images, release: { app: "repo@sha256:1" } });
        const store = { secretStore: { refreshInterval: "1h" }, clusterKind: "eks", region: "eu" };
        assert.deepEqual(LAYER_SETTINGS.monitoring(e), { name: "qa", monitoring: { tracing: { enabled: true }, logs: 1, metricsAdapter: { enabled: true } }, charts: { loki: "2.0.0" }, release: { loki: "2.2.2" }, appsNamespace: "ns", ...store, minReplicas: 3, backup: { schedule: "0 * * * *", retentionDays: 30 } });
        assert.deepEqual(LAYER_SETTINGS.mesh(e), { name: "qa", mesh: { gateway: 1 }, istio: "1.0.0", releaseIstio: "1.1.1", namespace: "ns", tracing: { enabled: true }, argoRollouts: undefined, releaseArgoRollouts: undefined, delivery: false });
        assert.deepEqual(LAYER_SETTINGS.apps(e), { name: "qa", apps: { namespace: "ns", workloads: [], progressiveDelivery: { enabled: false } }, policy: { minReplicas: 3 }, metricsAdapter: true, ...store });
    });

    it("treats no pins, an empty pin section and a section holding only istio alike", () => {
        const none = fakeEnv();
        assert.equal(LAYER_SETTINGS.images(none) && (LAYER_SETTINGS.images(none) as { release?: unknown }).release, undefined);
        assert.equal((LAYER_SETTINGS.images(fakeEnv({ release: { images: {} } })) as { release?: unknown }).release, undefined);
        assert.equal((LAYER_SETTINGS.monitoring(fakeEnv({ release: { charts: { istio: "1.2.3" } } })) as { release?: unknown }).release, undefined);
        assert.equal((LAYER_SETTINGS.monitoring(none) as { release?: unknown }).release, undefined);
        assert.deepEqual((LAYER_SETTINGS.monitoring(fakeEnv({ charts: { istio: "1" } })) as { charts?: unknown }).charts, undefined);
        assert.equal((LAYER_SETTINGS.mesh(none) as { releaseIstio?: unknown }).releaseIstio, undefined);
        assert.equal((LAYER_SETTINGS.mesh(fakeEnv({ release: { images: {} } })) as { releaseIstio?: unknown }).releaseIstio, undefined);
    });

    it("lists the shared files, the layer's import closure and the contexts of unpinned images, sorted", () => {
        const root = tmp("fp-paths-");
        files(root, { "stacks/cluster.ts": 'import "../lib/net";', "lib/net.ts": "" });
        assert.deepEqual(layerCodePaths(fakeEnv(), "cluster", root), [...ALWAYS, "environments/load.ts", "lib/net.ts", "stacks/cluster.ts"].sort());
        assert.deepEqual(layerCodePaths(fakeEnv(), "images", root), [...ALWAYS, "app", "ctx/worker", "environments/load.ts", "stacks/images.ts"].sort());
        const pinned = fakeEnv({ release: { images: { app: "repo@sha256:1" } } });
        assert.deepEqual(layerCodePaths(pinned, "images", root), [...ALWAYS, "ctx/worker", "environments/load.ts", "stacks/images.ts"].sort());
        const shared = fakeEnv({ images: [{ name: "a", context: "same" }, { name: "b", context: "same" }] });
        assert.deepEqual(layerCodePaths(shared, "images", root).filter((p) => p === "same"), ["same"], "deduplicated");
        assert.ok(!layerCodePaths(fakeEnv(), "apps", root).includes("app"), "only the images layer reads build contexts");
    });
});

describe("mutation: layer fingerprints", () => {
    /** The documented hash, computed by hand over a small code root. */
    function expected(root: string, layer: string, paths: string[], settings: string, upstream: string): string {
        const h = createHash("sha256");
        h.update(`layer:${layer}\n`);
        const tree = (rel: string) => {
            const full = path.join(root, rel);
            if (!fs.existsSync(full)) return void h.update(`missing:${rel}\n`);
            if (fs.statSync(full).isDirectory()) {
                for (const e of fs.readdirSync(full).sort()) if (e !== "node_modules" && e !== ".git") tree(path.posix.join(rel, e));
                return;
            }
            h.update(`file:${rel}\n`);
            h.update(fs.readFileSync(full));
            h.update("\n");
        };
        for (const p of paths) tree(p);
        h.update(`settings:${settings}\n`);
        h.update(`upstream:${upstream}\n`);
        return h.digest("hex");
    }

    it("is the sha256 of the layer, its code files, its settings and its upstream reads", () => {
        const root = tmp("fp-hash-");
        files(root, { "index.ts": "entry", "policies/rules/b.ts": "rule b", "policies/rules/a.ts": "rule a", "policies/rules/node_modules/x.js": "x", "policies/rules/.git/HEAD": "h", "policies/rules/\uFF61": "bmp", "policies/rules/\u{1F600}": "astral" });
        const e = fakeEnv({ aws: { z: 1, a: [2, "s", null, true] }, cluster: undefined });
        const fp = layerFingerprint(e, "monitoring", { cluster: out({ b: 2, a: { y: 1, x: [3] } }), images: out({ ignored: 1 }) }, root);
        const paths = layerCodePaths(e, "monitoring", root);
        const settings = '{"appsNamespace":"ns","backup":{"retentionDays":30,"schedule":"0 * * * *"},"charts":{"loki":"2.0.0"},"minReplicas":3,"monitoring":{"logs":1,"metricsAdapter":{"enabled":true},"tracing":{"enabled":true}},"name":"qa","secretStore":{"refreshInterval":"1h"}}';
        assert.equal(fp, expected(root, "monitoring", paths, settings, '{"cluster":{"a":{"x":[3],"y":1},"b":2}}'));
        const c = layerFingerprint(e, "cluster", {}, root);
        assert.equal(c, expected(root, "cluster", layerCodePaths(e, "cluster", root), '{"aws":{"a":[2,"s",null,true],"z":1},"name":"qa"}', "{}"));
    });

    it("changes exactly when an input it reads changes", () => {
        const root = tmp("fp-change-");
        files(root, { "index.ts": "entry", "policies/rules/a.ts": "rule a", "stacks/mesh.ts": 'import "./lib";', "stacks/lib.ts": "lib" });
        const e = fakeEnv();
        const up = { cluster: out({ name: "c" }), monitoring: out({ ns: "m" }) };
        const base = layerFingerprint(e, "mesh", up, root);
        assert.equal(layerFingerprint(e, "mesh", { monitoring: out({ ns: "m" }), cluster: out({ name: "c" }) }, root), base, "key order does not matter");
        assert.equal(layerFingerprint(e, "mesh", { ...up, cluster: out({ name: "c" }, true) }, root), base, "the secret flag is not hashed");
        assert.equal(layerFingerprint(e, "mesh", { ...up, images: out({ x: 1 }), apps: out({ y: 1 }) }, root), base, "non-ancestors are not read");
        assert.equal(layerFingerprint(e, "mesh", { ...up, cluster: out({ name: "c", gone: undefined }) }, root), base, "an undefined value is like an absent one");
        assert.equal(layerFingerprint(fakeEnv({ policy: { other: 1 } }), "mesh", up, root), base, "settings outside the slice are not read");
        assert.notEqual(layerFingerprint(e, "mesh", { ...up, cluster: out({ name: "d" }) }, root), base);
        assert.notEqual(layerFingerprint(e, "mesh", { monitoring: up.monitoring }, root), base);
        assert.equal(layerFingerprint(e, "mesh", { monitoring: up.monitoring, cluster: {} }, root), layerFingerprint(e, "mesh", { monitoring: up.monitoring }, root), "no outputs reads like an empty set");
        assert.notEqual(layerFingerprint(e, "mesh", { ...up, cluster: out({ name: ["c"] }) }, root), layerFingerprint(e, "mesh", { ...up, cluster: out({ name: { 0: "c" } }) }, root));
        assert.equal(layerFingerprint(e, "mesh", { ...up, cluster: out({ name: [undefined] }) }, root), layerFingerprint(e, "mesh", { ...up, cluster: out({ name: [null] }) }, root), "like JSON, an undefined array item is null");
        assert.notEqual(layerFingerprint(e, "mesh", { ...up, cluster: out({ name: null }) }, root), layerFingerprint(e, "mesh", { ...up, cluster: out({ name: "null" }) }, root));
        assert.notEqual(layerFingerprint(fakeEnv({ mesh: { gateway: 2 } }), "mesh", up, root), base);
        fs.writeFileSync(path.join(root, "stacks", "lib.ts"), "lib changed");
        const libChanged = layerFingerprint(e, "mesh", up, root);
        assert.notEqual(libChanged, base);
        fs.writeFileSync(path.join(root, "policies", "rules", "new.ts"), "");
        const ruleAdded = layerFingerprint(e, "mesh", up, root);
        assert.notEqual(ruleAdded, libChanged);
        fs.mkdirSync(path.join(root, "policies", "rules", "node_modules"));
        fs.writeFileSync(path.join(root, "policies", "rules", "node_modules", "dep.js"), "x");
        assert.equal(layerFingerprint(e, "mesh", up, root), ruleAdded, "node_modules is not hashed");
        fs.writeFileSync(path.join(root, "Pulumi.yaml"), "");
        assert.notEqual(layerFingerprint(e, "mesh", up, root), ruleAdded, "an empty file differs from a missing one");
    });

    it("defaults to the project as the code root", () => {
        const e = fakeEnv();
        assert.equal(layerFingerprint(e, "apps", {}), layerFingerprint(e, "apps", {}, path.resolve(__dirname, "..", "..")));
    });
});

describe("mutation: fingerprint stores", () => {
    it("saves, reads back and forgets fingerprints in <state>/fingerprints/<env>-<layer>.json", () => {
        const state = tmp("fp-state-");
        const file = fingerprintFile(state, "qa", "mesh");
        assert.equal(file, path.join(state, "fingerprints", "qa-mesh.json"));
        assert.equal(readFingerprint(state, "qa", "mesh"), undefined);
        const before = Date.now();
        saveFingerprint(state, "qa", "mesh", "abc");
        saveFingerprint(state, "qa", "apps", "def");
        const onDisk = JSON.parse(fs.readFileSync(file, "utf8"));
        assert.deepEqual({ ...onDisk, at: "" }, { env: "qa", layer: "mesh", fingerprint: "abc", at: "" });
        assert.ok(Date.parse(onDisk.at) >= before - 1);
        assert.ok(fs.readFileSync(file, "utf8").includes('\n  "env": "qa"'), "indented for people");
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.equal(readFingerprint(state, "qa", "mesh"), "abc");
        forgetFingerprints(state, "qa", ["mesh", "cluster"]);
        assert.equal(readFingerprint(state, "qa", "mesh"), undefined);
        assert.equal(readFingerprint(state, "qa", "apps"), "def");
        fs.writeFileSync(file, "{ torn");
        assert.equal(readFingerprint(state, "qa", "mesh"), undefined, "a malformed file reads as no fingerprint");
    });

    it("the file store and the engine's own store", async () => {
        const state = tmp("fp-state-");
        const store = fileFingerprintStore(state);
        assert.equal(await store.read("qa", "apps"), undefined);
        await store.write("qa", "apps", "f1");
        assert.equal(await store.read("qa", "apps"), "f1");
        assert.equal(readFingerprint(state, "qa", "apps"), "f1");
        await store.forget("qa", ["apps"]);
        assert.equal(await store.read("qa", "apps"), undefined);
        const own = { read: async () => "x", write: async () => {}, forget: async () => {} };
        assert.equal(fingerprintStore(state, { fingerprints: own } as unknown as Engine), own);
        const fallback = fingerprintStore(state, { name: "e" } as unknown as Engine);
        await fallback.write("qa", "mesh", "f2");
        assert.equal(readFingerprint(state, "qa", "mesh"), "f2");
        await fingerprintStore(state).write("qa", "cluster", "f3");
        assert.equal(readFingerprint(state, "qa", "cluster"), "f3");
    });

    it("a layer is unchanged only when a stored fingerprint equals the computed one", async () => {
        const root = tmp("fp-root-");
        const e = fakeEnv();
        const fp = layerFingerprint(e, "cluster", {}, root);
        const store = (value: string | undefined): FingerprintStore => ({ read: async () => value, write: async () => {}, forget: async () => {} });
        assert.equal(await fingerprintUnchanged(store(fp), e, "cluster", {}, root), true);
        assert.equal(await fingerprintUnchanged(store("other"), e, "cluster", {}, root), false);
        assert.equal(await fingerprintUnchanged(store(undefined), e, "cluster", {}, root), false);
    });
});

describe("mutation: fingerprint recorder", () => {
    class Recording implements FingerprintStore {
        readonly log: string[] = [];
        async read(): Promise<string | undefined> { return undefined; }
        async write(env: string, layer: Layer, fp: string): Promise<void> { this.log.push(`write ${env} ${layer} ${fp}`); }
        async forget(env: string, layers: readonly Layer[]): Promise<void> { this.log.push(`forget ${env} ${layers.join(",")}`); }
    }
    function engine(failing: Layer[] = []) {
        const store = new Recording();
        const reads: string[] = [];
        const e: Engine = {
            name: "rec", fingerprints: store,
            run: async () => { throw new Error("not used"); },
            outputs: async (_env, layer) => {
                reads.push(layer);
                if (failing.includes(layer)) throw new Error("cannot read");
                return out({ id: `${layer}-out` });
            },
        };
        return { e, store, reads };
    }
    const env = fakeEnv();
    const upOf = (layers: Layer[]) => Object.fromEntries(layers.map((l) => [l, out({ id: `${l}-out` })]));
    const summary = (operation: RunSummary["operation"], outcomes: [Layer, string, Partial<Record<string, number>>?][]): RunSummary => ({
        env: "qa", operation, engine: "rec", durationMs: 1, interrupted: false,
        outcomes: outcomes.map(([layer, status, changes]) => ({
            layer, status, attempts: 1,
            ...(changes ? { result: { env: "qa", layer, operation, resources: [], changes: { ...emptyChanges(), ...changes }, outputs: {}, policy: [], schema: [], durationMs: 1 } } : {}),
        })) as RunSummary["outcomes"],
    });

    it("stores a succeeded layer's fingerprint from its ancestors' outputs, once, reading each once", async () => {
        const { e, store, reads } = engine();
        const rec = new FingerprintRecorder(tmp("fp-rec-"), env, e);
        await rec.succeeded("mesh");
        await rec.succeeded("mesh");
        await rec.succeeded("apps");
        assert.deepEqual(store.log, [
            `write qa mesh ${layerFingerprint(env, "mesh", upOf(["cluster", "monitoring"]))}`,
            `write qa apps ${layerFingerprint(env, "apps", upOf(["cluster", "images", "monitoring", "mesh"]))}`,
        ]);
        assert.deepEqual(reads, ["cluster", "monitoring", "images", "mesh"]);
    });

    it("forgets a layer whose upstream outputs cannot be read", async () => {
        const { e, store } = engine(["monitoring"]);
        await new FingerprintRecorder(tmp("fp-rec-"), env, e).succeeded("mesh");
        assert.deepEqual(store.log, ["forget qa mesh"]);
    });

    it("after an up forgets failed and cancelled layers and stores the succeeded ones", async () => {
        const { e, store } = engine();
        await recordFingerprints(tmp("fp-rec-"), env, summary("up", [["cluster", "succeeded"], ["images", "failed"], ["monitoring", "cancelled"], ["mesh", "skipped"], ["apps", "unchanged"]]), e);
        assert.deepEqual(store.log, ["forget qa images,monitoring", `write qa cluster ${layerFingerprint(env, "cluster", {})}`]);
    });

    it("after a destroy forgets what was destroyed; after a refresh only what it found changed; a preview changes nothing", async () => {
        const d = engine();
        await recordFingerprints(tmp("fp-rec-"), env, summary("destroy", [["cluster", "succeeded"], ["images", "failed"], ["apps", "succeeded"]]), d.e);
        assert.deepEqual(d.store.log, ["forget qa cluster,apps"]);
        const r = engine();
        await recordFingerprints(tmp("fp-rec-"), env, summary("refresh", [
            ["cluster", "succeeded", { create: 1 }], ["images", "succeeded", { update: 1 }], ["monitoring", "succeeded", { replace: 1 }],
            ["mesh", "succeeded", { delete: 1 }], ["apps", "succeeded", { same: 5 }],
        ]), r.e);
        assert.deepEqual(r.store.log, ["forget qa cluster,images,monitoring,mesh"]);
        const r2 = engine();
        await recordFingerprints(tmp("fp-rec-"), env, summary("refresh", [["cluster", "succeeded"], ["images", "failed", { create: 1 }]]), r2.e);
        assert.deepEqual(r2.store.log, ["forget qa "]);
        const p = engine();
        await recordFingerprints(tmp("fp-rec-"), env, summary("preview", [["cluster", "succeeded", { create: 1 }], ["images", "failed"]]), p.e);
        assert.deepEqual(p.store.log, []);
    });

    it("without an engine store, records into the state folder", async () => {
        const state = tmp("fp-rec-");
        const e: Engine = { name: "plain", run: async () => { throw new Error("no"); }, outputs: async () => ({}) };
        await new FingerprintRecorder(state, env, e).succeeded("cluster");
        assert.equal(readFingerprint(state, "qa", "cluster"), layerFingerprint(env, "cluster", {}));
    });
});
