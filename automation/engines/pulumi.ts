/**
 * The Automation API engine: each layer is the stack `<env>-<layer>` of the repo's own Pulumi
 * project (LocalWorkspace over the project dir), run with the policy pack on preview and up.
 * Engine events become progress and policy events; the SDK's typed errors become one-line
 * errors the CLI maps to exit codes. Secret values never leave this file unmasked except
 * through `outputs()`, whose caller decides whether to show them.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CommandError,
    ConcurrentUpdateError,
    EngineEvent as PulumiEvent,
    LocalWorkspace,
    LocalWorkspaceOptions,
    OpMap,
    PulumiCommand,
    Stack,
    StackNotFoundError,
} from "@pulumi/pulumi/automation";
import type { Layer } from "../../stacks/graph";
import { stackName as layerStack } from "../../stacks/names";
import { loadEnvironment } from "../../environments/load";
import { emptyChanges, SECRET_MARKER, type FingerprintStore, type ReleaseMarkStore, type RunMarkStore, type PassThrough, type ChangeSummary, type Engine, type LayerRequest, type LayerResult, type OutputValue, type Severity } from "../engine";
import { AuthError, InputError, InterruptedError, PolicyError, StackMissingError, TransientError } from "../../common/errors";
import { RULE_SEVERITY, writePolicyConfigFile } from "../policy/config";
import { resolveBackend, type Backend } from "./backend";
import { locatePulumi, standinEnv, type ProviderMode } from "./pulumi-cli";
import { PulumiEventMapper } from "./pulumi-events";
import { FINGERPRINT_TAG, formatReleaseMark, formatRunMark, LAST_RUN_TAG, parseReleaseMark, parseRunMark, RELEASE_TAG } from "./stack-tags";
import type { Environment } from "../../environments/schema";
import { statePaths } from "../state/workspace";
import { ensurePackBuilt } from "../policy/build";

export interface PulumiEngineOptions {
    projectDir: string;
    /** Policy pack directory passed on preview and up; false for none. Default <projectDir>/policies. */
    policyPackDir?: string | false;
    /** Per-layer CLI output logs; default the run-state folder's engine logs. */
    logDir?: string;
    /** Environment to read backend settings from; default process.env. */
    env?: NodeJS.ProcessEnv;
    /** Severity per rule id, for policy events that carry none; default the pack's own rules. */
    ruleSeverity?: Record<string, Severity>;
    /** Provider plugins: the real ones (default) or the provider stand-in, which creates nothing anywhere. */
    providers?: ProviderMode;
}

/** What a run of the Pulumi engine is set up with, for the CLI to say before it starts. */
export interface PulumiSetup {
    workspace: LocalWorkspaceOptions;
    backend: Backend;
    cli: { path: string; version: string };
}

/** The backend `pulumi whoami` reports, or undefined when the CLI is logged in nowhere. */
function whoAmI(cli: string, projectDir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
    return new Promise((resolve) => {
        execFile(cli, ["whoami", "--json", "--non-interactive"], { cwd: projectDir, env, timeout: 30_000 }, (err, stdout) => {
            if (err) return resolve(undefined);
            try {
                const url = JSON.parse(stdout).url;
                resolve(typeof url === "string" && url ? url : undefined);
            } catch {
                resolve(undefined);
            }
        });
    });
}

/**
 * Everything every Automation API call of the project uses: the located CLI, the resolved
 * backend, and with the stand-in, its plugin folder first on PATH. Shared by the engine,
 * backup/restore and `infra doctor`.
 */
export async function pulumiSetup(projectDir: string, env: NodeJS.ProcessEnv = process.env, providers: ProviderMode = "real"): Promise<PulumiSetup> {
    const cli = locatePulumi(projectDir, env.PATH);
    // The SDK checks the CLI version against its own minimum; ours is built at exactly the SDK's version.
    const pulumiCommand = await PulumiCommand.get(cli.root ? { root: cli.root } : {});
    const backend = await resolveBackend(projectDir, env, () => whoAmI(cli.path, projectDir, env));
    const envVars: Record<string, string> = {
        ...backend.env,
        ...(providers === "standin" ? standinEnv(projectDir, env.PATH) : {}),
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    return { workspace: { workDir: projectDir, envVars, pulumiCommand }, backend, cli: { path: cli.path, version: pulumiCommand.version?.toString() ?? "unknown" } };
}

/** A promise chain that runs one task at a time. */
class Mutex {
    private tail: Promise<unknown> = Promise.resolve();
    run<T>(task: () => Promise<T>): Promise<T> {
        const next = this.tail.then(task, task);
        this.tail = next.catch(() => undefined);
        return next;
    }
}

/**
 * Provider errors that clear up on their own (throttling, brief unavailability, dropped
 * connections): the codes AWS and the Kubernetes API return, not text of ours.
 */
const TRANSIENT_TEXT = /\b(ThrottlingException|Throttling|RequestLimitExceeded|TooManyRequestsException|SlowDown|ServiceUnavailable|RequestTimeout|InternalFailure)\b|connection reset by peer|i\/o timeout|the server is currently unable to handle the request/;

/** The CLI's answer for a tag the stack does not have (`stack tag get`, pkg/cmd/pulumi/stack/stack_tag.go): no error of ours. */
const TAG_NOT_FOUND = /stack tag '[^']+' not found for stack/;

const CREDENTIALS_TEXT = /NoCredentialProviders|ExpiredToken|no valid credential sources|InvalidClientTokenId|failed to refresh cached credentials/;

/** The first `error:` line of a CLI failure, so messages stay one line. */
export function firstErrorLine(text: string): string {
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    let i = lines.findIndex((l) => /^error:/i.test(l));
    if (i < 0) i = lines.findIndex((l) => /error/i.test(l));
    if (i < 0) i = 0;
    let err = (lines[i] ?? "unknown error").replace(/^error:\s*/i, "");
    // "Running program '...' failed with an unhandled exception:" names no cause; the next line does.
    if (err.endsWith(":") && lines[i + 1]) err = `${err} ${lines[i + 1].replace(/^error:\s*/i, "")}`;
    return err.slice(0, 400);
}

/** Maps SDK errors to the orchestrator's errors, naming the stack. */
export function mapPulumiError(err: unknown, stackName: string, signal?: AbortSignal, resourceError?: string): Error {
    if (signal?.aborted) return new InterruptedError(`${stackName}: interrupted`);
    if (err instanceof ConcurrentUpdateError) {
        return new TransientError(`stack ${stackName} is locked by another update; retry when it finishes, or run \`pulumi cancel -s ${stackName}\` if that update died`, err);
    }
    if (err instanceof StackNotFoundError) {
        return new StackMissingError(`stack ${stackName} does not exist; run \`infra up\` for its environment and layer first`);
    }
    const text = [resourceError, err instanceof Error ? err.message : String(err)].filter(Boolean).join("\n");
    if (CREDENTIALS_TEXT.test(text)) {
        return new AuthError(`${stackName}: AWS credentials are missing or expired; run \`aws sso login\` or set AWS_PROFILE / AWS_ACCESS_KEY_ID, then retry`);
    }
    const cause = resourceError ?? firstErrorLine(text);
    if (TRANSIENT_TEXT.test(text)) return new TransientError(`${stackName}: ${cause}`, err);
    if (err instanceof CommandError) return new Error(`${stackName}: ${cause}`);
    return err instanceof Error ? err : new Error(text);
}

const USER_AGENT = `platform-infra/${(require("../../package.json") as { version: string }).version}`;

/**
 * The Pulumi flags one layer gets: only the URNs of its own stack (a URN names its stack), the
 * switches as given, and our user agent.
 */
export function passThroughFlags(stackName: string, pt: PassThrough = {}): Record<string, unknown> {
    const own = (urns?: string[]) => {
        const mine = (urns ?? []).filter((u) => u.startsWith(`urn:pulumi:${stackName}::`));
        return mine.length > 0 ? mine : undefined;
    };
    const flags: Record<string, unknown> = {
        target: own(pt.target), replace: own(pt.replace), exclude: own(pt.exclude),
        refresh: pt.refresh, diff: pt.diff, message: pt.message, parallel: pt.resourceParallel, userAgent: USER_AGENT,
    };
    return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

/** Maps the CLI's op counts to the result model's change summary. */
export function toChangeSummary(ops: OpMap | undefined): ChangeSummary {
    const c = emptyChanges();
    for (const [op, n] of Object.entries(ops ?? {})) {
        if (!n) continue;
        if (op === "create" || op === "import") c.create += n;
        else if (op === "update") c.update += n;
        else if (op === "replace" || op === "create-replacement") c.replace += n;
        else if (op === "delete" || op === "discard") c.delete += n;
        else if (op === "same" || op === "read" || op === "refresh") c.same += n;
    }
    return c;
}

/** Outputs with secret values replaced by SECRET_MARKER, for results that reach reports. */
function masked(outputs: Record<string, OutputValue>): Record<string, OutputValue> {
    return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret ? { value: SECRET_MARKER, secret: true } : o]));
}

export class PulumiEngine implements Engine {
    readonly name = "pulumi";
    readonly note?: string;
    private readonly selectLock = new Mutex();
    private readonly packDir: string | false;
    private readonly logDir: string;
    private configDir?: string;
    private readonly configFiles = new Map<string, string>();
    private readonly setup: Promise<PulumiSetup>;

    /** Checks the CLI, the backend and the providers first, so a missing piece fails before any stack is touched. */
    constructor(private readonly opts: PulumiEngineOptions) {
        const env = opts.env ?? process.env;
        locatePulumi(opts.projectDir, env.PATH);
        if (opts.providers === "standin") {
            standinEnv(opts.projectDir, env.PATH);
            this.note = "providers: the provider stand-in (tools/provider-standin) answers for aws, kubernetes, docker-build and random; nothing is created in any cloud";
        }
        this.packDir = opts.policyPackDir === undefined ? path.join(opts.projectDir, "policies") : opts.policyPackDir;
        // The CLI runs the pack's compiled main; a pack edited since its build is rebuilt first.
        if (this.packDir) ensurePackBuilt(this.packDir);
        this.logDir = opts.logDir ?? statePaths().engineLogs;
        this.setup = pulumiSetup(opts.projectDir, env, opts.providers);
        this.setup.catch(() => undefined);
    }

    /** Resolves the CLI and the backend; a missing passphrase or an undeclared backend in CI fails here, before any lock or stack. */
    async prepare(): Promise<string> {
        const { backend, cli } = await this.setup;
        return `pulumi ${cli.version} (${cli.path}); state backend ${backend.url} (${backend.source})`;
    }

    /** Creating or selecting a stack rewrites the workspace file, so those calls are serialised. */
    private async stack(stackName: string, create: boolean): Promise<Stack> {
        const args = { stackName, workDir: this.opts.projectDir };
        const wsOpts = (await this.setup).workspace;
        return this.selectLock.run(() => (create ? LocalWorkspace.createOrSelectStack(args, wsOpts) : LocalWorkspace.selectStack(args, wsOpts)));
    }

    /**
     * Change detection's fingerprints, kept with each stack as the tag `infra:fingerprint`, so an
     * apply from another machine is seen. A stack that cannot be read counts as "no fingerprint":
     * the layer then runs.
     */
    readonly fingerprints: FingerprintStore = {
        read: async (env, layer) => {
            try {
                return await (await this.tags()).getTag(layerStack(env, layer), FINGERPRINT_TAG);
            } catch {
                return undefined;
            }
        },
        write: async (env, layer, fp) => {
            const ws = await this.tags();
            await this.selectLock.run(() => ws.setTag(layerStack(env, layer), FINGERPRINT_TAG, fp));
        },
        forget: async (env, layers) => {
            const ws = await this.tags();
            for (const layer of layers) await this.selectLock.run(() => ws.removeTag(layerStack(env, layer), FINGERPRINT_TAG)).catch(() => undefined);
        },
    };

    /**
     * Each layer's part in its last up, kept with its stack as the tag `infra:last-run`, so a
     * promotion from another machine or CI runner sees how the source last ran. A stack that
     * cannot be read has no mark.
     */
    readonly runMarks: RunMarkStore = {
        read: async (env, layer) => {
            try {
                return parseRunMark(await (await this.tags()).getTag(layerStack(env, layer), LAST_RUN_TAG));
            } catch {
                return undefined;
            }
        },
        write: async (env, layer, mark) => {
            const ws = await this.tags();
            await this.selectLock.run(() => ws.setTag(layerStack(env, layer), LAST_RUN_TAG, formatRunMark(mark)));
        },
    };

    /**
     * How the last release applied to each stack ended, kept with it as the tag `infra:release`,
     * so `infra releases` on another machine or CI runner sees an apply it did not run. A stack
     * that does not exist (or the project's file backend before its first run) has no mark; a
     * backend that cannot be read rejects, so the caller can say the state was not read.
     */
    readonly releaseMarks: ReleaseMarkStore = {
        read: async (env, layer) => {
            const { backend } = await this.setup;
            if (backend.source === "project default" && !fs.existsSync(new URL(backend.url).pathname)) return undefined;
            try {
                // `stack tag get` only loads the stack; `stack tag ls` would select it, a side effect on a read.
                return parseReleaseMark(await (await this.tags()).getTag(layerStack(env, layer), RELEASE_TAG));
            } catch (err) {
                if (err instanceof StackNotFoundError || (err instanceof CommandError && TAG_NOT_FOUND.test(err.message))) return undefined;
                throw new Error(`${layerStack(env, layer)}: ${firstErrorLine(err instanceof Error ? err.message : String(err))}`);
            }
        },
        write: async (env, layer, mark) => {
            const ws = await this.tags();
            await this.selectLock.run(() => ws.setTag(layerStack(env, layer), RELEASE_TAG, formatReleaseMark(mark)));
        },
    };

    private tagWorkspace?: Promise<LocalWorkspace>;
    /** Outputs (real values, secret flags) of the stacks this engine updated in this run. */
    private readonly applied = new Map<string, Record<string, OutputValue>>();
    private tags(): Promise<LocalWorkspace> {
        this.tagWorkspace ??= this.setup.then((s) => LocalWorkspace.create(s.workspace));
        return this.tagWorkspace;
    }

    /** The environment's pack config as a file for `policyPackConfigs`, written once per run. */
    private policyConfigFile(env: string, environment?: Environment): string {
        let file = this.configFiles.get(env);
        if (!file) {
            this.configDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "infra-policy-config-"));
            file = writePolicyConfigFile(environment ?? loadEnvironment(env), this.configDir);
            this.configFiles.set(env, file);
        }
        return file;
    }

    async run(req: LayerRequest): Promise<LayerResult> {
        const started = Date.now();
        const stackName = layerStack(req.env, req.layer);
        fs.mkdirSync(this.logDir, { recursive: true });
        const logFile = path.join(this.logDir, `${stackName}.log`);
        const log = fs.createWriteStream(logFile, { flags: "w" });
        this.applied.delete(stackName);
        const mapper = new PulumiEventMapper(req.layer, req.onEvent, this.opts.ruleSeverity ?? RULE_SEVERITY);
        try {
            if (req.signal.aborted) throw new InterruptedError(`${stackName}: interrupted`);
            req.onEvent({ kind: "started", layer: req.layer, operation: req.operation });
            const stack = await this.stack(stackName, req.operation !== "destroy" && req.operation !== "refresh");
            const common = {
                onEvent: (e: PulumiEvent) => mapper.handle(e),
                onOutput: (out: string) => log.write(out),
                signal: req.signal,
                color: "never" as const,
            };
            // Ctrl-C reaches the CLI through `signal` alone, which lets it finish in-flight operations and
            // release the stack's lock; `stack.cancel()` would remove the lock under a running update.
            // The CLI's lifetime, decided: infra never kills it mid-update, since an update cut off can leave
            // pending operations in the stack's state. A graceful stop goes through `signal` (above); a
            // forced exit of infra (second Ctrl-C or SIGTERM) sends it SIGTERM on the way out (the
            // Automation API's child clean-up), which the CLI treats as its own Ctrl-C: it stops at the next
            // safe point and releases the lock. After SIGKILL of infra nothing of ours can act, and the CLI
            // does not live on: its output goes to pipes infra held, and Go ends a program whose stdout is a
            // broken pipe (measured: it was gone 1 s after infra, mid-update, its stack lock left behind,
            // naming its dead pid). That lock is cleared with `pulumi cancel -s <env>-<layer>`, safe then,
            // followed by `infra refresh`. Keeping it alive to finish would need its output relayed by a
            // process that outlives infra; not done.
            const packs = this.packDir ? { policyPacks: [this.packDir], policyPackConfigs: [this.policyConfigFile(req.env, req.environment)] } : {};
            const flags = passThroughFlags(stackName, req.passThrough);
            let changes: ChangeSummary;
            let outputs: Record<string, OutputValue> = {};
            if (req.operation === "preview") {
                changes = toChangeSummary((await stack.preview({ ...common, ...packs, ...flags })).changeSummary);
            } else if (req.operation === "up") {
                const res = await stack.up({ ...common, ...packs, ...flags });
                changes = toChangeSummary(res.summary.resourceChanges);
                outputs = masked(res.outputs);
                this.applied.set(stackName, res.outputs);
            } else if (req.operation === "refresh" && req.expectNoChanges) {
                // Drift is reported as the changes a refresh would make, not as a failure, so every
                // selected layer gets checked and the caller decides the exit code (3).
                changes = toChangeSummary((await stack.previewRefresh({ ...common })).changeSummary);
            } else if (req.operation === "refresh") {
                changes = toChangeSummary((await stack.refresh({ ...common })).summary.resourceChanges);
            } else {
                changes = toChangeSummary((await stack.destroy({ ...common })).summary.resourceChanges);
            }
            return {
                env: req.env,
                layer: req.layer,
                operation: req.operation,
                resources: mapper.resources(),
                changes,
                changed: mapper.changed(),
                outputs,
                policy: mapper.violations(),
                schema: [],
                durationMs: Date.now() - started,
                logFile,
            };
        } catch (err) {
            if (err instanceof InterruptedError || err instanceof InputError) throw err;
            const blocking = mapper.violations().filter((v) => v.enforcement === "mandatory");
            const failure = blocking.length > 0 && !req.signal.aborted
                ? new PolicyError(`${stackName}: ${blocking.length} mandatory policy violation(s): ${[...new Set(blocking.map((v) => v.rule))].join(", ")}`)
                : mapPulumiError(err, stackName, req.signal, mapper.firstResourceError);
            // What the engine saw before it stopped (resources, findings) still reaches the reports.
            const partial: LayerResult = {
                env: req.env, layer: req.layer, operation: req.operation, resources: mapper.resources(), changes: emptyChanges(),
                changed: mapper.changed(), outputs: {}, policy: mapper.violations(), schema: [], durationMs: Date.now() - started, logFile,
            };
            throw Object.assign(failure, { result: partial });
        } finally {
            log.end();
        }
    }

    /** Stack outputs with their real values and secret flags; callers mask before showing. */
    async outputs(env: string, layer: Layer, signal?: AbortSignal): Promise<Record<string, OutputValue>> {
        const stackName = layerStack(env, layer);
        // A layer this engine applied in this run: its outputs are what that update returned,
        // so no CLI round trip is needed (the fingerprint pass reads every layer's upstream).
        const fresh = this.applied.get(stackName);
        if (fresh) return fresh;
        try {
            const stack = await this.stack(stackName, false);
            if (signal?.aborted) throw new InterruptedError();
            return await stack.outputs();
        } catch (err) {
            if (err instanceof InterruptedError) throw err;
            throw mapPulumiError(err, stackName, signal);
        }
    }

    async close(): Promise<void> {
        if (this.configDir) fs.rmSync(this.configDir, { recursive: true, force: true });
    }
}
