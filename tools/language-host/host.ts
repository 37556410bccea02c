/**
 * A Node.js language host of our own for the Pulumi CLI (`pulumi-language-nodejs`).
 *
 * Why it exists: the CLI is built here from Pulumi's Go modules, but the module of Pulumi's own
 * Node.js language host (`sdk/nodejs/cmd/pulumi-language-nodejs/v3`) is not served by the Go module
 * proxy these machines reach. This host does what that one does for the parts the platform uses:
 * it starts the program with `@pulumi/pulumi/cmd/run` (the SDK's own entry point, the same one the Go
 * host starts) and policy packs with `@pulumi/pulumi/cmd/run-policy-pack`, both resolved from the
 * program's own node_modules. It never talks to a cloud and changes nothing the engine does.
 *
 * Protocol: the CLI starts us with the engine address as the last argument; we print the port of
 * our LanguageRuntime gRPC server on stdout and serve until the CLI kills us (or, when the CLI is
 * killed itself, until main.ts sees it gone).
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";

const langrpc = require("@pulumi/pulumi/proto/language_grpc_pb");
const langproto = require("@pulumi/pulumi/proto/language_pb");
const pluginproto = require("@pulumi/pulumi/proto/plugin_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");

/** The SDK's exit code for "the program already showed the user an actionable error". */
const EXIT_AFTER_REPORTED_ERROR = 32;
const SDK_VERSION: string = require("@pulumi/pulumi/package.json").version;  

/** Every child we start, so none outlives us whatever way we end. */
const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
    children.add(child);
    child.once("exit", () => children.delete(child));
    return child;
}

function killChildren(signal: NodeJS.Signals): void {
    for (const child of children) child.kill(signal);
}

type Call<Req> = { request: Req };
type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;

function unimplemented(name: string) {
    return (_call: unknown, callback: Callback) =>
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not supported by this language host`, name, message: name, metadata: new grpc.Metadata() });
}

/** Program options from Pulumi.yaml `runtime.options` (typescript, tsconfig, nodeargs). */
function runtimeOptions(info: { getOptions(): { toJavaScript(): Record<string, unknown> } | undefined } | undefined): Record<string, unknown> {
    return info?.getOptions()?.toJavaScript() ?? {};
}

/** Resolves an SDK entry point from the program's own node_modules, as the Go host does. */
function sdkEntry(programDir: string, entry: string): string {
    return require.resolve(`@pulumi/pulumi/${entry}`, { paths: [programDir] });
}

/** Splits `nodeargs` the simple way the option is written in practice: whitespace-separated flags. */
function nodeArgs(options: Record<string, unknown>): string[] {
    return typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
}

class LanguageHost {
    constructor(private engineAddress: string) {}

    handshake(call: Call<{ getEngineAddress(): string }>, callback: Callback): void {
        if (call.request.getEngineAddress()) this.engineAddress = call.request.getEngineAddress();
        callback(null, new langproto.LanguageHandshakeResponse());
    }

    getPluginInfo(_call: unknown, callback: Callback): void {
        callback(null, new pluginproto.PluginInfo().setVersion(SDK_VERSION));
    }

    /** Plugins are loaded on demand when resources register; nothing is installed or downloaded ahead. */
    getRequiredPlugins(_call: unknown, callback: Callback): void {
        callback(null, new langproto.GetRequiredPluginsResponse());
    }

    getRequiredPackages(_call: unknown, callback: Callback): void {
        callback(null, new langproto.GetRequiredPackagesResponse());
    }

    getProgramDependencies(_call: unknown, callback: Callback): void {
        callback(null, new langproto.GetProgramDependenciesResponse());
    }

    about(_call: unknown, callback: Callback): void {
        const res = new langproto.AboutResponse().setExecutable(process.execPath).setVersion(process.version);
        res.getMetadataMap().set("languageHost", "platform tools/language-host (Node.js)");
        callback(null, res);
    }

    /** Dependencies are installed by `npm ci`; there is nothing to do here. */
    installDependencies(call: grpc.ServerWritableStream<unknown, unknown>): void {
        call.end();
    }

    run(call: Call<any>, callback: Callback): void {  
        const req = call.request;
        const info = req.getInfo();
        const programDir: string = info?.getProgramDirectory() || req.getPwd();
        const options = runtimeOptions(info);
        let runPath: string;
        try {
            runPath = sdkEntry(programDir, "cmd/run");
        } catch {
            callback(null, new langproto.RunResponse().setError(`@pulumi/pulumi is not installed in ${programDir}; run npm ci`));
            return;
        }
        const args = [...nodeArgs(options), runPath, "--monitor", req.getMonitorAddress()];
        const flag = (name: string, value: string) => { if (value) args.push(`--${name}`, value); };
        flag("engine", this.engineAddress);
        flag("organization", req.getOrganization());
        flag("project", req.getProject());
        flag("stack", req.getStack());
        flag("pwd", req.getPwd());
        flag("root-directory", info?.getRootDirectory() ?? "");
        if (req.getDryrun()) args.push("--dry-run");
        flag("parallel", String(req.getParallel()));
        const entry: string = info?.getEntryPoint() || req.getProgram() || ".";
        args.push(path.isAbsolute(entry) ? entry : path.join(programDir, entry), ...req.getArgsList());

        const config: Record<string, string> = {};
        req.getConfigMap().forEach((v: string, k: string) => { config[k] = v; });
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PULUMI_CONFIG: JSON.stringify(config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
        };
        if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
        if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;

        const child = track(spawn(process.execPath, args, { cwd: req.getPwd() || programDir, env, stdio: ["ignore", "pipe", "pipe"] }));
        child.stdout?.pipe(process.stdout, { end: false });
        child.stderr?.pipe(process.stderr, { end: false });
        child.once("error", (err) => callback(null, new langproto.RunResponse().setError(`could not start node: ${err.message}`)));
        child.once("exit", (code, signal) => {
            const res = new langproto.RunResponse();
            if (code === EXIT_AFTER_REPORTED_ERROR) res.setBail(true);
            else if (signal) res.setError(`program was stopped by ${signal}`);
            else if (code !== 0) res.setError(`Program exited with non-zero exit code: ${code}`);
            callback(null, res);
        });
    }

    /** Starts a policy pack (the only plugin kind the platform runs through a language host). */
    runPlugin(call: grpc.ServerWritableStream<any, unknown>): void {  
        const req = call.request;
        const info = req.getInfo();
        const programDir: string = info?.getProgramDirectory() || req.getProgram();
        const send = (set: (r: any) => void) => { const r = new langproto.RunPluginResponse(); set(r); call.write(r); };  
        let entry: string;
        try {
            entry = sdkEntry(programDir, req.getKind() === "analyzer" ? "cmd/run-policy-pack" : "cmd/run-plugin");
        } catch {
            send((r) => r.setStderr(Buffer.from(`@pulumi/pulumi is not installed in ${programDir}; run npm ci there\n`)));
            send((r) => r.setExitcode(1));
            call.end();
            return;
        }
        const env: NodeJS.ProcessEnv = {};
        for (const kv of req.getEnvList() as string[]) {
            const i = kv.indexOf("=");
            if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
        }
        const options = runtimeOptions(info);
        if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT ??= "true";
        const args = [...nodeArgs(options), entry, ...req.getArgsList(), "."];
        const child = track(spawn(process.execPath, args, { cwd: programDir, env: Object.keys(env).length ? env : process.env, stdio: ["ignore", "pipe", "pipe"] }));
        child.stdout?.on("data", (b: Buffer) => send((r) => r.setStdout(b)));
        child.stderr?.on("data", (b: Buffer) => send((r) => r.setStderr(b)));
        child.once("error", (err) => { send((r) => r.setStderr(Buffer.from(`could not start node: ${err.message}\n`))); send((r) => r.setExitcode(1)); call.end(); });
        child.once("exit", (code) => { send((r) => r.setExitcode(code ?? 1)); call.end(); });
        call.on("cancelled", () => child.kill("SIGTERM"));
    }

    cancel(_call: unknown, callback: Callback): void {
        killChildren("SIGINT");
        callback(null, new emptyproto.Empty());
    }
}

/** Serves the LanguageRuntime for the CLI that started this process (`argv`: its arguments). */
export async function serve(argv: string[]): Promise<void> {
    const engineAddress = argv.filter((a) => !a.startsWith("-")).pop() ?? "";
    const host = new LanguageHost(engineAddress);
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    const impl: Record<string, unknown> = {};
    for (const name of Object.keys(langrpc.LanguageRuntimeService)) {
        const fn = (host as unknown as Record<string, unknown>)[name];
        impl[name] = typeof fn === "function" ? fn.bind(host) : unimplemented(name);
    }
    server.addService(langrpc.LanguageRuntimeService, impl as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    process.stdout.write(`${port}\n`);
    // The CLI ends plugins with SIGINT/SIGTERM (or SIGKILL of our group); pass it on to the programs we started.
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(sig, () => { killChildren(sig); server.forceShutdown(); process.exit(0); });
    }
    process.on("exit", () => killChildren("SIGKILL"));
}
