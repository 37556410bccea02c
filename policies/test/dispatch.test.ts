/**
 * The pack's own dispatch (dispatch.ts) against the policy SDK's: the same Analyzer requests
 * sent to a pack served each way must get identical responses, diagnostics, not-applicable
 * lists and errors alike. Two packs are compared: the platform pack over every fixture case,
 * config and unknown value, and a small pack whose policies exercise what the platform's
 * rules never do (throwing, notApplicable(), remediation-only, array and async validations,
 * object-form reports, per-type filters) and echo every argument they are given.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb";
import type * as analyzerrpcTypes from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as analyzerprotoTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type { RecordedResource } from "../../automation/engine";
import { buildConfigureRequest, DEFAULT_PACK_DIR, startPolicyPack, type PolicyPackConfig, type PolicyServer } from "../../automation/policy/analyzer";
import { ensurePackBuilt } from "../../automation/policy/build";
import { toAnalyzeRequest, toAnalyzerResource, wirePartsOf } from "../../automation/policy/convert";
import { DISPATCH_ENV, installDispatch } from "../dispatch";
import { compliantDeployment } from "./cases/workload";
import { loadCases, urnOf, variant, type FixtureResource } from "./support";

/**
 * The client side's protobuf and gRPC modules are those automation/policy/analyzer.ts uses
 * (the repository's), not the pack's own copies this folder would resolve: messages must be
 * instances of the classes the client serializes.
 */
const clientSide = (id: string) => require(require.resolve(id, { paths: [path.resolve(__dirname, "../../automation")] }));
const grpc: typeof grpcTypes = clientSide("@grpc/grpc-js");
const { Struct }: { Struct: typeof StructType } = clientSide("google-protobuf/google/protobuf/struct_pb");
const analyzerrpc: typeof analyzerrpcTypes = clientSide("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerproto: typeof analyzerprotoTypes = clientSide("@pulumi/pulumi/proto/analyzer_pb");
type AnalyzerClient = analyzerrpcTypes.AnalyzerClient;

/** The engine's sentinel for an unknown string during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Outcome = { ok: unknown } | { error: { code?: number; details?: string } };

/** One pack served twice: with the pack's dispatch and with the SDK's. */
interface Pair {
    fast: PolicyServer;
    sdk: PolicyServer;
    clients: { fast: AnalyzerClient; sdk: AnalyzerClient };
    logs: { fast: string[]; sdk: string[] };
}

async function startPair(dir: string): Promise<Pair> {
    const logs = { fast: [] as string[], sdk: [] as string[] };
    const [fast, sdk] = await Promise.all([
        startPolicyPack(dir, {}, { env: { [DISPATCH_ENV]: "" }, onLog: (l) => logs.fast.push(l) }),
        startPolicyPack(dir, {}, { env: { [DISPATCH_ENV]: "sdk" }, onLog: (l) => logs.sdk.push(l) }),
    ]);
    const client = (s: PolicyServer) => new analyzerrpc.AnalyzerClient(s.address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 * 1024 * 1024 });
    return { fast, sdk, clients: { fast: client(fast), sdk: client(sdk) }, logs };
}

async function stopPair(p: Pair | undefined): Promise<void> {
    if (!p) return;
    p.clients.fast.close();
    p.clients.sdk.close();
    await Promise.all([p.fast.close(), p.sdk.close()]);
}

function send<Req, Res extends { toObject(): unknown }>(client: AnalyzerClient, method: "analyze" | "analyzeStack" | "configure" | "configureStack", req: Req): Promise<Outcome> {
    return new Promise((resolve) => {
        (client[method] as unknown as (r: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => void).call(client, req, (err, res) =>
            // An error's details carry its stack, whose frames name the dispatcher's own file: those lines are left out.
            resolve(err ? { error: { code: err.code, details: err.details.split("\n").filter((l) => !/^\s+at /.test(l)).join("\n") } } : { ok: res.toObject() }),
        );
    });
}

/** Sends `req` both ways; returns both outcomes. */
async function both(p: Pair, method: Parameters<typeof send>[1], req: unknown): Promise<{ fast: Outcome; sdk: Outcome }> {
    const [fast, sdk] = await Promise.all([send(p.clients.fast, method, req), send(p.clients.sdk, method, req)]);
    return { fast, sdk };
}

/** Sends `req` both ways and requires the same outcome: an answer, or (when `error`) the same error. */
async function same(p: Pair, method: Parameters<typeof send>[1], req: unknown, what: string, expect: { error?: boolean } = {}): Promise<Outcome> {
    const { fast, sdk } = await both(p, method, req);
    assert.deepStrictEqual(fast, sdk, what);
    assert.strictEqual("error" in fast, expect.error === true, `${what}: ${JSON.stringify(fast).slice(0, 500)}`);
    return fast;
}

function recorded(r: FixtureResource, extra: Partial<RecordedResource> = {}): RecordedResource {
    return { urn: urnOf(r.type, r.name), type: r.type, name: r.name, inputs: r.props, dependencies: [], custom: true, ...extra };
}

function withProvider<M extends analyzerprotoTypes.AnalyzeRequest | analyzerprotoTypes.AnalyzerResource>(msg: M, name: string): M {
    const prov = new analyzerproto.AnalyzerProviderResource();
    prov.setType("pulumi:providers:kubernetes");
    prov.setName(name);
    prov.setUrn(`urn:pulumi:test::platform::pulumi:providers:kubernetes::${name}`);
    prov.setProperties(Struct.fromJavaScript({ namespace: "apps", renderYamlToDirectory: UNKNOWN }));
    msg.setProvider(prov);
    return msg;
}

function stackRequest(resources: RecordedResource[], decorate: (r: analyzerprotoTypes.AnalyzerResource, i: number) => void = () => undefined): analyzerprotoTypes.AnalyzeStackRequest {
    const req = new analyzerproto.AnalyzeStackRequest();
    req.setResourcesList(resources.map((r, i) => {
        const msg = toAnalyzerResource(r, wirePartsOf(r));
        decorate(msg, i);
        return msg;
    }));
    return req;
}

function stackTags(tags: Record<string, string>): analyzerprotoTypes.AnalyzerStackConfigureRequest {
    const req = new analyzerproto.AnalyzerStackConfigureRequest();
    req.setStack("dev");
    req.setProject("platform");
    for (const [k, v] of Object.entries(tags)) req.getTagsMap().set(k, v);
    return req;
}

describe("the pack's dispatch answers as the policy SDK's does", function () {
    this.timeout(300_000);

    it("installs only for the SDK version it was checked against, and not when PLATFORM_POLICY_DISPATCH=sdk", () => {
        assert.strictEqual(installDispatch({ [DISPATCH_ENV]: "sdk" }), "sdk");
        const server = require("@pulumi/policy/server");
        const before = server.serve;
        assert.strictEqual(installDispatch({}), "installed");
        assert.notStrictEqual(server.serve, before, "the SDK's serve is wrapped");
        const wrapped = server.serve;
        assert.strictEqual(installDispatch({}), "installed", "installing twice is harmless");
        assert.strictEqual(server.serve, wrapped, "and wraps once");
    });

    describe("the platform pack", () => {
        let pair: Pair | undefined;
        before(async () => {
            pair = await startPair(DEFAULT_PACK_DIR);
        });
        after(async () => stopPair(pair));

        const configure = async (config: PolicyPackConfig) => {
            await same(pair!, "configure", buildConfigureRequest(config, pair!.fast.policies), `Configure ${JSON.stringify(config)}`);
        };

        it("every fixture resource, alone and with a provider, under the default config and each case's own", async () => {
            let diagnostics = 0;
            for (const { cases } of loadCases()) {
                for (const c of cases) {
                    for (const [i, v] of [{ name: "compliant", props: c.compliant, config: undefined }, ...c.broken].entries()) {
                        if (v.config) await configure({ all: v.config });
                        const r = recorded({ type: c.type, name: `r${i}`, props: v.props });
                        const res = await same(pair!, "analyze", toAnalyzeRequest(r), `${c.rule}: ${v.name}`);
                        diagnostics += ((res as { ok: { diagnosticsList: unknown[] } }).ok?.diagnosticsList ?? []).length;
                        await same(pair!, "analyze", withProvider(toAnalyzeRequest(r), "k8s"), `${c.rule}: ${v.name}, with a provider`);
                        if (v.config) await configure({});
                    }
                }
            }
            assert.ok(diagnostics > 100, `the fixtures trip rules (${diagnostics} diagnostics), so the comparison covers reports`);
        });

        it("every stack case, and all fixtures as one stack with parents, dependencies and stack tags", async () => {
            await same(pair!, "configureStack", stackTags({ "platform:team": "payments", env: "dev" }), "ConfigureStack");
            const all: RecordedResource[] = [];
            for (const { cases, stackCases } of loadCases()) {
                for (const s of stackCases) {
                    for (const v of [{ name: "compliant", resources: s.compliant, config: undefined }, ...s.broken]) {
                        if (v.config) await configure({ all: v.config });
                        await same(pair!, "analyzeStack", stackRequest(v.resources.map((r) => recorded(r))), `${s.rule}: ${v.name}`);
                        if (v.config) await configure({});
                    }
                }
                for (const c of cases) c.broken.forEach((b, i) => all.push(recorded({ type: c.type, name: `${c.rule}-${i}`, props: b.props })));
            }
            const linked = all.map((r, i) => ({ ...r, parent: i > 0 ? all[0].urn : undefined, dependencies: i > 1 ? [all[i - 1].urn, "urn:pulumi:test::platform::gone::x"] : [] }));
            const res = await same(pair!, "analyzeStack", stackRequest(linked, (msg, i) => i % 7 === 0 && withProvider(msg, `p${i}`)), "all fixtures as one stack");
            assert.ok(((res as { ok: { diagnosticsList: unknown[] } }).ok?.diagnosticsList ?? []).length > 0, "the stack trips stack rules");
        });

        it("enforcement levels from Configure: disabled, remediate, mandatory; and settings", async () => {
            const many = loadCases().flatMap(({ cases }) => cases.flatMap((c) => c.broken.map((b, i) => recorded({ type: c.type, name: `${c.rule}-${i}`, props: b.props }))));
            const configs: PolicyPackConfig[] = [
                { "privileged-container": "disabled", "min-replicas": "remediate", "image-tag": "mandatory" },
                { all: "mandatory" },
                { all: "disabled" },
                { all: { minReplicas: 4 }, "min-replicas": { enforcementLevel: "mandatory", minReplicas: 5 } },
            ];
            for (const config of configs) {
                await configure(config);
                for (const r of many.slice(0, 60)) await same(pair!, "analyze", toAnalyzeRequest(r), `${r.name} under ${JSON.stringify(config)}`);
                await same(pair!, "analyzeStack", stackRequest(many), `the stack under ${JSON.stringify(config)}`);
            }
            await configure({});
        });

        it("values unknown during preview, in inputs and in the provider", async () => {
            const props = variant(compliantDeployment, (d) => {
                d.spec.template.spec.containers[0].image = UNKNOWN;
                d.spec.replicas = UNKNOWN;
                d.metadata.labels = UNKNOWN;
            });
            const r = recorded({ type: "kubernetes:apps/v1:Deployment", name: "api", props });
            const res = await same(pair!, "analyze", withProvider(toAnalyzeRequest(r), "k8s"), "unknown values");
            assert.match(JSON.stringify(res), /can't run policy/, "the unknown values reach the rules");
            await same(pair!, "analyzeStack", stackRequest([r, recorded({ type: "kubernetes:core/v1:Service", name: "api", props: { metadata: { name: "api", namespace: UNKNOWN }, spec: { selector: UNKNOWN } } })]), "unknown values in a stack");
        });

        it("the pack served with its own dispatch said nothing about falling back", () => {
            assert.ok(!pair!.logs.fast.some((l) => /SDK's own \(slower\) dispatch/.test(l)), pair!.logs.fast.join("\n"));
        });
    });

    describe("a pack using every part of the policy API", () => {
        let dir: string;
        let pair: Pair | undefined;
        before(async () => {
            ensurePackBuilt(DEFAULT_PACK_DIR);
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-pack-"));
            fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: every part of the policy API\n");
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "api-pack", version: "1.2.3", main: "index.js" }));
            fs.writeFileSync(path.join(dir, "index.js"), API_PACK.replace("DISPATCH_JS", JSON.stringify(path.join(DEFAULT_PACK_DIR, "bin", "dispatch.js"))));
            fs.symlinkSync(path.join(DEFAULT_PACK_DIR, "node_modules"), path.join(dir, "node_modules"));
            pair = await startPair(dir);
        });
        after(async () => {
            await stopPair(pair);
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });

        const deployment = (name: string, image: string) => recorded({ type: "kubernetes:apps/v1:Deployment", name, props: { metadata: { name }, spec: { image } } });
        const resources = [
            deployment("web", "nginx"),
            deployment("na-web", "nginx"),
            deployment("preview", UNKNOWN),
            recorded({ type: "kubernetes:core/v1:Service", name: "web", props: { spec: { selector: { app: "web" } } } }),
            recorded({ type: "aws:s3/bucketV2:BucketV2", name: "logs", props: { bucket: "logs" } }),
        ];

        /** Diagnostics of the probe policy, which reports whether its arguments are the dispatcher's frozen ones. */
        const probe = (o: Outcome) => JSON.stringify(o).match(/frozen (true|false)/g);
        const withoutProbe = (o: Outcome): Outcome => {
            if (!("ok" in o)) return o;
            const res = o.ok as { diagnosticsList: { policyname: string }[] };
            return { ok: { ...res, diagnosticsList: res.diagnosticsList.filter((d) => d.policyname !== "probe") } };
        };

        it("is really served both ways: the probe sees frozen options only under the pack's dispatch", async () => {
            const { fast, sdk } = await both(pair!, "analyze", toAnalyzeRequest(resources[0]));
            assert.ok("ok" in fast && "ok" in sdk, JSON.stringify({ fast, sdk }));
            assert.deepStrictEqual(probe(fast), ["frozen true"]);
            assert.deepStrictEqual(probe(sdk), ["frozen false"]);
        });

        const compare = async (what: string) => {
            await same(pair!, "configureStack", stackTags({ owner: "platform", tier: "1" }), "ConfigureStack");
            for (const [i, r] of resources.entries()) {
                let req = toAnalyzeRequest(r);
                if (i % 2 === 0) req = withProvider(req, `p${i}`);
                const { fast, sdk } = await both(pair!, "analyze", req);
                assert.ok("ok" in fast, `${what}: Analyze of ${r.name}: ${JSON.stringify(fast)}`);
                assert.deepStrictEqual(withoutProbe(fast), withoutProbe(sdk), `${what}: Analyze of ${r.name}`);
            }
            const linked = resources.map((r, i) => ({ ...r, parent: i > 0 ? resources[0].urn : undefined, dependencies: resources.slice(0, i).map((d) => d.urn) }));
            const stack = stackRequest(linked, (msg, i) => {
                if (i === 2) withProvider(msg, "k8s");
                if (i === 3) {
                    const deps = new analyzerproto.AnalyzerPropertyDependencies();
                    deps.setUrnsList([resources[0].urn, "urn:pulumi:test::platform::gone::x"]);
                    msg.getPropertydependenciesMap().set("spec", deps);
                }
            });
            await same(pair!, "analyzeStack", stack, `${what}: AnalyzeStack`);
            await same(pair!, "analyzeStack", stackRequest([]), `${what}: AnalyzeStack of an empty stack`);
            await same(pair!, "analyze", toAnalyzeRequest(deployment("explode", "nginx")), `${what}: a policy that throws`, { error: true });
            await same(pair!, "analyzeStack", stackRequest([...resources, deployment("explode-stack", "nginx")]), `${what}: a stack policy that throws`, { error: true });
        };

        it("default config", async () => {
            await compare("default config");
            const { fast } = await both(pair!, "analyze", toAnalyzeRequest(deployment("explode", "nginx")));
            assert.match(JSON.stringify(fast), /Error validating resource with policy 'boom' from policy pack 'api-pack@v1.2.3'/);
        });

        it("levels and settings from Configure", async () => {
            const req = new analyzerproto.ConfigureAnalyzerRequest();
            const set = (name: string, level: analyzerprotoTypes.EnforcementLevel, props: Parameters<typeof Struct.fromJavaScript>[0] = {}) => {
                const c = new analyzerproto.PolicyConfig();
                c.setEnforcementlevel(level);
                c.setProperties(Struct.fromJavaScript(props));
                req.getPolicyconfigMap().set(name, c);
            };
            set("echo", analyzerproto.EnforcementLevel.REMEDIATE, { greeting: "hi", enforcementLevel: "advisory" });
            set("typed", analyzerproto.EnforcementLevel.DISABLED);
            set("stack-echo", analyzerproto.EnforcementLevel.MANDATORY, { depth: 2 });
            set("off-by-default", analyzerproto.EnforcementLevel.ADVISORY);
            await same(pair!, "configure", req, "Configure");
            await compare("configured");
            const bad = new analyzerproto.ConfigureAnalyzerRequest();
            const c = new analyzerproto.PolicyConfig();
            c.setEnforcementlevel(99 as analyzerprotoTypes.EnforcementLevel);
            bad.getPolicyconfigMap().set("echo", c);
            await same(pair!, "configure", bad, "a Configure the SDK rejects", { error: true });
            await compare("after a rejected Configure");
        });
    });
});

/** The small pack: each policy uses one part of the API; echo policies report what they were given. */
const API_PACK = String.raw`
require(DISPATCH_JS).installDispatch();
const { PolicyPack } = require("@pulumi/policy");
const plain = (v) => JSON.parse(JSON.stringify(v === undefined ? null : v));
const echoResource = (a) => ({ type: a.type, name: a.name, urn: a.urn, props: a.props, opts: a.opts, config: a.getConfig(),
    tags: [...a.stackTags.entries()], tagCount: a.stackTags.size, provider: a.provider ? { type: a.provider.type, name: a.provider.name, urn: a.provider.urn, props: a.provider.props } : null,
    isDeployment: a.isType({ __pulumiType: "kubernetes:apps/v1:Deployment" }), asBucket: plain(a.asType({ isInstance: (o) => o.__pulumiType === "aws:s3/bucketV2:BucketV2" })) });
const typed = (t, f) => Object.assign(f, { __pulumiType: t });
new PolicyPack("api-pack", {
    enforcementLevel: "mandatory",
    policies: [
        { name: "echo", description: "echoes its arguments", severity: "low", validateResource: (a, report) => report(JSON.stringify(echoResource(a))) },
        { name: "typed", description: "services only", enforcementLevel: "advisory", validateResource: typed("kubernetes:core/v1:Service", (a, report) => report("service " + a.name)) },
        { name: "array", description: "two validations", validateResource: [(a, report) => report("first"), (a, report) => { if (a.name === "web") report("second"); }] },
        { name: "async", description: "reports after an await", severity: "medium", validateResource: async (a, report) => {
            await new Promise((r) => setImmediate(r));
            report({ message: "late " + a.name, urn: "urn:pulumi:test::platform::other::x", severity: "high", name: "async-renamed", enforcementLevel: "advisory" });
            report({ description: "only a description" });
        } },
        { name: "not-applicable", description: "not for na-*", validateResource: (a, report) => { if (a.name.startsWith("na-")) a.notApplicable("named " + a.name); if (a.name === "logs") a.notApplicable(); report("applies"); } },
        { name: "remediate-only", description: "remediates only", remediateResource: (a) => undefined },
        { name: "boom", description: "throws on explode", validateResource: (a) => { if (a.name === "explode") throw new Error("boom " + a.name); } },
        { name: "unknown-reader", description: "reads the image", tags: ["t"], remediationSteps: "set an image", validateResource: (a, report) => report("image " + a.props.spec?.image) },
        { name: "off-by-default", description: "disabled unless configured", enforcementLevel: "disabled", validateResource: (a, report) => report("on") },
        { name: "probe", description: "sees the dispatcher", validateResource: (a, report) => report("frozen " + Object.isFrozen(a.opts)) },
        { name: "stack-echo", description: "echoes the stack", validateStack: (a, report) => report(JSON.stringify({ config: a.getConfig(), tags: [...a.stackTags.entries()],
            resources: a.resources.map((r) => ({ ...echoResource({ ...r, getConfig: () => null, stackTags: a.stackTags }), parent: r.parent?.urn ?? null, dependencies: r.dependencies.map((d) => d.urn),
                propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)])) })) })) },
        { name: "stack-typed", description: "buckets only", validateStack: typed("aws:s3/bucketV2:BucketV2", (a, report) => report("buckets", a.resources[0].urn)) },
        { name: "stack-boom", description: "throws on explode-stack", validateStack: (a) => { if (a.resources.some((r) => r.name === "explode-stack")) throw new TypeError("stack boom"); } },
        { name: "stack-na", description: "not for empty stacks", validateStack: (a, report) => { if (a.resources.length === 0) a.notApplicable("empty"); report("non-empty"); } },
        { name: "stack-unknown", description: "reads every image", validateStack: (a, report) => { for (const r of a.resources) report("image " + r.props.spec?.image, r.urn); } },
        { name: "stack-async", description: "reports after an await", validateStack: async (a, report) => { await null; report("async stack", a.resources[1]?.urn); } },
    ],
});
`;
