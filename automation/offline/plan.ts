/**
 * Plans one layer under the SDK mock runtime with fabricated provider outputs and the
 * upstream layers' outputs behind its StackReferences; checks its outputs against the
 * layer's contract and validates its Kubernetes objects. The offline engine runs it in a
 * pooled worker process (workers.ts, runner.ts); tests call it directly.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { LAYER_OUTPUTS, SECRET_OUTPUTS } from "../../stacks/contracts";
import { loadLayerProgram } from "../../stacks";
import type { OutputValue } from "../engine";
import { loadCustomResourceModels, validateObjects } from "./k8s-schema";
import { recordProgram, StackReferenceOutputs } from "./mock-runtime";
import type { RunnerMessage, RunnerRequest } from "./protocol";
import type { Layer } from "../../stacks/graph";
import { stackName } from "../../stacks/names";

/**
 * An existing cluster's kubeconfig is what its "provider" would give; offline there is no
 * cluster, so when the configured file is absent a fabricated one names the context.
 */
export function fabricateKubeconfig(env: Environment, scratchDir: string): void {
    if (env.cluster.kind !== "existing") return;
    const configured = env.cluster.kubeconfigPath ?? process.env.KUBECONFIG?.split(path.delimiter)[0];
    if (configured && fs.existsSync(configured)) return;
    const ctx = env.cluster.context;
    const file = path.join(scratchDir, `${env.name}-kubeconfig.yaml`);
    fs.mkdirSync(scratchDir, { recursive: true });
    fs.writeFileSync(file, [
        "apiVersion: v1", "kind: Config", `current-context: ${ctx}`,
        "clusters:", `- name: ${ctx}`, "  cluster:", "    server: https://127.0.0.1:6443",
        "contexts:", `- name: ${ctx}`, "  context:", `    cluster: ${ctx}`, `    user: ${ctx}`,
        "users:", `- name: ${ctx}`, "  user:", "    token: offline", "",
    ].join("\n"), { mode: 0o600 });
    process.env.KUBECONFIG = file;
}

export async function resolveOutputs(result: Record<string, unknown>): Promise<Record<string, OutputValue>> {
    const out: Record<string, OutputValue> = {};
    for (const [key, value] of Object.entries(result)) {
        const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
        const [resolved, secret] = await Promise.all([
            new Promise<unknown>((res) => output.apply((v) => { res(v); return v; })),
            pulumi.isSecret(output),
        ]);
        out[key] = { value: resolved, secret };
    }
    return out;
}

/** Plans one layer in this process: records its resources, checks its output contract and its Kubernetes objects. */
export async function planLayer(req: RunnerRequest, onResource?: (done: number, urn: string) => void): Promise<Extract<RunnerMessage, { kind: "result" }>> {
    const env = loadEnvironment(req.env);
    // Only this layer's program is loaded, here: one that throws while loading fails this layer alone.
    const program = loadLayerProgram(req.layer);
    fabricateKubeconfig(env, req.scratchDir);
    const stackReferences: StackReferenceOutputs = {};
    for (const [layer, outputs] of Object.entries(req.upstream)) {
        const values: Record<string, unknown> = {};
        const secrets: string[] = [];
        for (const [k, v] of Object.entries(outputs ?? {})) {
            values[k] = v.value;
            if (v.secret) secrets.push(k);
        }
        stackReferences[stackName(req.env, layer as Layer)] = { outputs: values, secretOutputNames: secrets };
    }
    const { resources, result } = await recordProgram(() => program(env), {
        stack: stackName(req.env, req.layer),
        stackReferences,
        onResource: (r, n) => onResource?.(n, r.urn),
    });
    const outputs = await resolveOutputs(result as Record<string, unknown>);
    const plain = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    const contract = LAYER_OUTPUTS[req.layer].safeParse(plain);
    if (!contract.success) {
        const issue = contract.error.issues[0];
        throw new Error(`layer ${req.layer} broke its output contract (stacks/contracts.ts): ${issue.path.join(".")} ${issue.message}`);
    }
    for (const key of SECRET_OUTPUTS[req.layer]) {
        if (!outputs[key]?.secret) throw new Error(`layer ${req.layer} exports "${key}" in plain text; it must be a secret`);
    }
    await loadCustomResourceModels();
    const schema = validateObjects(resources);
    return { kind: "result", resources, outputs, schema: schema.issues, schemaChecked: schema.checked, schemaUnchecked: schema.unchecked.length };
}

