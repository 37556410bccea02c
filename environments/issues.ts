/**
 * Turns the schema's issues into the one line an environment error shows: the issue most likely
 * to be the cause (an unknown key before the required key it was probably meant to be), the
 * field, the value and the fix. Unknown keys are shown escaped, so a look-alike key (a Cyrillic
 * "а" in "apps") is visibly not the ASCII one, and the expected key is suggested.
 */
import { distance } from "fastest-levenshtein";
import { z, ZodIssue } from "zod";
import { HIDE_VALUE } from "./schema";

type Path = (string | number)[];

function valueAt(obj: unknown, p: Path): unknown {
    return p.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as any)[k] : undefined), obj);
}

/** A key as JSON with every non-ASCII or control character escaped ("\u0430pps"). */
export function escapeKey(key: string): string {
    return JSON.stringify(key).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A field path as people read it; a non-ASCII key is shown escaped so a look-alike is visible. */
function fieldPath(p: Path): string {
    return p.map((k) => (typeof k === "string" && /[^\x20-\x7e]/.test(k) ? escapeKey(k) : k)).join(".");
}

/** The issues of a failed union branch chosen as the user's intent: the branch with the fewest issues. */
function flatten(issues: ZodIssue[]): ZodIssue[] {
    return issues.flatMap((issue) => {
        if (issue.code !== "invalid_union") return [issue];
        const branches = issue.unionErrors.map((e) => flatten(e.issues));
        return branches.reduce((best, b) => (b.length < best.length ? b : best));
    });
}

/** Strips the wrappers that do not change an object's keys (defaults, optionals, refinements). */
function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
    let s = schema;
    for (;;) {
        if (s instanceof z.ZodEffects) s = s.innerType();
        else if (s instanceof z.ZodDefault) s = s.removeDefault();
        else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
        else return s;
    }
}

/** The object schema that applies at `p` of `raw`, choosing union branches as the value suggests. */
function objectAt(schema: z.ZodTypeAny, raw: unknown, p: Path): z.AnyZodObject | undefined {
    let s = unwrap(schema);
    let v = raw;
    for (let i = 0; ; i++) {
        if (s instanceof z.ZodDiscriminatedUnion) s = unwrap(s.optionsMap.get((v as any)?.[s.discriminator]) ?? z.never());
        if (s instanceof z.ZodUnion) {
            const options = s.options as z.ZodTypeAny[];
            const cost = (o: z.ZodTypeAny) => { const r = o.safeParse(v); return r.success ? 0 : flatten(r.error.issues).length; };
            s = unwrap(options.reduce((best, o) => (cost(o) < cost(best) ? o : best)));
        }
        if (i === p.length) return s instanceof z.ZodObject ? s : undefined;
        if (s instanceof z.ZodObject) s = unwrap(s.shape[p[i]] ?? z.never());
        else if (s instanceof z.ZodArray) s = unwrap(s.element);
        else if (s instanceof z.ZodRecord) s = unwrap(s.valueSchema);
        else return undefined;
        v = (v as any)?.[p[i]];
    }
}

/** The known key `key` was most likely meant to be: close in spelling, or one is a prefix of the other. */
function closest(key: string, candidates: string[]): string | undefined {
    const norm = key.normalize("NFKC").toLowerCase();
    let best: { key: string; d: number } | undefined;
    for (const c of candidates) {
        const lower = c.toLowerCase();
        const d = distance(norm, lower);
        const prefix = Math.min(norm.length, lower.length) >= 4 && (lower.startsWith(norm) || norm.startsWith(lower));
        if ((d <= Math.max(1, Math.floor(c.length / 3)) || prefix) && (!best || d < best.d)) best = { key: c, d };
    }
    return best?.key;
}

function describeUnknownKey(file: string, schema: z.ZodTypeAny, raw: unknown, issue: ZodIssue & { code: "unrecognized_keys" }): string {
    const key = issue.keys[0];
    const where = issue.path.length ? `in ${fieldPath(issue.path)}` : "top level";
    const note = /[^\x20-\x7e]/.test(key) ? " (it has non-ASCII characters)" : "";
    const known = Object.keys(objectAt(schema, raw, issue.path as Path)?.shape ?? {});
    const present = new Set(Object.keys((valueAt(raw, issue.path as Path) as object) ?? {}));
    // A key already present cannot be the one meant (it would be a duplicate), so prefer the absent ones.
    const suggestion = closest(key, known.filter((k) => !present.has(k))) ?? closest(key, known);
    const fix = suggestion ? `did you mean "${suggestion}"? rename it` : `remove it, or use one of: ${known.join(", ")}`;
    return `${file}: ${escapeKey(key)} (${where}) is not a known field${note}; ${fix}`;
}

/** The one-line message for a failed parse of `raw` against `schema`. */
export function describeIssues(file: string, schema: z.ZodTypeAny, raw: unknown, issues: ZodIssue[]): string {
    const all = flatten(issues);
    const issue = all.find((i) => i.code === "unrecognized_keys") ?? all[0];
    if (issue.code === "unrecognized_keys") return describeUnknownKey(file, schema, raw, issue);
    const field = fieldPath(issue.path) || "(top level)";
    const value = valueAt(raw, issue.path as Path);
    const hidden = issue.code === "custom" && issue.params?.hideValue === HIDE_VALUE.hideValue;
    const shown = hidden ? "" : ` (${value === undefined ? "missing" : JSON.stringify(value)?.slice(0, 60)})`;
    let fix = issue.message;
    if (issue.code === "invalid_type" && value === undefined) fix = `is required (${issue.expected}); add it`;
    else if (issue.code === "invalid_type") fix = `must be ${issue.expected}, not ${issue.received}`;
    else if (issue.code === "invalid_union_discriminator") fix = `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    else if (issue.code === "invalid_enum_value") fix = `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    return `${file}: ${field}${shown} ${fix}`;
}
