/** Shared set-up for the release tests: a temp copy of environments/, a temp project state dir, engine doubles. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironment } from "../../environments/load";
import type { Engine, LayerRequest, LayerResult, OutputValue } from "../../automation/engine";
import { emptyChanges } from "../../automation/engine";
import { LAYERS, type Layer } from "../../stacks/graph";
import type { RunSummary } from "../../automation/pipeline/runner";
import type { Session } from "../../automation/orchestrator/run";
import { statePaths } from "../../automation/state/workspace";
import { copyEnvironments } from "../support/environments";

export const REPO = path.resolve(__dirname, "..", "..");

export interface Sandbox {
    envDir: string;
    projectDir: string;
    cleanup(): void;
}

/** Copies environments/*.yaml to a temp dir and points INFRA_ENVIRONMENTS_DIR at it. */
export function sandbox(): Sandbox {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-release-"));
    const envDir = copyEnvironments(path.join(root, "environments"));
    const projectDir = path.join(root, "project");
    fs.mkdirSync(projectDir);
    const before = process.env.INFRA_ENVIRONMENTS_DIR;
    process.env.INFRA_ENVIRONMENTS_DIR = envDir;
    return {
        envDir,
        projectDir,
        cleanup() {
            if (before === undefined) delete process.env.INFRA_ENVIRONMENTS_DIR;
            else process.env.INFRA_ENVIRONMENTS_DIR = before;
            fs.rmSync(root, { recursive: true, force: true });
        },
    };
}

export const digest = (seed: string): string => `sha256:${require("crypto").createHash("sha256").update(seed).digest("hex")}`;
export const ref = (env: string, seed: string): string => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/${env}/app@${digest(seed)}`;

/**
 * An engine double that behaves like a deployment: each layer's outputs derive from the
 * environment file as it is at run time (images: the pin, or a build digest), it remembers
 * what it applied, and it records which layers ran. `failing` layers throw.
 */
export class ScriptedEngine implements Engine {
    readonly name = "scripted";
    readonly ran: string[] = [];
    readonly failing = new Set<string>();
    private readonly applied = new Map<string, Record<string, OutputValue>>();
    /** What an environment that builds its own images produces. */
    builds: Record<string, string> = {};

    async run(req: LayerRequest): Promise<LayerResult> {
        this.ran.push(`${req.env}-${req.layer}`);
        if (this.failing.has(`${req.env}-${req.layer}`)) throw new Error(`${req.layer} exploded`);
        const outputs = this.compute(req.env, req.layer);
        if (req.operation === "up") this.applied.set(`${req.env}-${req.layer}`, outputs);
        return { env: req.env, layer: req.layer, operation: req.operation, resources: [], changes: emptyChanges(), outputs, policy: [], schema: [], durationMs: 1 };
    }

    async outputs(env: string, layer: Layer): Promise<Record<string, OutputValue>> {
        return this.applied.get(`${env}-${layer}`) ?? this.compute(env, layer);
    }

    private compute(env: string, layer: Layer): Record<string, OutputValue> {
        const e = loadEnvironment(env, process.env.INFRA_ENVIRONMENTS_DIR);
        const plain = (value: unknown): OutputValue => ({ value, secret: false });
        switch (layer) {
            case "cluster": return { clusterName: plain(`${env}-cluster`), kubeconfig: { value: `kubeconfig-${env}`, secret: true } };
            case "images": return { images: plain(Object.fromEntries(e.images.map((i) => [i.name, e.release?.images?.[i.name] ?? this.builds[env] ?? ref(env, "built")]))) };
            case "monitoring": return { namespace: plain("monitoring"), prometheusUrl: plain("http://prometheus:9090") };
            case "mesh": return { namespace: plain("istio-system"), version: plain(e.release?.charts?.istio ?? e.charts.istio) };
            case "apps": return { namespace: plain(e.apps.namespace), services: plain({ app: "app.apps.svc" }) };
        }
    }
}

/** A summary as the pipeline would return it, for runs.ts tests. */
export function summaryOf(env: string, statuses: Partial<Record<Layer, RunSummary["outcomes"][number]["status"]>>, extra: Partial<RunSummary> = {}): RunSummary {
    return {
        env, operation: "up", engine: "scripted", durationMs: 5, interrupted: false,
        outcomes: LAYERS.map((layer) => ({ layer, status: statuses[layer] ?? "not-selected", attempts: 1, ...(statuses[layer] === "failed" ? { error: `${layer} exploded` } : {}) })),
        ...extra,
    };
}

/** An open session on `env` over `engine`, its run state in `stateDir`: what the orchestrator's release functions run in. */
export function sessionOf(engine: Engine, env: string, stateDir: string): Session {
    return {
        env, environment: loadEnvironment(env, process.env.INFRA_ENVIRONMENTS_DIR), engine, signal: new AbortController().signal,
        state: statePaths(stateDir), args: { json: true, events: false }, parallel: 2,
    };
}
