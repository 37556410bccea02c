/**
 * The settings slice each layer's fingerprint hashes must cover every setting its program reads.
 * The oracle is the program itself: it runs under the mock runtime on an environment that records
 * every property path read, and each path must fall inside what the layer's slice takes.
 */
import { strict as assert } from "assert";
import * as os from "os";
import * as path from "path";
import type { OutputValue } from "../../automation/engine";
import { recordProgram, type StackReferenceOutputs } from "../../automation/offline/mock-runtime";
import { planLayer } from "../../automation/offline/plan";
import { LAYER_SETTINGS } from "../../automation/state/fingerprint";
import { loadEnvironment } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { topoOrder, type Layer } from "../../stacks/graph";
import { LAYER_PROGRAMS } from "../../stacks";
import { stackName } from "../../stacks/names";

/** A view of `value` that adds the dotted path of every property read to `reads`. */
function recording<T>(value: T, reads: Set<string>, prefix = ""): T {
    if (!value || typeof value !== "object") return value;
    return new Proxy(value as object, {
        get(target, key, receiver) {
            const v = Reflect.get(target, key, receiver);
            if (typeof key === "symbol" || typeof v === "function") return v;
            const p = prefix ? `${prefix}.${key}` : key;
            reads.add(p);
            return recording(v, reads, p);
        },
    }) as T;
}

function stackRefs(env: string, upstream: Partial<Record<Layer, Record<string, OutputValue>>>): StackReferenceOutputs {
    return Object.fromEntries(Object.entries(upstream).map(([layer, outs]) => [stackName(env, layer as Layer), {
        outputs: Object.fromEntries(Object.entries(outs ?? {}).map(([k, v]) => [k, v.value])),
        secretOutputNames: Object.entries(outs ?? {}).filter(([, v]) => v.secret).map(([k]) => k),
    }]));
}

describe("fingerprint settings slices", function () {
    this.timeout(120_000);
    for (const envName of ["dev", "local"]) {
        it(`${envName}: every setting a layer program reads is inside its fingerprint's slice`, async () => {
            const upstream: Partial<Record<Layer, Record<string, OutputValue>>> = {};
            for (const layer of topoOrder() as Layer[]) {
                const plan = await planLayer({ kind: "run", env: envName, layer, upstream: { ...upstream }, scratchDir: path.join(os.tmpdir(), "settings-slice-test") });
                const programReads = new Set<string>();
                const env: Environment = loadEnvironment(envName);
                await recordProgram(() => LAYER_PROGRAMS[layer](recording(env, programReads)), { stack: stackName(envName, layer), stackReferences: stackRefs(envName, upstream) });
                const sliceReads = new Set<string>();
                LAYER_SETTINGS[layer](recording(loadEnvironment(envName), sliceReads));
                const outside = [...programReads].filter((p) => ![...sliceReads].some((s) => p === s || p.startsWith(`${s}.`)));
                assert.deepEqual(outside, [], `${layer} reads settings its fingerprint does not hash`);
                assert.ok(programReads.size > 0, `${layer} read its settings through the recording`);
                upstream[layer] = plan.outputs;
            }
        });
    }
});
