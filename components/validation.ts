/**
 * Checks shared by the components' argument validators, so every component words a bad value
 * the same way: the property path, the value, and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseQuantity } from "../common/checks";

export { CHART_VERSION, DNS_LABEL } from "../common/patterns";

/** Throws the InputPropertyError Pulumi reports against the argument at `propertyPath`. */
export function fail(propertyPath: string, reason: string): never {
    throw new pulumi.InputPropertyError({ propertyPath, reason });
}

/** Fails unless `v` is a whole number from `min` to `max`; `fix` tells the user what to give instead. */
export function checkInt(path: string, v: number, min: number, max: number, fix = `use a whole number from ${min} to ${max}`): void {
    if (!Number.isInteger(v) || v < min || v > max) fail(path, `${path} ${v} is out of range; ${fix}`);
}

/** CPU and memory for one container, in Kubernetes quantities ("250m", "1Gi"). */
export interface ResourceRequirements {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Checks one container's resources: every quantity well-formed (the grammar environment files use too). */
export function checkResources(path: string, r: ResourceRequirements): void {
    for (const part of ["requests", "limits"] as const) {
        for (const key of ["cpu", "memory"] as const) {
            const v = r?.[part]?.[key];
            if (typeof v !== "string" || parseQuantity(v) === undefined) {
                fail(`${path}.${part}.${key}`, `${path}.${part}.${key} "${v}" is not a Kubernetes quantity; use e.g. ${key === "cpu" ? '"250m"' : '"512Mi"'}`);
            }
        }
    }
}
