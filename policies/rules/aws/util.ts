/** Small helpers shared by the AWS rules: loose boolean/array reading and config defaults. */

export { isTrue } from "../util/values";

/** The value as an array: arrays as-is, a single object as a one-element list, nothing as []. */
export function asList<T = unknown>(v: unknown): T[] {
    if (Array.isArray(v)) return v as T[];
    return v === undefined || v === null ? [] : [v as T];
}

/** The value as an object, or {} when it is missing or not an object. */
export function asObject(v: unknown): Record<string, unknown> {
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** CIDRs that mean "the whole internet". */
export const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** The logical resource name, for messages. */
export function label(args: { type: string; name: string }): string {
    return `${args.type.split(":").pop()} ${args.name}`;
}
