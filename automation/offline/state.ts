/**
 * What the offline engine remembers of a layer's last `up`: its resources and outputs,
 * so later plans show create/update/delete/same against it. Written atomically, 0600.
 * Secret outputs never reach the file in plain text: with a passphrase they are sealed
 * (secrets/at-rest.ts), without one their values are not kept at all (the engine plans the
 * layer again when it needs them; its outputs are deterministic).
 */
import * as fs from "fs";
import * as path from "path";
import type { ChangeSummary, OutputValue, RecordedResource } from "../engine";
import { emptyChanges } from "../engine";
import { writeAtomically } from "../files";
import { InputError } from "../../common/errors";
import { isSealed, passphraseFrom, seal, unseal, type Passphrase } from "../secrets/at-rest";
import { hash } from "./fabricate";
import type { Layer } from "../../stacks/graph";
import { stackName } from "../../stacks/names";

export interface OfflineState {
    env: string;
    layer: Layer;
    updatedAt: string;
    resources: { urn: string; type: string; inputsHash: string }[];
    outputs: Record<string, OutputValue>;
    /** Secret outputs whose values were not kept (written without a passphrase); absent from `outputs`. */
    withheld?: string[];
}

/** An output as the file holds it: a plain value, a sealed secret, or a secret whose value was not kept. */
export type StoredOutput = { value: unknown; secret: false } | { secret: true; sealed: string } | { secret: true; withheld: true };

/** The state file's contents, secrets sealed or withheld: what backups copy, byte for byte. */
export interface StoredState extends Omit<OfflineState, "outputs" | "withheld"> {
    outputs: Record<string, StoredOutput>;
}

export function statePath(dir: string, env: string, layer: Layer): string {
    return path.join(dir, `${stackName(env, layer)}.json`);
}

/** The associated data a secret is sealed with: it opens only as this output of this stack. */
const context = (env: string, layer: Layer, key: string): string => `${stackName(env, layer)}/${key}`;

/** The state file as stored (secrets still sealed), or undefined when the layer has none. */
export function readStoredState(dir: string, env: string, layer: Layer): StoredState | undefined {
    const file = statePath(dir, env, layer);
    if (!fs.existsSync(file)) return undefined;
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as StoredState;
    } catch {
        throw new InputError(`${file} is not valid JSON; delete it (the next \`infra up --engine offline\` rewrites it) or restore it from a backup`);
    }
}

/** The layer's state with its secrets opened; InputError (exit 2) on a missing or wrong passphrase. */
export function readState(dir: string, env: string, layer: Layer): OfflineState | undefined {
    const stored = readStoredState(dir, env, layer);
    if (!stored) return undefined;
    const file = statePath(dir, env, layer);
    const outputs: Record<string, OutputValue> = {};
    const withheld: string[] = [];
    // Looked up once per file (it may read PULUMI_CONFIG_PASSPHRASE_FILE), and only when a secret is sealed.
    let pass: { value: Passphrase | undefined } | undefined;
    for (const [key, o] of Object.entries(stored.outputs ?? {})) {
        if ("withheld" in o) withheld.push(key);
        else if ("sealed" in o) {
            pass ??= { value: passphraseFrom() };
            outputs[key] = { value: unseal(o.sealed, pass.value, context(env, layer, key), file), secret: true };
        }
        // A file from before secrets were sealed: read as it is; the next write seals it.
        else outputs[key] = { value: o.value, secret: o.secret };
    }
    return { ...stored, outputs, ...(withheld.length ? { withheld } : {}) };
}

/** Said once per process: secret values are being dropped, and how to keep them. */
let toldWithheld = false;

/** The state as the file will hold it: secrets sealed with the run's passphrase, or withheld without one. */
export function toStored(state: OfflineState, dir: string): StoredState {
    const pass = passphraseFrom();
    const outputs: Record<string, StoredOutput> = {};
    const dropped: string[] = [];
    for (const [key, o] of Object.entries(state.outputs)) {
        if (!o.secret) outputs[key] = { value: o.value, secret: false };
        else if (pass) outputs[key] = { secret: true, sealed: seal(o.value, pass, context(state.env, state.layer, key)) };
        else { outputs[key] = { secret: true, withheld: true }; dropped.push(key); }
    }
    for (const key of state.withheld ?? []) if (!(key in outputs)) outputs[key] = { secret: true, withheld: true };
    if (dropped.length && !toldWithheld) {
        toldWithheld = true;
        process.stderr.write(`offline state: PULUMI_CONFIG_PASSPHRASE is not set, so secret outputs (${stackName(state.env, state.layer)}: ${dropped.join(", ")}) are not kept in ${dir}; set it (or PULUMI_CONFIG_PASSPHRASE_FILE) to keep them there encrypted\n`);
    }
    const { withheld: _withheld, ...rest } = state;
    return { ...rest, outputs };
}

/**
 * A stored state safe to copy: secrets kept in plain text by a version before they were sealed
 * are sealed now (or withheld without a passphrase), so a backup never carries them.
 */
export function withoutPlaintext(stored: StoredState): StoredState {
    const legacy = Object.entries(stored.outputs ?? {}).filter(([, o]) => o.secret && "value" in o);
    if (legacy.length === 0) return stored;
    const asState: OfflineState = { ...stored, outputs: Object.fromEntries(legacy.map(([k, o]) => [k, { value: (o as { value: unknown }).value, secret: true }])) };
    return { ...stored, outputs: { ...stored.outputs, ...toStored(asState, "the backup").outputs } };
}

export function writeState(dir: string, state: OfflineState): void {
    writeStoredState(dir, toStored(state, dir));
}

/** Writes a stored state as it is (restore); the folder is private, as the state describes the platform. */
export function writeStoredState(dir: string, stored: StoredState): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeAtomically(statePath(dir, stored.env, stored.layer), JSON.stringify(stored, null, 2), 0o600);
}

/**
 * Why `data` is not the stored state of `env`-`layer` (undefined when it is): the identity it
 * claims, its shape, and no secret in plain text. Restore checks every file with it before writing any.
 */
export function storedStateProblem(data: unknown, env: string, layer: Layer): string | undefined {
    const s = data as Partial<StoredState> | null;
    if (!s || typeof s !== "object" || Array.isArray(s)) return "is not an offline state object";
    if (s.env !== env || s.layer !== layer) return `holds the state of ${stackName(String(s.env), s.layer as Layer)}, not ${stackName(env, layer)}`;
    if (!Array.isArray(s.resources) || !s.outputs || typeof s.outputs !== "object") return "has no resources list or outputs";
    for (const [key, o] of Object.entries(s.outputs)) {
        if (!o || typeof o !== "object") return `output ${key} is not an output`;
        if (o.secret && !("withheld" in o && o.withheld === true) && !("sealed" in o && isSealed(o.sealed))) return `secret output ${key} is not encrypted`;
    }
    return undefined;
}

export function removeState(dir: string, env: string, layer: Layer): void {
    fs.rmSync(statePath(dir, env, layer), { force: true });
}

export function toState(env: string, layer: Layer, resources: RecordedResource[], outputs: Record<string, OutputValue>): OfflineState {
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
