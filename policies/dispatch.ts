/**
 * The pack's own dispatch of Analyze and AnalyzeStack: the policy SDK's semantics, without its
 * per-policy set-up.
 *
 * @pulumi/policy (1.21) builds, for every policy and every resource, a new unknown-checking
 * proxy, the resource options, the provider, two closures and an arguments object, and awaits
 * each policy's result even when it is not a promise; for every stack policy it rebuilds all of
 * that for every resource of the stack. With ~90 rules that set-up cost more than the rules
 * themselves (bench/policy.ts: the SDK's dispatch of rules that read nothing was 1.2x the
 * one-rule pack at 5,000 resources, before any rule ran). Here the request's view (inputs,
 * options, provider; for a stack, its resources with parents and dependencies linked) is built
 * once per request and handed, frozen, to every policy; a policy's result is awaited only when
 * it is a promise. Everything else is the SDK's: the policies in the order given, enforcement
 * levels from Configure (disabled skipped, remediate reported as mandatory), the per-type skip
 * and its not-applicable reason, violations reported as the SDK reports them, the advisory
 * diagnostic when a policy reads an unknown value during preview, notApplicable(), errors as
 * gRPC errors naming the policy, and the SDK's own response builder. GetAnalyzerInfo,
 * Remediate and the SDK's own state stay the SDK's: Configure and ConfigureStack are passed on
 * to it after being read here too.
 *
 * This replaces handlers the SDK registers from its private server module, so it is installed
 * only for the SDK version whose server.js was read (SDK_VERSION) and only while that module
 * has the expected shape; otherwise the SDK dispatches, and the pack says so on stderr. Setting
 * PLATFORM_POLICY_DISPATCH=sdk selects the SDK's own dispatch on purpose: the differential test
 * (test/dispatch.test.ts) sends the same requests both ways and requires identical responses.
 */
import * as path from "path";
import { SDK_VERSION } from "./inputs-cache";

/** What selects the SDK's own Analyze and AnalyzeStack instead of the pack's. */
export const DISPATCH_ENV = "PLATFORM_POLICY_DISPATCH";

type Level = "advisory" | "mandatory" | "remediate" | "disabled";
type Report = (message?: unknown, urn?: string) => void;
type Callback = (err: unknown, response?: unknown) => void;
type Handler = (call: { request: any }, callback: Callback) => unknown;

interface Policy {
    name: string;
    description?: string;
    enforcementLevel?: Level;
    severity?: string;
    validateResource?: ((args: unknown, report: Report) => unknown) | ((args: unknown, report: Report) => unknown)[];
    validateStack?: (args: unknown, report: Report) => unknown;
    [key: string]: unknown;
}

interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    message: string;
    urn?: string;
    description?: string;
    enforcementLevel?: string;
    severity?: string;
    [key: string]: unknown;
}

/** The SDK modules this file relies on, loaded from the SDK's own folder so they are the instances it uses. */
interface Sdk {
    server: { serve: (packName: string, packVersion: string, packLevel: Level, packArgs: { policies?: Policy[] }, ...rest: unknown[]) => void };
    grpcServer: { prototype: { addService: (service: unknown, impl: Record<string, Handler>) => void } };
    analyzerService: unknown;
    analyzerproto: { PolicyNotApplicable: new () => { setPolicyName(n: string): void; setReason(r: string): void } };
    deserializeProperties: (struct: unknown, proxySecrets: boolean) => Record<string, unknown>;
    unknownCheckingProxy: <T>(o: T) => T;
    UnknownValueError: new (...args: any[]) => Error;
    isResourcePolicy: (p: unknown) => boolean;
    isStackPolicy: (p: unknown) => boolean;
    getPulumiType: (o: unknown) => string | undefined;
    makeAnalyzeResponse: (ds: Diagnostic[], notApplicable: unknown[] | undefined) => unknown;
    asGrpcError: (e: unknown, message?: string) => unknown;
    convertEnforcementLevel: (level: number) => Level;
}

const INSTALLED = Symbol.for("platform-policies.dispatch");

function loadSdk(): Sdk | undefined {
    try {
        if (String(require("@pulumi/policy/package.json").version).replace(/^v/, "") !== SDK_VERSION) return undefined;
        const dir = path.dirname(require.resolve("@pulumi/policy/server"));
        const from = (id: string) => require(require.resolve(id, { paths: [dir] }));
        const server = require("@pulumi/policy/server");
        const policy = require("@pulumi/policy/policy");
        const protoutil = require("@pulumi/policy/protoutil");
        const proxy = require("@pulumi/policy/proxy");
        const deserialize = require("@pulumi/policy/deserialize");
        const sdk: Sdk = {
            server,
            grpcServer: from("@grpc/grpc-js").Server,
            analyzerService: from("@pulumi/pulumi/proto/analyzer_grpc_pb").AnalyzerService,
            analyzerproto: from("@pulumi/pulumi/proto/analyzer_pb"),
            // Read at call time: inputs-cache.ts may replace the export after this module loads.
            deserializeProperties: (struct, secrets) => deserialize.deserializeProperties(struct, secrets),
            unknownCheckingProxy: proxy.unknownCheckingProxy,
            UnknownValueError: proxy.UnknownValueError,
            isResourcePolicy: policy.isResourcePolicy,
            isStackPolicy: policy.isStackPolicy,
            getPulumiType: policy.getPulumiType,
            makeAnalyzeResponse: protoutil.makeAnalyzeResponse,
            asGrpcError: protoutil.asGrpcError,
            convertEnforcementLevel: protoutil.convertEnforcementLevel,
        };
        const functions = [server.serve, sdk.grpcServer?.prototype?.addService, sdk.analyzerproto.PolicyNotApplicable, sdk.unknownCheckingProxy, sdk.UnknownValueError,
            sdk.isResourcePolicy, sdk.isStackPolicy, sdk.getPulumiType, sdk.makeAnalyzeResponse, sdk.asGrpcError, sdk.convertEnforcementLevel];
        return sdk.analyzerService && functions.every((f) => typeof f === "function") ? sdk : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Installs the pack's dispatch for the next PolicyPack served in this process. Returns
 * "installed", "sdk" (PLATFORM_POLICY_DISPATCH=sdk) or "unsupported" (another SDK version or
 * layout; a line on stderr says so). Idempotent.
 */
export function installDispatch(env: NodeJS.ProcessEnv = process.env): "installed" | "sdk" | "unsupported" {
    if (env[DISPATCH_ENV] === "sdk") return "sdk";
    const sdk = loadSdk();
    if (!sdk) {
        console.error(`platform-security: @pulumi/policy is not ${SDK_VERSION} or not laid out as it was; the policy SDK's own (slower) dispatch is used`);
        return "unsupported";
    }
    const server = sdk.server as Sdk["server"] & { [INSTALLED]?: boolean };
    if (server[INSTALLED]) return "installed";
    server[INSTALLED] = true;
    const serve = server.serve;
    server.serve = function (packName: string, packVersion: string, packLevel: Level, packArgs: { policies?: Policy[] }, ...rest: unknown[]) {
        const proto = sdk.grpcServer.prototype;
        const addService = proto.addService;
        proto.addService = function (this: unknown, service, impl) {
            if (service === sdk.analyzerService) impl = dispatchFor(sdk, packName, packVersion, packLevel, packArgs.policies ?? [], impl);
            return addService.call(this, service, impl);
        };
        try {
            return serve.call(this, packName, packVersion, packLevel, packArgs, ...rest);
        } finally {
            proto.addService = addService;
        }
    };
    return "installed";
}

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

function frozenMap<K, V>(map: Map<K, V>) {
    return Object.freeze({
        entries: map.entries.bind(map), forEach: map.forEach.bind(map), get: map.get.bind(map), has: map.has.bind(map),
        keys: map.keys.bind(map), size: map.size, values: map.values.bind(map), [Symbol.iterator]: map[Symbol.iterator].bind(map),
    });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
    return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";
}

/** The SDK's resource options of a request (or of one resource of a stack request). */
function optionsOf(r: any): Record<string, unknown> {
    const opts = r.getOptions();
    if (!opts) throw new Error("A more recent version of the Pulumi CLI is required. To upgrade, see https://www.pulumi.com/docs/get-started/install/");
    const timeouts = opts.getCustomtimeouts();
    const result: Record<string, unknown> = {
        protect: opts.getProtect(),
        ignoreChanges: opts.getIgnorechangesList(),
        aliases: opts.getAliasesList(),
        customTimeouts: Object.freeze({
            createSeconds: timeouts?.getCreate() ?? 0.0,
            updateSeconds: timeouts?.getUpdate() ?? 0.0,
            deleteSeconds: timeouts?.getDelete() ?? 0.0,
        }),
        additionalSecretOutputs: opts.getAdditionalsecretoutputsList(),
    };
    if (opts.getDeletebeforereplacedefined()) result.deleteBeforeReplace = opts.getDeletebeforereplace();
    if (opts.getParent()) result.parent = opts.getParent();
    return Object.freeze(result);
}

/** What the SDK gives a policy of one resource (of an Analyze request or of a stack), built once for all of them. */
function resourceOf(sdk: Sdk, r: any): Record<string, unknown> {
    const type: string = r.getType();
    const props = sdk.unknownCheckingProxy(sdk.deserializeProperties(r.getProperties(), false));
    const isType = (resourceClass: any): boolean => {
        const t = sdk.getPulumiType(resourceClass);
        if (t) return type === t;
        const isInstance = resourceClass.isInstance;
        return isInstance && typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
    };
    const resource: Record<string, unknown> = {
        type, props, urn: r.getUrn(), name: r.getName(), opts: optionsOf(r), isType, asType: (resourceClass: unknown) => (isType(resourceClass) ? props : undefined),
    };
    const prov = r.getProvider();
    if (prov) {
        resource.provider = Object.freeze({ type: prov.getType(), props: sdk.unknownCheckingProxy(sdk.deserializeProperties(prov.getProperties(), false)), urn: prov.getUrn(), name: prov.getName() });
    }
    return resource;
}

function dispatchFor(sdk: Sdk, packName: string, packVersion: string, packLevel: Level, policies: Policy[], impl: Record<string, Handler>): Record<string, Handler> {
    /** Per policy: its level after Configure and its settings as getConfig returns them. */
    let levels = new Map<string, Level>();
    let settings = new Map<string, Readonly<Record<string, unknown>>>();
    let stackTags = frozenMap(new Map<string, string>());
    const NONE = Object.freeze({});
    const getConfigs = new Map(policies.map((p) => [p, () => settings.get(p.name) ?? NONE] as const));
    const levelOf = (p: Policy): Level => levels.get(p.name) || p.enforcementLevel || packLevel;

    const reporter = (p: Policy, level: Level, ds: Diagnostic[]): Report => (message, urn) => {
        if (typeof message === "object" && message !== null) {
            const info = message as { name?: string; message?: string; description?: string; urn?: string; enforcementLevel?: string; severity?: string };
            ds.push({
                policyName: info.name || p.name, policyPackName: packName, policyPackVersion: packVersion,
                message: info.message || info.description || p.description!, urn: info.urn,
                description: info.description || p.description, enforcementLevel: info.enforcementLevel || level, severity: info.severity || p.severity,
            });
            return;
        }
        let text = p.description!;
        if (message) text += `\n${message}`;
        ds.push({ policyName: p.name, policyPackName: packName, policyPackVersion: packVersion, message: text, urn, description: p.description, enforcementLevel: level, severity: p.severity });
    };

    const notApplicableOf = (list: unknown[] | undefined, name: string, reason?: string): unknown[] => {
        const na = new sdk.analyzerproto.PolicyNotApplicable();
        na.setPolicyName(name);
        if (reason) na.setReason(reason);
        return [...(list ?? []), na];
    };

    /** What the SDK does with a policy's exception; returns the new not-applicable list, or throws the gRPC error. */
    const failed = (e: unknown, p: Policy, own: string, ds: Diagnostic[], notApplicable: unknown[] | undefined): unknown[] | undefined => {
        const policyFrom = `policy '${p.name}' from policy pack '${packName}@v${packVersion}'`;
        if (e instanceof sdk.UnknownValueError) {
            const { [own]: _fn, name, ...diag } = p;
            ds.push({ policyName: name, policyPackName: packName, policyPackVersion: packVersion, message: `can't run ${policyFrom} during preview: ${(e as Error).message}`, ...diag, enforcementLevel: "advisory" });
            return notApplicable;
        }
        if (e instanceof NotApplicableError) return notApplicableOf(notApplicable, p.name, e.reason);
        throw sdk.asGrpcError(e, `Error validating resource with ${policyFrom}`);
    };

    /** Runs one request's policies and answers as the SDK does: its response, or the error that stopped them. */
    const answer = (run: (req: any, ds: Diagnostic[]) => Promise<unknown[] | undefined>): Handler => (call, callback) => {
        const ds: Diagnostic[] = [];
        return run(call.request, ds).then(
            (notApplicable) => callback(undefined, sdk.makeAnalyzeResponse(ds, notApplicable)),
            (err) => callback(err, undefined),
        );
    };

    const analyzeOne = async (req: any, ds: Diagnostic[]): Promise<unknown[] | undefined> => {
        let notApplicable: unknown[] | undefined;
        const type: string = req.getType();
        let view: Record<string, unknown> | undefined;
        for (const p of policies) {
            let level = levelOf(p);
            if (level === "disabled" || !sdk.isResourcePolicy(p)) continue;
            if (!p.validateResource) {
                notApplicable = notApplicableOf(notApplicable, p.name, "Policy does not implement validateResource");
                continue;
            }
            if (level === "remediate") level = "mandatory";
            if (!Array.isArray(p.validateResource)) {
                const only = sdk.getPulumiType(p.validateResource);
                if (only && type !== only) {
                    notApplicable = notApplicableOf(notApplicable, p.name, `Policy only applies to resources of type '${only}'`);
                    continue;
                }
            }
            const report = reporter(p, level, ds);
            for (const validation of Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource]) {
                try {
                    // One literal of fixed shape: spreading the view per policy was the slow path.
                    const v = (view ??= resourceOf(sdk, req));
                    const args: Record<string, unknown> = { type, props: v.props, urn: v.urn, name: v.name, opts: v.opts, stackTags, isType: v.isType, asType: v.asType, getConfig: getConfigs.get(p), notApplicable: throwNotApplicable };
                    if (v.provider) args.provider = v.provider;
                    const result = validation(args, report);
                    if (isThenable(result)) await result;
                } catch (e) {
                    notApplicable = failed(e, p, "validateResource", ds, notApplicable);
                }
            }
        }
        return notApplicable;
    };

    /** The stack's resources as the SDK gives them to a stack policy: parents and dependencies linked. */
    function stackResources(resources: any[]): readonly Record<string, unknown>[] {
        const byUrn = new Map<string, Record<string, unknown>>();
        const links: { resource: Record<string, unknown>; parent?: string; dependencies: string[]; propertyDependencies: Record<string, string[]> }[] = [];
        for (const r of resources) {
            const resource = resourceOf(sdk, r);
            const propertyDependencies: Record<string, string[]> = {};
            const map = r.getPropertydependenciesMap();
            if (map) for (const [k, v] of map.entries()) propertyDependencies[k] = v.getUrnsList();
            links.push({ resource, parent: r.getParent(), dependencies: r.getDependenciesList(), propertyDependencies });
            byUrn.set(resource.urn as string, resource);
        }
        const found = (urns: string[]) => Object.freeze(urns.map((u) => byUrn.get(u)).filter((d) => d));
        for (const l of links) {
            if (l.parent) {
                const parent = byUrn.get(l.parent);
                if (parent) l.resource.parent = parent;
            }
            l.resource.dependencies = found(l.dependencies);
            const deps: Record<string, unknown> = {};
            for (const k of Object.keys(l.propertyDependencies)) deps[k] = found(l.propertyDependencies[k]);
            l.resource.propertyDependencies = Object.freeze(deps);
        }
        return Object.freeze(links.map((l) => Object.freeze(l.resource)));
    }

    const analyzeStack = async (req: any, ds: Diagnostic[]): Promise<unknown[] | undefined> => {
        let notApplicable: unknown[] | undefined;
        const resources: any[] = req.getResourcesList();
        let shared: readonly Record<string, unknown>[] | undefined;
        for (const p of policies) {
            let level = levelOf(p);
            if (level === "disabled" || !sdk.isStackPolicy(p)) continue;
            if (level === "remediate") level = "mandatory";
            const only = sdk.getPulumiType(p.validateStack);
            if (only && !resources.some((r) => r.getType() === only)) {
                notApplicable = notApplicableOf(notApplicable, p.name, `Policy only applies to resources of type '${only}'`);
                continue;
            }
            const report = reporter(p, level, ds);
            try {
                shared ??= stackResources(resources);
                const result = p.validateStack!({ resources: shared, getConfig: getConfigs.get(p), stackTags, notApplicable: throwNotApplicable }, report);
                if (isThenable(result)) await result;
            } catch (e) {
                notApplicable = failed(e, p, "validateStack", ds, notApplicable);
            }
        }
        return notApplicable;
    };

    /** Reads Configure as the SDK does (which then reads it for itself and answers). */
    const configure: Handler = (call, callback) => {
        try {
            const nextLevels = new Map<string, Level>();
            const nextSettings = new Map<string, Readonly<Record<string, unknown>>>();
            for (const [k, v] of call.request.getPolicyconfigMap().entries()) {
                const props = v.getProperties().toJavaScript();
                delete props.enforcementLevel;
                nextSettings.set(k, Object.freeze(props));
                const level = sdk.convertEnforcementLevel(v.getEnforcementlevel());
                if (level) nextLevels.set(k, level);
            }
            levels = nextLevels;
            settings = nextSettings;
        } catch {
            // The SDK's handler meets the same error and answers with it; nothing changes.
        }
        return impl.configure.call(impl, call, callback);
    };

    const configureStack: Handler = (call, callback) => {
        try {
            const map = new Map<string, string>();
            call.request.getTagsMap().forEach((v: string, k: string) => map.set(k, v));
            stackTags = frozenMap(map);
        } catch {
            // As above: the SDK answers with the error.
        }
        return impl.configureStack.call(impl, call, callback);
    };

    return {
        ...impl,
        analyze: answer(analyzeOne),
        analyzeStack: answer(analyzeStack),
        configure,
        configureStack,
    };
}
