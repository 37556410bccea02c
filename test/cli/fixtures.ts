/** A synthetic run summary with every shape the reports must handle. */
import type { LayerResult, PolicyViolation } from "../../automation/engine";
import type { RunSummary } from "../../automation/pipeline/runner";
import type { Layer } from "../../stacks/graph";

const URN = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::platform::platform:apps:Workload$${type}::${name}`;

export function violation(over: Partial<PolicyViolation> = {}): PolicyViolation {
    return {
        policyPack: "platform-security",
        policyPackVersion: "0.1.0",
        rule: "k8s-drop-all-capabilities",
        description: "Containers drop ALL Linux capabilities",
        message: "container app keeps capabilities; set securityContext.capabilities.drop: [ALL]",
        severity: "high",
        enforcement: "mandatory",
        urn: URN("dev-apps", "kubernetes:apps/v1:Deployment", "app"),
        resourceType: "kubernetes:apps/v1:Deployment",
        resourceName: "app",
        layer: "apps",
        controls: ["PSS:restricted/capabilities", "C-0046"],
        ...over,
    };
}

function result(layer: Layer, over: Partial<LayerResult> = {}): LayerResult {
    return {
        env: "dev",
        layer,
        operation: "preview",
        resources: [
            { urn: URN(`dev-${layer}`, "kubernetes:apps/v1:Deployment", "app"), type: "kubernetes:apps/v1:Deployment", name: "app", inputs: {}, dependencies: [], custom: true },
            { urn: URN(`dev-${layer}`, "kubernetes:core/v1:Service", "app"), type: "kubernetes:core/v1:Service", name: "app", inputs: {}, dependencies: [], custom: true },
            { urn: URN(`dev-${layer}`, "kubernetes:core/v1:Service", "app-canary"), type: "kubernetes:core/v1:Service", name: "app-canary", inputs: {}, dependencies: [], custom: true },
        ],
        changes: { create: 3, update: 0, replace: 0, delete: 0, same: 0 },
        outputs: {
            clusterName: { value: "dev-eks", secret: false },
            kubeconfig: { value: "apiVersion: v1\nclusters: [super-secret-token]", secret: true },
        },
        policy: [],
        schema: [],
        durationMs: 1200,
        ...over,
    };
}

/** dev: cluster ok, images failed, apps skipped, mesh with an advisory and a mandatory violation and a schema issue. */
export function summary(over: Partial<RunSummary> = {}): RunSummary {
    return {
        env: "dev",
        operation: "preview",
        engine: "offline",
        durationMs: 5400,
        interrupted: false,
        outcomes: [
            { layer: "cluster", status: "succeeded", attempts: 1, result: result("cluster"), durationMs: 1200 },
            { layer: "images", status: "failed", attempts: 3, error: "registry throttled\nsecond line", durationMs: 900, logFile: ".infra/logs/dev-images.log" },
            { layer: "monitoring", status: "not-selected", attempts: 0 },
            {
                layer: "mesh", status: "succeeded", attempts: 1, durationMs: 1000, result: result("mesh", {
                    policy: [
                        violation({ rule: "k8s-resource-limits", severity: "low", enforcement: "advisory", layer: "mesh", message: "set limits | pipes must be escaped" }),
                        violation({ layer: "mesh", urn: URN("dev-mesh", "kubernetes:apps/v1:Deployment", "istiod"), resourceName: "istiod" }),
                        violation({ rule: "rbac-no-secret-access", severity: "critical", enforcement: "mandatory", layer: "mesh", urn: undefined, resourceName: undefined, resourceType: undefined, message: "role reader grants secrets", controls: ["CIS-5.1.2"] }),
                    ],
                    schema: [{ urn: URN("dev-mesh", "kubernetes:core/v1:Service", "gw"), kind: "Service", name: "gw", message: "spec.ports[0].port: must be integer" }],
                }),
            },
            { layer: "apps", status: "skipped", attempts: 0, skippedBecause: "images", error: "images failed" },
        ],
        ...over,
    };
}
