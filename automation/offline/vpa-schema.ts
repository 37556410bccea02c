/**
 * A schema check for VerticalPodAutoscaler (autoscaling.k8s.io/v1), which no kubernetes-models
 * package covers (the VPA ships its CRD with the autoscaler, not as a model). Written from the
 * VPA v1 API types: the fields a VerticalPodAutoscaler may set, their types and enums. Unknown
 * fields are refused (the API server would prune them silently, which hides a typo such as
 * `updatePolicy.mode`). Same shape as a kubernetes-models class: construct, then `validate()`.
 */

import { anything, int, list, object, oneOf, quantities, string, type Json } from "./crd-checks";

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
