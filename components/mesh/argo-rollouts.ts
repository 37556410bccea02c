/**
 * The Argo Rollouts controller (argo-helm chart "argo-rollouts"), which rolls app revisions out
 * as canaries by moving weights on their Istio VirtualServices (components/workload/rollout.ts).
 * It lives in the mesh layer: it is traffic management, it must be able to edit Istio objects,
 * and its CRDs (Rollout, AnalysisTemplate, ...) must be established before the apps layer
 * creates Rollouts, which the layer order guarantees. An app revision rolled back in the apps
 * layer then never reinstalls the controller.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { helmReleaseSafety } from "../helm";
import { podSecurityLabels } from "../pod-security";
import { CHART_VERSION, DNS_LABEL, fail } from "../validation";

export const ARGO_HELM = "https://argoproj.github.io/argo-helm";

export interface ArgoRolloutsArgs {
    /** Exact argo-rollouts chart version (environments/<env>.yaml charts.argoRollouts). */
    readonly version: string;
    /** Namespace of the controller. Default "argo-rollouts". */
    readonly namespace?: string;
    /** Controller pods (one leads, the other takes over). Default 2, so a node drain never stops rollouts mid-step. */
    readonly replicas?: number;
}

/** Validates the arguments; throws InputPropertyError naming the field and the fix. */
export function validateArgoRolloutsArgs(args: ArgoRolloutsArgs): Required<ArgoRolloutsArgs> {
    if (!CHART_VERSION.test(args.version ?? "")) fail("version", `version "${args.version}" is not an exact chart version; pin one such as "2.40.2"`);
    const namespace = args.namespace ?? "argo-rollouts";
    if (!DNS_LABEL.test(namespace) || namespace.length > 63) fail("namespace", `namespace "${namespace}" is not a namespace name (DNS label); use e.g. "argo-rollouts"`);
    const replicas = args.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) fail("replicas", `replicas ${replicas} is out of range; use 1-5 (one leads at a time)`);
    return { version: args.version, namespace, replicas };
}

/**
 * Chart values: the chart's own restricted security contexts stated explicitly (so a chart
 * upgrade that drops one is a visible diff, not a silent loosening), requests and limits, a
 * disruption budget, CRDs kept when the release goes (deleting them would delete every Rollout
 * and its pods), and no dashboard (it has no authentication).
 */
export function argoRolloutsValues(a: Required<ArgoRolloutsArgs>): Record<string, unknown> {
    return {
        installCRDs: true,
        keepCRDs: true,
        clusterInstall: true,
        controller: {
            replicas: a.replicas,
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            pdb: { enabled: a.replicas > 1, minAvailable: 1 },
            metrics: { enabled: true },
        },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        dashboard: { enabled: false },
        // Only the Istio integration is used; the other providers' RBAC would grant edits to objects nothing here owns.
        providerRBAC: {
            enabled: true,
            providers: { istio: true, smi: false, ambassador: false, awsLoadBalancerController: false, awsAppMesh: false, traefik: false, apisix: false, contour: false, glooPlatform: false, gatewayAPI: false },
        },
    };
}

/** `platform:mesh:ArgoRollouts`: the controller's namespace and Helm release. */
export class ArgoRollouts extends pulumi.ComponentResource {
    /** Namespace the controller runs in. */
    public readonly namespace: pulumi.Output<string>;
    /** Chart version installed. */
    public readonly version: pulumi.Output<string>;

    constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:mesh:ArgoRollouts", name, {}, opts);
        const a = validateArgoRolloutsArgs(args);
        // The chart's pods meet "restricted" (argoRolloutsValues), so the namespace enforces it.
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: a.namespace, labels: podSecurityLabels("restricted", "restricted") },
        }, { parent: this });
        const release = new k8s.helm.v3.Release(`${name}-controller`, {
            name: "argo-rollouts",
            namespace: ns.metadata.name,
            chart: "argo-rollouts",
            version: a.version,
            repositoryOpts: { repo: ARGO_HELM },
            values: argoRolloutsValues(a),
            ...helmReleaseSafety(300),
        }, { parent: this });
        this.namespace = ns.metadata.name;
        this.version = release.version;
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}
