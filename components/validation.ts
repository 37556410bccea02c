/**
 * Checks shared by the components' argument validators, so every component words a bad value
 * the same way: the property path, the value, and the fix.
 */
import * as pulumi from "@pulumi/pulumi";

export { CHART_VERSION, DNS_LABEL } from "../common/patterns";

/** Throws the InputPropertyError Pulumi reports against the argument at `propertyPath`. */
export function fail(propertyPath: string, reason: string): never {
    throw new pulumi.InputPropertyError({ propertyPath, reason });
}

/** Fails unless `v` is a whole number from `min` to `max`; `fix` tells the user what to give instead. */
export function checkInt(path: string, v: number, min: number, max: number, fix = `use a whole number from ${min} to ${max}`): void {
    if (!Number.isInteger(v) || v < min || v > max) fail(path, `${path} ${v} is out of range; ${fix}`);
}
