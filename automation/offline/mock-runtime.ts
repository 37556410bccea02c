/**
 * Runs a Pulumi program under the SDK's own mock runtime and records every resource it
 * registers (type, name, URN, inputs, parent, provider, dependencies). Used by the offline
 * engine (in its layer worker processes) and by the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_MARKER, type RecordedResource } from "../engine";
import { fabricateCall, fabricateResource } from "./fabricate";
import type { ReadResourceRequest, ReadResourceResponse, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";

type Callback<Res> = (err: Error | null, resp?: Res) => void;

/** The two monitor methods the recording wraps, with the SDK's own request and response types. */
interface MockMonitor {
    registerResource(req: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): unknown;
    readResource(req: ReadResourceRequest, callback: Callback<ReadResourceResponse>): unknown;
}

export { SECRET_MARKER };

/** Upstream stack outputs served to `pulumi.StackReference`, keyed by stack name (e.g. "dev-cluster"). */
export type StackReferenceOutputs = Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>;

export interface RecordOptions {
    project?: string;
    stack?: string;
    organization?: string;
    stackReferences?: StackReferenceOutputs;
    /** Called after each registration (progress). */
    onResource?: (resource: RecordedResource, count: number) => void;
}

export interface Recording<T> {
    resources: RecordedResource[];
    result: T;
}

/** Replaces Pulumi's secret envelopes in a raw struct with a marker, so recordings never carry secret values. */
export function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(maskSecrets);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        const sig = obj[pulumi.runtime.specialSigKey];
        if (sig === pulumi.runtime.specialSecretSig) return SECRET_MARKER;
        if (sig !== undefined && "value" in obj) return maskSecrets(obj.value); // output value / resource reference envelope
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = maskSecrets(v);
        return out;
    }
    return value;
}

function stackNameOf(ref: string): string {
    const parts = ref.split("/");
    return parts[parts.length - 1];
}

/**
 * Installs the mocks, runs `program` as the root stack, waits until every registration has
 * settled, and returns what was registered. Throws the program's first error.
 */
export async function recordProgram<T>(program: () => Promise<T> | T, opts: RecordOptions = {}): Promise<Recording<T>> {
    const stackRefs = opts.stackReferences ?? {};
    const resources: RecordedResource[] = [];
    let inFlight = 0;
    // The engine, not the SDK, applies additionalSecretOutputs; the mock has to do it too.
    const secretOutputs = new Map<string, string[]>();
    const failures: unknown[] = [];
    // A program error inside an apply never settles the stack's outputs: fail on the first one.
    let fail: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => { fail = reject; });
    failed.catch(() => undefined);
    const noteFailure = (reason: unknown) => { failures.push(reason); fail(reason); };

    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                if (args.type === "pulumi:pulumi:StackReference") {
                    const name = String(args.inputs.name ?? args.name);
                    const ref = stackRefs[stackNameOf(name)];
                    if (!ref) {
                        throw new Error(`stack reference "${name}" has no upstream outputs; run its layer first (known: ${Object.keys(stackRefs).join(", ") || "none"})`);
                    }
                    return { id: name, state: { name, outputs: ref.outputs, secretOutputNames: ref.secretOutputNames } };
                }
                const fabricated = fabricateResource(args.type, args.name, args.inputs ?? {});
                for (const key of secretOutputs.get(`${args.type}::${args.name}`) ?? []) {
                    if (key in fabricated.state) fabricated.state[key] = pulumi.secret(fabricated.state[key]);
                }
                return fabricated;
            },
            call(args) {
                return fabricateCall(args.token, args.inputs ?? {});
            },
        },
        opts.project ?? "platform",
        opts.stack ?? "test",
        false,
        opts.organization ?? "organization",
    );

    // The mock monitor as the SDK calls it: one callback-style method per request type.
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        inFlight++;
        const type: string = req.getType();
        secretOutputs.set(`${type}::${req.getName()}`, req.getAdditionalsecretoutputsList() ?? []);
        const base = {
            type,
            name: req.getName(),
            inputs: maskSecrets(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            dependencies: req.getDependenciesList() ?? [],
            custom: req.getCustom(),
        };
        return register(req, (err, resp) => {
            inFlight--;
            if (err) noteFailure(err);
            else if (type !== "pulumi:pulumi:Stack" && resp) {
                const rec: RecordedResource = { urn: resp.getUrn(), ...base };
                resources.push(rec);
                opts.onResource?.(rec, resources.length);
            }
            callback(err, resp);
        });
    };

    // Reads (a StackReference is one) are resources of the stack too: the real engine keeps them in
    // state and shows them to the policy pack, so the recording has them as well.
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, callback) => {
        inFlight++;
        const base = {
            type: req.getType(),
            name: req.getName(),
            inputs: maskSecrets(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            dependencies: req.getDependenciesList() ?? [],
            custom: true,
        };
        return read(req, (err, resp) => {
            inFlight--;
            if (err) noteFailure(err);
            else if (resp) {
                const rec: RecordedResource = { urn: resp.getUrn(), ...base };
                resources.push(rec);
                opts.onResource?.(rec, resources.length);
            }
            callback(err, resp);
        });
    };

    const onRejection = (reason: unknown) => noteFailure(reason);
    process.on("unhandledRejection", onRejection);
    try {
        let result: T | undefined;
        await Promise.race([
            pulumi.runtime.runInPulumiStack(async () => {
                result = await program();
                return result as Record<string, unknown> | undefined;
            }),
            failed,
        ]);
        // Registrations started from inside applies can land after the stack's outputs: drain them.
        for (let quiet = 0; quiet < 3; ) {
            await Promise.race([new Promise((r) => setImmediate(r)), failed]);
            quiet = inFlight === 0 ? quiet + 1 : 0;
        }
        if (failures.length > 0) throw failures[0];
        return { resources, result: result as T };
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

/** Resolves a value that may hold Outputs (test helper); secrets come back unwrapped. */
export function resolve<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((res) => pulumi.output(output).apply((v) => { res(v as T); return v; }));
}

/** The recorded resources of one type token. */
export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}
