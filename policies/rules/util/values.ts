/** Loose reading of values that arrive as strings as often as as booleans. */

/** True for `true` and "true": Helm values set with --set and some AWS provider fields are strings. */
export function isTrue(v: unknown): boolean {
    return v === true || v === "true";
}
