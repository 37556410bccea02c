/** What the External Secrets rules share: recognising the operator's objects by API group. */
import type { Obj } from "../util/podspec";

export const EXTERNAL_SECRETS_GROUP = "external-secrets.io";

/** True for an object of External Secrets Operator's API group (any version). */
export function isExternalSecretsObject(props: Obj): boolean {
    return typeof props.apiVersion === "string" && props.apiVersion.startsWith(`${EXTERNAL_SECRETS_GROUP}/`);
}

/** A plain object, or undefined. */
export function asObj(value: unknown): Obj | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** A list, or empty. */
export function asList(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}
