/**
 * What the offline engine remembers of a layer's last `up`: its resources and outputs,
 * so later plans show create/update/delete/same against it. Written atomically.
 */
import * as fs from "fs";
import * as path from "path";
import type { ChangeSummary, OutputValue, RecordedResource } from "../engine";
import { emptyChanges } from "../engine";
import { hash } from "./fabricate";

export interface OfflineState {
    env: string;
    layer: string;
    updatedAt: string;
    resources: { urn: string; type: string; inputsHash: string }[];
    outputs: Record<string, OutputValue>;
}

export function statePath(dir: string, env: string, layer: string): string {
    return path.join(dir, `${env}-${layer}.json`);
}

export function readState(dir: string, env: string, layer: string): OfflineState | undefined {
    const file = statePath(dir, env, layer);
    if (!fs.existsSync(file)) return undefined;
    return JSON.parse(fs.readFileSync(file, "utf8")) as OfflineState;
}

export function writeState(dir: string, state: OfflineState): void {
    fs.mkdirSync(dir, { recursive: true });
    const file = statePath(dir, state.env, state.layer);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, file);
}

export function removeState(dir: string, env: string, layer: string): void {
    fs.rmSync(statePath(dir, env, layer), { force: true });
}

export function toState(env: string, layer: string, resources: RecordedResource[], outputs: Record<string, OutputValue>): OfflineState {
    return {
        env,
        layer,
        updatedAt: new Date().toISOString(),
        resources: resources.map((r) => ({ urn: r.urn, type: r.type, inputsHash: hash(r.inputs) })),
        outputs,
    };
}

/** Plan against the last state: a resource is created, updated, deleted or the same. */
export function diff(previous: OfflineState | undefined, resources: RecordedResource[]): ChangeSummary {
    const changes = emptyChanges();
    const before = new Map((previous?.resources ?? []).map((r) => [r.urn, r.inputsHash]));
    for (const r of resources) {
        const old = before.get(r.urn);
        // A stack reference is read, never created or updated, as the real engine counts it.
        if (r.type === "pulumi:pulumi:StackReference") changes.same++;
        else if (old === undefined) changes.create++;
        else if (old === hash(r.inputs)) changes.same++;
        else changes.update++;
        before.delete(r.urn);
    }
    changes.delete = before.size;
    return changes;
}
