/**
 * Where the orchestrator finds a cluster's kubeconfig: a file the user names, else the cluster
 * layer's `kubeconfig` output read through the engine (a secret: it is held in memory for the
 * one client that uses it, never printed or written).
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";
import { createEngine, type EngineName } from "../engines";
import type { ProviderMode } from "../engines/pulumi-cli";
import { statePaths } from "../state/workspace";
import { PROJECT_DIR } from "../../stacks/settings";

export interface Kubeconfig {
    text: string;
    /** For messages: the file, or "the cluster layer's kubeconfig output (<env>)". */
    source: string;
}

export async function clusterKubeconfig(env: string, engineArgs: { engine?: EngineName; providers?: ProviderMode }, file?: string): Promise<Kubeconfig> {
    if (file) {
        const resolved = path.resolve(file);
        try {
            return { text: fs.readFileSync(resolved, "utf8"), source: resolved };
        } catch (err) {
            throw new InputError(`cannot read kubeconfig ${resolved} (${(err as NodeJS.ErrnoException).code ?? "unreadable"}); pass a readable file with --kubeconfig`);
        }
    }
    if (engineArgs.engine === "offline") throw new InputError("the offline engine has no cluster to reach; use --engine pulumi or pass --kubeconfig");
    const state = statePaths();
    const engine = createEngine(engineArgs.engine ?? "pulumi", { projectDir: PROJECT_DIR, logDir: state.engineLogs, stateDir: state.offline, providers: engineArgs.providers });
    try {
        await engine.prepare?.();
        // A stand-in is never used silently: its outputs are made up.
        if (engine.note) process.stderr.write(`${engine.note}\n`);
        const kubeconfig = (await engine.outputs(env, "cluster")).kubeconfig;
        const text = typeof kubeconfig === "string" ? kubeconfig : (kubeconfig as { value?: unknown } | undefined)?.value;
        if (typeof text !== "string" || !text) throw new InputError(`the cluster layer of ${env} has no kubeconfig output; run \`infra up --env ${env} --layer cluster\` or pass --kubeconfig`);
        return { text, source: `the cluster layer's kubeconfig output (${env})` };
    } finally {
        await engine.close?.();
    }
}
