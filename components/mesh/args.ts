/** Arguments of the Istio mesh component, their defaults and their validation. */
import * as pulumi from "@pulumi/pulumi";
import { ResourceRequirements, checkResources } from "../validation";
import { CHART_VERSION, DNS_LABEL, checkInt, fail } from "../validation";

export interface IstioGatewayArgs {
    /** Namespace of the ingress gateway. Default "istio-ingress": kept apart from the control plane. */
    readonly namespace?: string;
    /** Minimum gateway pods (the autoscaler's floor). */
    readonly replicas: number;
    /** Autoscaler ceiling. Default three times `replicas`. */
    readonly maxReplicas?: number;
    /**
     * Default "ClusterIP": nothing is reachable from outside the cluster until an environment
     * asks for it; "LoadBalancer" provisions a cloud load balancer in front of the gateway.
     */
    readonly serviceType?: "LoadBalancer" | "ClusterIP";
    /** Secret (in the gateway namespace) holding the TLS certificate; when set, port 80 redirects to 443. */
    readonly tlsCredentialName?: string;
}

export interface IstioArgs {
    /** Exact chart version of base, cni, istiod and gateway (they are released together). */
    readonly version: string;
    /** Root namespace of the mesh (istiod, mesh-wide policy). Default "istio-system". */
    readonly namespace?: string;
    readonly gateway: IstioGatewayArgs;
    /** Namespaces created with sidecar injection on; app VirtualServices there may bind to the gateway. */
    readonly appNamespaces: string[];
    /** Namespace of the Prometheus Operator's monitors (the monitoring stack's namespace). */
    readonly monitoringNamespace: pulumi.Input<string>;
    /** Where sidecars send spans: OTLP/gRPC "host:port" (preferred) or a Zipkin "host:port". Default: no tracing. */
    readonly tracing?: {
        readonly otlpEndpoint?: pulumi.Input<string>;
        readonly zipkinAddress?: pulumi.Input<string>;
        /** Share of requests traced, in percent. Default 1: enough to see paths without the cost of tracing all. */
        readonly samplingPercent?: number;
    };
    readonly pilot?: {
        /** Default 2, so a node drain never leaves the mesh without a control plane. */
        readonly replicas?: number;
        /** Default DEFAULT_PILOT_RESOURCES. */
        readonly resources?: ResourceRequirements;
    };
    /**
     * Default "REGISTRY_ONLY": sidecars reach only services in the mesh registry, so a
     * compromised pod cannot call arbitrary hosts; each outside dependency gets a ServiceEntry.
     * "ALLOW_ANY" passes unknown destinations through.
     */
    readonly outboundTrafficPolicy?: "REGISTRY_ONLY" | "ALLOW_ANY";
    /**
     * The Istio CNI node agent sets up traffic redirection instead of a privileged init
     * container, so app pods need no NET_ADMIN/NET_RAW and app namespaces can enforce the
     * "baseline" Pod Security level. Default { enabled: true, namespace: "kube-system" }
     * (kube-system, because the agent itself needs host access that "baseline" refuses).
     */
    readonly cni?: { readonly enabled?: boolean; readonly namespace?: string };
}

/** Control-plane size where the caller gives none. */
export const DEFAULT_PILOT_RESOURCES: ResourceRequirements = { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };

export interface ResolvedIstioArgs {
    version: string;
    namespace: string;
    gateway: { namespace: string; replicas: number; maxReplicas: number; serviceType: "LoadBalancer" | "ClusterIP"; tlsCredentialName?: string };
    appNamespaces: string[];
    samplingPercent: number;
    pilot: { replicas: number; resources: ResourceRequirements };
    outboundTrafficPolicy: "REGISTRY_ONLY" | "ALLOW_ANY";
    cni: { enabled: boolean; namespace: string };
}

function checkNamespace(path: string, ns: string): void {
    if (!DNS_LABEL.test(ns) || ns.length > 63) fail(path, `${path} "${ns}" is not a namespace name (DNS label); use e.g. "istio-system"`);
}

/** Validates the arguments and returns them with defaults applied. Throws InputPropertyError on the first problem. */
export function validateIstioArgs(args: IstioArgs): ResolvedIstioArgs {
    if (!CHART_VERSION.test(args.version ?? "")) fail("version", `version "${args.version}" is not an exact chart version; pin one such as "1.23.2"`);
    const namespace = args.namespace ?? "istio-system";
    checkNamespace("namespace", namespace);
    const gatewayNamespace = args.gateway.namespace ?? "istio-ingress";
    checkNamespace("gateway.namespace", gatewayNamespace);
    if (gatewayNamespace === namespace) fail("gateway.namespace", `gateway.namespace "${gatewayNamespace}" equals the control plane namespace; keep the internet-facing gateway apart, e.g. "istio-ingress"`);
    checkInt("gateway.replicas", args.gateway.replicas, 1, 50);
    const maxReplicas = args.gateway.maxReplicas ?? args.gateway.replicas * 3;
    checkInt("gateway.maxReplicas", maxReplicas, args.gateway.replicas, 100);
    const serviceType = args.gateway.serviceType ?? "ClusterIP";
    if (serviceType !== "ClusterIP" && serviceType !== "LoadBalancer") fail("gateway.serviceType", `gateway.serviceType "${serviceType}" must be "ClusterIP" or "LoadBalancer"`);
    if (!args.appNamespaces || args.appNamespaces.length === 0) fail("appNamespaces", "appNamespaces is empty; list the namespaces the apps run in");
    const seen = new Set<string>();
    args.appNamespaces.forEach((ns, i) => {
        checkNamespace(`appNamespaces[${i}]`, ns);
        if (seen.has(ns)) fail(`appNamespaces[${i}]`, `appNamespaces lists "${ns}" twice; list each once`);
        if (ns === namespace || ns === gatewayNamespace || ns === "kube-system") fail(`appNamespaces[${i}]`, `appNamespaces[${i}] "${ns}" is a system namespace; apps need their own`);
        seen.add(ns);
    });
    if (args.tracing?.otlpEndpoint !== undefined && args.tracing?.zipkinAddress !== undefined) {
        fail("tracing", "tracing sets both otlpEndpoint and zipkinAddress; choose one (otlpEndpoint for Tempo)");
    }
    const samplingPercent = args.tracing?.samplingPercent ?? 1;
    if (!(samplingPercent >= 0 && samplingPercent <= 100)) fail("tracing.samplingPercent", `tracing.samplingPercent ${samplingPercent} must be from 0 to 100`);
    const pilot = { replicas: args.pilot?.replicas ?? 2, resources: args.pilot?.resources ?? DEFAULT_PILOT_RESOURCES };
    checkInt("pilot.replicas", pilot.replicas, 1, 10);
    checkResources("pilot.resources", pilot.resources);
    const outboundTrafficPolicy = args.outboundTrafficPolicy ?? "REGISTRY_ONLY";
    if (outboundTrafficPolicy !== "REGISTRY_ONLY" && outboundTrafficPolicy !== "ALLOW_ANY") fail("outboundTrafficPolicy", `outboundTrafficPolicy "${outboundTrafficPolicy}" must be "REGISTRY_ONLY" or "ALLOW_ANY"`);
    const cni = { enabled: args.cni?.enabled ?? true, namespace: args.cni?.namespace ?? "kube-system" };
    checkNamespace("cni.namespace", cni.namespace);
    if (args.gateway.tlsCredentialName !== undefined && !DNS_LABEL.test(args.gateway.tlsCredentialName)) {
        fail("gateway.tlsCredentialName", `gateway.tlsCredentialName "${args.gateway.tlsCredentialName}" is not a Secret name`);
    }
    return {
        version: args.version,
        namespace,
        gateway: { namespace: gatewayNamespace, replicas: args.gateway.replicas, maxReplicas, serviceType, tlsCredentialName: args.gateway.tlsCredentialName },
        appNamespaces: [...args.appNamespaces],
        samplingPercent,
        pilot,
        outboundTrafficPolicy,
        cni,
    };
}

/** Splits "host:port" into its parts; throws naming the value when it is not of that form. */
export function parseHostPort(value: string, what: string): { host: string; port: number } {
    const m = /^([a-z0-9.-]+):(\d{1,5})$/i.exec(value.replace(/^[a-z]+:\/\//i, ""));
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new Error(`${what} "${value}" is not "host:port"; give e.g. "tempo.monitoring.svc.cluster.local:4317"`);
    return { host: m[1], port };
}
