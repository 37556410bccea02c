/**
 * Runs a CrossGuard policy pack the way the Pulumi CLI does and talks to it over the
 * Analyzer gRPC protocol: an Engine service for the pack's logs, `node
 * <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> <pack>` started in the
 * pack's folder (PolicyPack reads its version from ./package.json), the printed port, then
 * GetAnalyzerInfo, Configure, Analyze per resource and AnalyzeStack once.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as readline from "readline";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import type { Enforcement, PolicyViolation, RecordedResource } from "../engine";
import type { Layer } from "../../stacks/graph";
import { compileCacheArgs } from "../processes/compile-cache";
import { exitWithParent } from "../processes/exit-with-parent";
import { stopChild } from "../processes/stop";
import { startEngineServer, type EngineServer } from "./engine-server";
import {
    enforcementToProto, policyMetaOf, toAnalyzeRequest, toAnalyzerResource, toViolation, type PolicyMeta, wirePartsOf,
} from "./convert";
import { ensurePackBuilt } from "./build";

export type { PolicyMeta } from "./convert";

/** The repository's own pack. */
export const DEFAULT_PACK_DIR = path.resolve(__dirname, "../../policies");

/**
 * Pack config as in `pulumi up --policy-pack-config`: per policy name, an enforcement level
 * or `{ enforcementLevel?, ...properties }`. The key "all" applies its enforcement level to
 * every policy and its properties to every policy whose schema declares them.
 */
export type PolicyPackConfig = Record<string, Enforcement | ({ enforcementLevel?: Enforcement } & Record<string, unknown>)>;

export interface PolicyServerOptions {
    /** Receives the pack's log lines (Engine.Log, stdout after the port, stderr). */
    onLog?: (line: string) => void;
    /** How long the pack may take to start (it type-checks itself with ts-node). Default 120 s. */
    startTimeoutMs?: number;
    /** Analyze calls in flight at once. Default 32. */
    concurrency?: number;
    /** Variables added to the pack process's environment. */
    env?: Record<string, string>;
}

export interface PolicyServer {
    readonly name: string;
    readonly version: string;
    /** Every policy of the pack with its enforcement, severity and controls. */
    readonly policies: ReadonlyMap<string, PolicyMeta>;
    /** "127.0.0.1:<port>" of the pack's Analyzer service. */
    readonly address: string;
    readonly pid: number;
    /** Replaces the pack's config (policies absent from `config` get their defaults back). */
    configure(config: PolicyPackConfig): Promise<void>;
    /** Analyze for each resource plus one AnalyzeStack; violations in resource order, stack last. */
    analyze(resources: readonly RecordedResource[], layer: Layer): Promise<PolicyViolation[]>;
    /** Stops the pack process and the engine service; safe to call twice. */
    close(): Promise<void>;
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown;

function call<Req, Res>(client: analyzerrpc.AnalyzerClient, fn: Unary<Req, Res>, req: Req, what: string, timeoutMs = 120_000): Promise<Res> {
    return new Promise((resolve, reject) => {
        fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
            if (err) reject(new Error(`policy pack ${what} failed: ${err.details || err.message}`));
            else resolve(res);
        });
    });
}

/** Resolves run-policy-pack from the pack's own node_modules first, as the CLI does. */
export function runPolicyPackScript(packDir: string): string {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir, __dirname] });
}

function waitForPort(child: ChildProcess, onLog: (line: string) => void, timeoutMs: number, stderrTail: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
        let settled = false;
        const finish = (err: Error | undefined, port?: number) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (err) reject(err);
            else resolve(port!);
        };
        const timer = setTimeout(() => finish(new Error(`policy pack did not print its port within ${timeoutMs} ms`)), timeoutMs);
        readline.createInterface({ input: child.stdout! }).on("line", (line) => {
            if (!settled && /^\d+$/.test(line.trim())) finish(undefined, Number(line.trim()));
            else onLog(line);
        });
        child.once("error", (err) => finish(new Error(`policy pack could not start: ${err.message}`)));
        child.once("exit", (code, signal) =>
            finish(new Error(`policy pack exited (${signal ?? `code ${code}`}) before serving:\n${stderrTail.join("\n")}`)),
        );
    });
}

/** Runs `work` over `items` with at most `limit` in flight; results keep input order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await work(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}

/** Builds the Configure request from the user's config and the pack's own defaults. */
export function buildConfigureRequest(config: PolicyPackConfig, policies: ReadonlyMap<string, PolicyMeta>): analyzerproto.ConfigureAnalyzerRequest {
    for (const key of Object.keys(config)) {
        if (key !== "all" && !policies.has(key)) {
            throw new Error(`policy config names unknown policy "${key}"; use one of: all, ${[...policies.keys()].join(", ")}`);
        }
    }
    const split = (entry: PolicyPackConfig[string] | undefined) =>
        typeof entry === "string" ? { level: entry, props: {} } : { level: entry?.enforcementLevel, props: { ...(entry ?? {}) } };
    const all = split(config.all);
    delete (all.props as Record<string, unknown>).enforcementLevel;
    const req = new analyzerproto.ConfigureAnalyzerRequest();
    for (const meta of policies.values()) {
        const own = split(config[meta.name]);
        delete (own.props as Record<string, unknown>).enforcementLevel;
        const props: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(all.props)) if (meta.configKeys.includes(k)) props[k] = v;
        Object.assign(props, own.props);
        const pc = new analyzerproto.PolicyConfig();
        // Always sent: the pack treats a config entry without a level as advisory.
        pc.setEnforcementlevel(enforcementToProto(own.level ?? all.level ?? meta.enforcement));
        pc.setProperties(Struct.fromJavaScript(props as Record<string, never>));
        req.getPolicyconfigMap().set(meta.name, pc);
    }
    return req;
}

/** Starts the pack in `packDir`, connects, reads its policies and applies `config`. */
export async function startPolicyPack(packDir: string = DEFAULT_PACK_DIR, config: PolicyPackConfig = {}, options: PolicyServerOptions = {}): Promise<PolicyServer> {
    const onLog = options.onLog ?? (() => undefined);
    if (ensurePackBuilt(packDir)) onLog(`policy pack ${packDir}: sources changed since its build; rebuilt it`);
    const engine: EngineServer = await startEngineServer(onLog);
    const script = runPolicyPackScript(packDir);
    // The pack must not outlive this process, however it ends: the pack watches this process itself
    // (processes/exit-with-parent.js, preloaded), which covers SIGKILL and crashes, where no hook of
    // ours runs. Signals are left to their owners: Ctrl-C and SIGTERM stop the run gracefully
    // (pipeline/signals.ts), which closes the pack through close(); the exit hook below only makes a
    // forced exit stop it at once rather than a moment later.
    const lifetime = exitWithParent();
    // The compile cache only speeds up loading: the pack runs as `pulumi --policy-pack` runs it.
    const child = spawn(process.execPath, [...lifetime.execArgv, ...compileCacheArgs(), script, engine.address, packDir], {
        cwd: packDir,
        // The SDK in the pack sends its log calls to PULUMI_NODEJS_ENGINE.
        env: { ...process.env, ...options.env, ...lifetime.env, PULUMI_NODEJS_ENGINE: engine.address },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const killNow = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    process.once("exit", killNow);
    const stderrTail: string[] = [];
    readline.createInterface({ input: child.stderr! }).on("line", (line) => {
        stderrTail.push(line);
        if (stderrTail.length > 40) stderrTail.shift();
        onLog(line);
    });

    let client: analyzerrpc.AnalyzerClient | undefined;
    let closed = false;
    const close = async () => {
        if (closed) return;
        closed = true;
        client?.close();
        await stopChild(child);
        process.removeListener("exit", killNow);
        await engine.close();
    };

    try {
        const port = await waitForPort(child, onLog, options.startTimeoutMs ?? 120_000, stderrTail);
        const address = `127.0.0.1:${port}`;
        const analyzer = new analyzerrpc.AnalyzerClient(address, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
        client = analyzer;
        const info = await call(analyzer, analyzer.getAnalyzerInfo, new Empty(), "GetAnalyzerInfo");
        const policies = new Map(info.getPoliciesList().map((p) => [p.getName(), policyMetaOf(p)] as const));
        const configure = async (cfg: PolicyPackConfig) => {
            await call(analyzer, analyzer.configure, buildConfigureRequest(cfg, policies), "Configure");
        };
        await configure(config);
        const concurrency = options.concurrency ?? 32;
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies,
            address,
            pid: child.pid ?? -1,
            configure,
            close,
            analyze: async (resources, layer) => {
                const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
                const parts = new Map(resources.map((r) => [r, wirePartsOf(r)] as const));
                const stackReq = new analyzerproto.AnalyzeStackRequest();
                stackReq.setResourcesList(resources.map((r) => toAnalyzerResource(r, parts.get(r))));
                const [perResource, stack] = await Promise.all([
                    pool(resources, concurrency, (r) =>
                        call(analyzer, analyzer.analyze, toAnalyzeRequest(r, parts.get(r)), `Analyze of ${r.urn}`).then((res) =>
                            res.getDiagnosticsList().map((d) => toViolation(d, layer, policies, byUrn, r.urn)),
                        ),
                    ),
                    call(analyzer, analyzer.analyzeStack, stackReq, "AnalyzeStack").then((res) =>
                        res.getDiagnosticsList().map((d) => toViolation(d, layer, policies, byUrn)),
                    ),
                ]);
                return [...perResource.flat(), ...stack];
            },
        };
    } catch (err) {
        await close();
        throw err;
    }
}
