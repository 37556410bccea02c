/**
 * Change detection: a layer's fingerprint is a sha256 over (a) its code, (b) the slice of the
 * environment's settings it reads and (c) the upstream outputs it reads. A layer whose
 * fingerprint matches the one stored after its last successful `up`, and none of whose
 * upstream layers changed, is skipped as "unchanged". So a new app image pin touches only
 * the images and apps layers, never cluster, monitoring or mesh.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Engine, FingerprintStore, OutputValue } from "../engine";
import type { RunSummary } from "../pipeline/runner";
import type { Environment } from "../../environments/schema";
import { ancestors, type Layer } from "../../stacks/graph";
import { MESH_CHARTS, PROJECT_DIR } from "../../stacks/settings";
import { stackName } from "../../stacks/names";
import { writeAtomically } from "../files";
import { statePaths } from "./workspace";

/**
 * Files every layer's deployment depends on besides its own imports: the entry point and project
 * file, the lockfiles (a provider or SDK upgrade), and the policy pack that checks every update.
 */
const ALWAYS_CODE = [
    "index.ts", "Pulumi.yaml", "package.json", "package-lock.json",
    "policies/PulumiPolicy.yaml", "policies/package.json", "policies/package-lock.json", "policies/index.ts", "policies/config.ts", "policies/rules",
];

/** Modules every layer program runs through besides its own file: loading and validating the environment. */
const PROGRAM_ROOTS = ["environments/load.ts"];

const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The project file a relative import names, as the TypeScript runtime resolves it. */
function resolveImport(root: string, fromRel: string, spec: string): string | undefined {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), spec));
    for (const candidate of [base, `${base}.ts`, `${base}.js`, `${base}.json`, `${base}/index.ts`, `${base}/index.js`]) {
        const full = path.join(root, candidate);
        if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
    }
    return undefined;
}

/**
 * The project files one module imports directly (relative imports, resolved as the TypeScript
 * runtime resolves them); an import that cannot be resolved is kept as the path it names.
 */
export function relativeImports(root: string, rel: string): string[] {
    const full = path.join(root, rel);
    if (!/\.(ts|js)$/.test(rel) || !fs.existsSync(full)) return [];
    const out: string[] = [];
    for (const m of fs.readFileSync(full, "utf8").matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec || !spec.startsWith(".")) continue;
        out.push(resolveImport(root, rel, spec) ?? path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)));
    }
    return out;
}

/**
 * Every project file a module imports, transitively (relative imports; packages are covered by
 * the lockfiles). Derived from the code, so a new import cannot escape the fingerprint; an import
 * that cannot be resolved is kept as a path, so its later appearance changes the fingerprint too.
 */
export function importClosure(root: string, entries: readonly string[]): string[] {
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
        const rel = queue.pop()!;
        if (seen.has(rel)) continue;
        seen.add(rel);
        queue.push(...relativeImports(root, rel));
    }
    return [...seen].sort();
}

/** The object minus `keys`; an absent or empty result is undefined, so "no pins" hashes one way only. */
function without<T extends Record<string, unknown>>(obj: T | undefined, ...keys: string[]): Record<string, unknown> | undefined {
    if (!obj) return undefined;
    const rest: Record<string, unknown> = { ...obj };
    for (const key of keys) delete rest[key];
    return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The part of an environment's settings each layer reads; anything else never changes its
 * fingerprint. test/release/settings-slice.test.ts runs every layer program on an environment that
 * records each property read and fails when a read falls outside its layer's slice.
 */
export const LAYER_SETTINGS: Readonly<Record<Layer, (env: Environment) => unknown>> = {
    cluster: (e) => ({ name: e.name, aws: e.aws, cluster: e.cluster }),
    images: (e) => ({ name: e.name, aws: e.aws, registry: e.registry, images: e.images, release: without(e.release?.images) }),
    // The apps namespace: Grafana's dashboard sidecar searches it. The secret store (on or off, its
    // region, the operator's replicas) is read by monitoring and apps; the backups (on or off, the
    // schedule, retention and namespaces, the velero chart) by monitoring only.
    monitoring: (e) => ({
        name: e.name, monitoring: e.monitoring, charts: without(e.charts, ...MESH_CHARTS), release: without(e.release?.charts, ...MESH_CHARTS), appsNamespace: e.apps.namespace,
        ...secretStoreSlice(e), minReplicas: e.policy.minReplicas, backup: e.backup,
    }),
    mesh: (e) => ({
        name: e.name, mesh: e.mesh, istio: e.charts.istio, releaseIstio: e.release?.charts?.istio, namespace: e.apps.namespace, tracing: e.monitoring.tracing,
        argoRollouts: e.charts.argoRollouts, releaseArgoRollouts: e.release?.charts?.argoRollouts, delivery: e.apps.progressiveDelivery.enabled,
    }),
    // Whether the metrics adapter runs decides the HPAs' request-rate metric.
    apps: (e) => ({ name: e.name, apps: e.apps, policy: e.policy, metricsAdapter: e.monitoring.metricsAdapter.enabled, ...secretStoreSlice(e) }),
};

/** The settings that decide whether and where the secret store runs (environments/schema.ts secretStoreEnabled). */
function secretStoreSlice(e: Environment): Record<string, unknown> {
    return { secretStore: e.secretStore, clusterKind: e.cluster?.kind, region: e.aws?.region };
}

/**
 * Code paths of a layer: what its program imports (derived from the code), the files every layer
 * depends on, and the build contexts of the images it builds (a pinned image builds nothing).
 */
export function layerCodePaths(env: Environment, layer: Layer, codeRoot: string = PROJECT_DIR): string[] {
    const paths = [...ALWAYS_CODE, ...importClosure(codeRoot, [`stacks/${layer}.ts`, ...PROGRAM_ROOTS])];
    if (layer === "images") {
        for (const img of env.images) if (!env.release?.images?.[img.name]) paths.push(img.context);
    }
    return [...new Set(paths)].sort();
}

/** JSON with sorted keys, so equal values always hash the same. */
function stableJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(",")}}`;
    }
    return JSON.stringify(value ?? null);
}

function hashTree(hash: ReturnType<typeof createHash>, root: string, rel: string): void {
    const full = path.join(root, rel);
    if (!fs.existsSync(full)) { hash.update(`missing:${rel}\n`); return; }
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
        for (const entry of fs.readdirSync(full).sort()) {
            if (entry === "node_modules" || entry === ".git") continue;
            hashTree(hash, root, path.posix.join(rel, entry));
        }
        return;
    }
    hash.update(`file:${rel}\n`);
    hash.update(fs.readFileSync(full));
    hash.update("\n");
}

/**
 * The fingerprint of one layer of one environment. `upstream` holds the outputs of every layer
 * it builds on, not only its direct needs (apps reads the cluster's kubeconfig); secret values
 * are hashed, never stored.
 */
export function layerFingerprint(env: Environment, layer: Layer, upstream: Partial<Record<Layer, Record<string, OutputValue>>>, codeRoot: string = PROJECT_DIR): string {
    const hash = createHash("sha256");
    hash.update(`layer:${layer}\n`);
    for (const rel of layerCodePaths(env, layer, codeRoot)) hashTree(hash, codeRoot, rel);
    hash.update(`settings:${stableJson(LAYER_SETTINGS[layer](env))}\n`);
    const reads: Record<string, unknown> = {};
    for (const need of ancestors(layer)) {
        reads[need] = Object.fromEntries(Object.entries(upstream[need] ?? {}).map(([k, v]) => [k, v.value]));
    }
    hash.update(`upstream:${stableJson(reads)}\n`);
    return hash.digest("hex");
}

export function fingerprintFile(stateDir: string, env: string, layer: Layer): string {
    return statePaths(stateDir).fingerprintFile(stackName(env, layer));
}

export function readFingerprint(stateDir: string, env: string, layer: Layer): string | undefined {
    const file = fingerprintFile(stateDir, env, layer);
    if (!fs.existsSync(file)) return undefined;
    try { return JSON.parse(fs.readFileSync(file, "utf8")).fingerprint; } catch { return undefined; }
}

export function saveFingerprint(stateDir: string, env: string, layer: Layer, fingerprint: string): void {
    writeAtomically(fingerprintFile(stateDir, env, layer), JSON.stringify({ env, layer, fingerprint, at: new Date().toISOString() }, null, 2), 0o600);
}

/** Forgets the stored fingerprints of these layers, so the next `up` applies them whatever their inputs. */
export function forgetFingerprints(stateDir: string, env: string, layers: readonly Layer[]): void {
    for (const layer of layers) fs.rmSync(fingerprintFile(stateDir, env, layer), { force: true });
}

/** Fingerprints in local files under <state>/fingerprints (the offline engine's, and the fallback). */
export function fileFingerprintStore(stateDir: string): FingerprintStore {
    return {
        read: async (env, layer) => readFingerprint(stateDir, env, layer),
        write: async (env, layer, fp) => saveFingerprint(stateDir, env, layer, fp),
        forget: async (env, layers) => forgetFingerprints(stateDir, env, layers),
    };
}

/** The store a run uses: the engine's own (kept with the stack) where it has one. */
export function fingerprintStore(stateDir: string, engine?: Engine): FingerprintStore {
    return engine?.fingerprints ?? fileFingerprintStore(stateDir);
}

/**
 * Keeps one run's fingerprints: each layer's the moment its `up` succeeds (so a run killed later
 * still leaves the layers it finished known as applied), then, at the run's end, whatever is left.
 * Upstream outputs are read from the engine, not from the run results (they may carry masked
 * secrets), each layer's once per run however many finished layers build on it.
 */
export class FingerprintRecorder {
    private readonly store: FingerprintStore;
    private readonly read: Partial<Record<Layer, Promise<Record<string, OutputValue>>>> = {};
    private readonly recorded = new Set<Layer>();

    constructor(stateDir: string, private readonly env: Environment, private readonly engine: Engine) {
        this.store = fingerprintStore(stateDir, engine);
    }

    /** Stores the fingerprint of a layer whose `up` just succeeded; without its upstream outputs, forgets it instead. */
    async succeeded(layer: Layer): Promise<void> {
        if (this.recorded.has(layer)) return;
        this.recorded.add(layer);
        const upstream: Partial<Record<Layer, Record<string, OutputValue>>> = {};
        try {
            for (const need of ancestors(layer)) upstream[need] = await (this.read[need] ??= this.engine.outputs(this.env.name, need));
        } catch {
            // Without the upstream outputs there is no trustworthy fingerprint: the layer simply runs next time.
            await this.store.forget(this.env.name, [layer]);
            return;
        }
        await this.store.write(this.env.name, layer, layerFingerprint(this.env, layer, upstream));
    }

    /**
     * After the run: stores what an `up` finished and was not stored yet, and forgets the layers a
     * destroy removed, those an `up` left failed or cancelled (half applied: they must run again),
     * and those whose state a refresh found different from the code. Previews change nothing.
     */
    async finish(summary: RunSummary): Promise<void> {
        const ok = summary.outcomes.filter((o) => o.status === "succeeded");
        const changed = (o: (typeof ok)[number]) => { const c = o.result?.changes; return c !== undefined && c.create + c.update + c.replace + c.delete > 0; };
        if (summary.operation === "destroy") return this.store.forget(this.env.name, ok.map((o) => o.layer));
        if (summary.operation === "refresh") return this.store.forget(this.env.name, ok.filter(changed).map((o) => o.layer));
        if (summary.operation !== "up") return;
        await this.store.forget(this.env.name, summary.outcomes.filter((x) => x.status === "failed" || x.status === "cancelled").map((x) => x.layer));
        for (const o of ok) await this.succeeded(o.layer);
    }
}

/** Records the fingerprints of a finished run at once (see FingerprintRecorder.finish). */
export function recordFingerprints(stateDir: string, env: Environment, summary: RunSummary, engine: Engine): Promise<void> {
    return new FingerprintRecorder(stateDir, env, engine).finish(summary);
}

/**
 * True when a layer can be skipped: its stored fingerprint (from its last successful `up`)
 * equals the one computed from its code, its settings and the upstream outputs it would read
 * now. The pipeline asks this just before the layer would run (RunOptions.isUnchanged).
 */
export async function fingerprintUnchanged(store: FingerprintStore, env: Environment, layer: Layer,
    upstream: Partial<Record<Layer, Record<string, OutputValue>>>, codeRoot?: string): Promise<boolean> {
    const stored = await store.read(env.name, layer);
    return stored !== undefined && stored === layerFingerprint(env, layer, upstream, codeRoot);
}
