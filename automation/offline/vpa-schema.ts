/**
 * A schema check for VerticalPodAutoscaler (autoscaling.k8s.io/v1), which no kubernetes-models
 * package covers (the VPA ships its CRD with the autoscaler, not as a model). Written from the
 * VPA v1 API types: the fields a VerticalPodAutoscaler may set, their types and enums. Unknown
 * fields are refused (the API server would prune them silently, which hides a typo such as
 * `updatePolicy.mode`). Same shape as a kubernetes-models class: construct, then `validate()`.
 */

type Json = unknown;

class VpaSchemaError extends Error {}

function at(path: string, message: string): never {
    throw new VpaSchemaError(`${path}: ${message}`);
}

function object(v: Json, path: string, fields: Record<string, (v: Json, path: string) => void>, required: string[] = []): void {
    if (!v || typeof v !== "object" || Array.isArray(v)) at(path, "must be an object");
    const o = v as Record<string, Json>;
    for (const key of required) if (o[key] === undefined) at(`${path}.${key}`, "is required");
    for (const [key, value] of Object.entries(o)) {
        const check = fields[key];
        if (!check) at(`${path}.${key}`, `is not a field of ${path} (known: ${Object.keys(fields).join(", ")})`);
        if (value !== undefined) check(value, `${path}.${key}`);
    }
}

const string = (v: Json, path: string) => { if (typeof v !== "string") at(path, "must be a string"); };
const oneOf = (values: string[]) => (v: Json, path: string) => { if (typeof v !== "string" || !values.includes(v)) at(path, `must be one of ${values.join(", ")}`); };
const int = (v: Json, path: string) => { if (!Number.isInteger(v)) at(path, "must be an integer"); };
const list = (item: (v: Json, path: string) => void) => (v: Json, path: string) => {
    if (!Array.isArray(v)) at(path, "must be a list");
    v.forEach((x, i) => item(x, `${path}[${i}]`));
};
const quantities = (v: Json, path: string) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) at(path, "must be a map of resource name to quantity");
    for (const [k, q] of Object.entries(v)) if (typeof q !== "string" && typeof q !== "number") at(`${path}.${k}`, "must be a quantity");
};
const anything = () => undefined;

const RESOURCES = ["cpu", "memory"];

function validateVpa(obj: Json): void {
    object(obj, "VerticalPodAutoscaler", {
        apiVersion: oneOf(["autoscaling.k8s.io/v1"]),
        kind: oneOf(["VerticalPodAutoscaler"]),
        metadata: anything,
        status: anything,
        spec: (spec, path) => object(spec, path, {
            targetRef: (ref, p) => object(ref, p, { apiVersion: string, kind: string, name: string }, ["kind", "name"]),
            updatePolicy: (u, p) => object(u, p, { updateMode: oneOf(["Off", "Initial", "Recreate", "Auto", "InPlaceOrRecreate"]), minReplicas: int }),
            resourcePolicy: (r, p) => object(r, p, {
                containerPolicies: list((c, cp) => object(c, cp, {
                    containerName: string,
                    mode: oneOf(["Auto", "Off"]),
                    minAllowed: quantities,
                    maxAllowed: quantities,
                    controlledResources: list(oneOf(RESOURCES)),
                    controlledValues: oneOf(["RequestsAndLimits", "RequestsOnly"]),
                })),
            }),
            recommenders: list((r, p) => object(r, p, { name: string }, ["name"])),
        }, ["targetRef"]),
    }, ["spec"]);
}

/** kubernetes-models-like class for autoscaling.k8s.io/v1 VerticalPodAutoscaler. */
export class VerticalPodAutoscaler {
    static readonly apiVersion = "autoscaling.k8s.io/v1";
    constructor(private readonly data: unknown) {}
    validate(): void {
        validateVpa(this.data);
    }
}
