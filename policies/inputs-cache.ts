/**
 * One deserialization of a resource's inputs per Analyze request, instead of one per rule.
 *
 * @pulumi/policy (1.21) turns the request's protobuf Struct into plain objects again for every
 * resource rule, and for every stack rule over every resource. With ~90 rules that was most of
 * the pack's time per resource (profiled: ~40% in deserializeProperties and the garbage it
 * leaves). The Struct object is the same for every rule of one request, so the plain form is
 * kept in a WeakMap keyed by it and dropped with the request. Rules still get their own
 * unknown-checking proxy over it, so unknown values during preview behave as before; rules
 * never mutate their inputs (test/support.ts freezes them to prove it), so sharing is safe.
 *
 * Only the validation form (`proxySecrets === false`) is shared; remediation keeps its own copy.
 * Sharing is safe only while the SDK calls deserializeProperties through the module's exports at
 * call time and never changes the plain form between rules; that was checked for SDK_VERSION
 * alone, so against any other version (or module layout) this does nothing and says so.
 */

interface DeserializeModule {
    deserializeProperties: (struct: object, proxySecrets: boolean) => Record<string, unknown>;
}

const PATCHED = Symbol.for("platform-policies.shared-inputs");

/** The @pulumi/policy version whose server.js was read for the conditions above; re-check them before bumping. */
export const SDK_VERSION = "1.21.0";

/** Installs the cache; returns false when the SDK does not have the expected shape. Idempotent. */
export function shareDeserializedInputs(): boolean {
    let mod: DeserializeModule & { [PATCHED]?: boolean };
    try {
        if (String(require("@pulumi/policy/package.json").version).replace(/^v/, "") !== SDK_VERSION) return false;
        mod = require("@pulumi/policy/deserialize");
    } catch {
        return false;
    }
    if (mod[PATCHED]) return true;
    const original = mod.deserializeProperties;
    if (typeof original !== "function") return false;
    const cache = new WeakMap<object, Record<string, unknown>>();
    mod.deserializeProperties = (struct, proxySecrets) => {
        if (proxySecrets || !struct || typeof struct !== "object") return original(struct, proxySecrets);
        let plain = cache.get(struct);
        if (!plain) {
            plain = original(struct, false);
            cache.set(struct, plain);
        }
        return plain;
    };
    mod[PATCHED] = true;
    return true;
}
