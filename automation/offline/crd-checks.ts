/**
 * Building blocks of the hand-written schema checks for custom resources no kubernetes-models
 * package covers (vpa-schema.ts, velero-schema.ts). Each check takes a value and its path and
 * throws one message naming the path. Unknown fields are refused: the API server prunes them
 * silently, which would hide a typo. A null field is unset, as the API server reads it.
 */

export type Json = unknown;
export type Check = (v: Json, path: string) => void;

class CrdSchemaError extends Error {}

export function at(path: string, message: string): never {
    throw new CrdSchemaError(`${path}: ${message}`);
}

/** An object with only `fields` (each checked when set) and every key of `required`. */
export function object(v: Json, path: string, fields: Record<string, Check>, required: string[] = []): void {
    if (!v || typeof v !== "object" || Array.isArray(v)) at(path, "must be an object");
    const o = v as Record<string, Json>;
    for (const key of required) if (o[key] === undefined) at(`${path}.${key}`, "is required");
    for (const [key, value] of Object.entries(o)) {
        const check = fields[key];
        if (!check) at(`${path}.${key}`, `is not a field of ${path} (known: ${Object.keys(fields).join(", ")})`);
        if (value !== undefined && value !== null) check(value, `${path}.${key}`);
    }
}

export const string: Check = (v, path) => { if (typeof v !== "string") at(path, "must be a string"); };
export const bool: Check = (v, path) => { if (typeof v !== "boolean") at(path, "must be true or false"); };
export const int: Check = (v, path) => { if (!Number.isInteger(v)) at(path, "must be an integer"); };
export const oneOf = (values: string[]): Check => (v, path) => { if (typeof v !== "string" || !values.includes(v)) at(path, `must be one of ${values.join(", ")}`); };
export const list = (item: Check): Check => (v, path) => {
    if (!Array.isArray(v)) at(path, "must be a list");
    v.forEach((x, i) => item(x, `${path}[${i}]`));
};
export const stringMap: Check = (v, path) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) at(path, "must be a map of strings");
    for (const [k, s] of Object.entries(v)) if (typeof s !== "string") at(`${path}.${k}`, "must be a string");
};
export const quantities: Check = (v, path) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) at(path, "must be a map of resource name to quantity");
    for (const [k, q] of Object.entries(v)) if (typeof q !== "string" && typeof q !== "number") at(`${path}.${k}`, "must be a quantity");
};
export const anything: Check = () => undefined;
