/**
 * Release pins: the image digests and chart versions an environment runs, kept in the
 * `release:` section of environments/<env>.yaml. Writing them keeps the file's comments and
 * layout, validates the whole new file against the environment schema first, and replaces
 * the file atomically, so an interrupted write leaves the old pins or the new ones, never a mix.
 */
import * as fs from "fs";
import { removeStaleTemps, writeAtomically } from "../files";
import * as path from "path";
import { type Document, isMap, isScalar, parseDocument } from "yaml";
import { displayPath, environmentsDir, loadEnvironment, parseEnvironment } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { InputError } from "../../common/errors";
import { pauseAt } from "../state/fault-points";

/** What a release pins: image name -> repo@sha256:..., chart -> exact version. */
export interface Pins {
    images: Record<string, string>;
    charts: Record<string, string>;
}

/** One image or chart whose pin differs between two sets of pins. */
export interface PinChange {
    kind: "image" | "chart";
    name: string;
    from?: string;
    to?: string;
}

export { environmentsDir };

export function environmentFile(env: string, dir: string = environmentsDir()): string {
    return path.join(dir, `${env}.yaml`);
}

/** The pins an environment declares (empty when it has no `release:` section). */
export function readPins(env: string, dir: string = environmentsDir()): Pins & { id?: string } {
    // Every promotion and rollback reads the pins first: the place to clear what a killed writer left.
    removeStaleTemps(dir);
    const e = loadEnvironment(env, dir);
    return { id: e.release?.id, images: { ...(e.release?.images ?? {}) }, charts: { ...(e.release?.charts ?? {}) } };
}

/** True when the environment runs nothing pinned (it builds its own images, its own chart versions). */
export function isEmptyPins(p: Pins): boolean {
    return Object.keys(p.images).length === 0 && Object.keys(p.charts).length === 0;
}

/** Image and chart pins that differ, sorted by kind then name. */
export function diffPins(before: Pins, after: Pins): PinChange[] {
    const out: PinChange[] = [];
    for (const kind of ["image", "chart"] as const) {
        const a = kind === "image" ? before.images : before.charts;
        const b = kind === "image" ? after.images : after.charts;
        for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
            if (a[name] !== b[name]) out.push({ kind, name, from: a[name], to: b[name] });
        }
    }
    return out;
}

export function samePins(a: Pins, b: Pins): boolean {
    return diffPins(a, b).length === 0;
}

/** Sets the pins on a document whose top-level `release` mapping is being edited, key by key so comments on kept pins stay. */
function applyPins(doc: Document, pins: Pins, id: string | undefined): void {
    if (!isMap(doc.get("release"))) doc.set("release", doc.createNode({}));
    if (id === undefined) doc.deleteIn(["release", "id"]);
    else doc.setIn(["release", "id"], id);
    for (const [section, values] of [["images", pins.images], ["charts", pins.charts]] as const) {
        const current = doc.getIn(["release", section]);
        if (isMap(current)) {
            for (const item of [...current.items]) {
                const key = String((item.key as { value?: unknown })?.value ?? item.key);
                if (!(key in values)) current.delete(key);
            }
        }
        if (Object.keys(values).length === 0) { doc.deleteIn(["release", section]); continue; }
        if (!isMap(current)) doc.setIn(["release", section], doc.createNode({}));
        for (const name of Object.keys(values).sort()) {
            const node = doc.getIn(["release", section, name], true);
            // Keep the node (and the comment on its line); let the value pick its own quoting.
            if (isScalar(node)) { node.value = values[name]; node.type = undefined; }
            else doc.setIn(["release", section, name], values[name]);
        }
    }
    // Block style like the rest of the file, whatever style the section had.
    const release = doc.get("release");
    if (isMap(release)) {
        release.flow = false;
        for (const item of release.items) if (isMap(item.value)) item.value.flow = false;
    }
}

/**
 * The new text of an environment file with `pins` in its `release:` section (id included).
 * Only that section's text changes; every other byte of the file is kept. Throws InputError
 * when the result would not be a valid environment.
 */
export function renderPins(text: string, file: string, env: string, pins: Pins, id?: string): string {
    const doc = parseDocument(text);
    if (doc.errors.length > 0 || !isMap(doc.contents)) throw new InputError(`${file}: is not a valid YAML mapping (${doc.errors[0]?.message.split("\n")[0] ?? "not a mapping"}); fix it before writing pins`);
    const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "release");
    let start = text.length;
    let end = text.length;
    let section = "";
    if (pair && isScalar(pair.key) && pair.key.range) {
        start = pair.key.range[0];
        end = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? pair.key.range[2];
        // A block mapping's range ends after its line break, a flow one's before it: take the line break either way.
        if (text[end - 1] !== "\n" && text[end] === "\n") end++;
        section = text.slice(start, end);
    }
    let replacement = "";
    if (!isEmptyPins(pins)) {
        const sub = parseDocument(section.trim() ? section : "release: {}\n");
        applyPins(sub, pins, id);
        replacement = sub.toString({ flowCollectionPadding: false, lineWidth: 0 });
    }
    const before = text.slice(0, start);
    const glue = pair || before === "" || before.endsWith("\n") ? "" : "\n";
    const next = before + glue + replacement + text.slice(end);
    const parsed = parseEnvironment(next, file, env);
    const written: Pins = { images: parsed.release?.images ?? {}, charts: parsed.release?.charts ?? {} };
    if (!samePins(written, pins) || parsed.release?.id !== (isEmptyPins(pins) ? undefined : id)) {
        throw new Error(`${file}: the rendered release section does not hold the intended pins; nothing was written`);
    }
    return next;
}

/** Validates and atomically writes new pins into environments/<env>.yaml; returns the environment as written. */
export function writePins(env: string, pins: Pins, id?: string, dir: string = environmentsDir()): Environment {
    const file = environmentFile(env, dir);
    removeStaleTemps(dir);
    loadEnvironment(env, dir);
    const next = renderPins(fs.readFileSync(file, "utf8"), displayPath(file), env, pins, id);
    // Through the shared atomic write, which also clears the temporary files of a writer killed mid-write.
    writeAtomically(file, next, { beforeRename: () => pauseAt("after-temp-file") });
    return loadEnvironment(env, dir);
}

/** The pins a target gets from a source environment: the digests it runs and its effective chart versions. */
export function effectiveCharts(env: Environment): Record<string, string> {
    const out: Record<string, string> = {};
    for (const chart of Object.keys(env.charts) as (keyof Environment["charts"])[]) {
        out[chart] = env.release?.charts?.[chart] ?? env.charts[chart];
    }
    return out;
}
