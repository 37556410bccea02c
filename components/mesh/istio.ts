/**
 * The Istio service mesh, installed in the order its parts need: namespaces, istio-base (CRDs),
 * the CNI node agent, istiod, then the ingress gateway. Mesh-wide STRICT mTLS, sidecar injection
 * on the app namespaces, and Prometheus scraping of every Envoy and of istiod.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { helmReleaseSafety } from "../helm";
import { podSecurityLabels } from "../pod-security";
import { IstioArgs, parseHostPort, validateIstioArgs } from "./args";
import {
    ISTIO_RELEASES,
    TracingTarget,
    appNamespacePodSecurity,
    baseValues,
    cniValues,
    envoyPodMonitor,
    gatewayValues,
    istiodServiceMonitor,
    istiodValues,
    publicGateway,
    strictPeerAuthentication,
} from "./values";

export { IstioArgs, validateIstioArgs } from "./args";

const ISTIO_CHARTS = "https://istio-release.storage.googleapis.com/charts";

/** istiod and the gateway become ready within minutes; a failed install rolls itself back. */
const RELEASE_SAFETY = helmReleaseSafety(600);

export class Istio extends pulumi.ComponentResource {
    /** Root namespace of the mesh (istiod, mesh-wide policy). */
    public readonly namespace: pulumi.Output<string>;
    /** Namespace of the ingress gateway. */
    public readonly gatewayNamespace: pulumi.Output<string>;
    /** Name of the Istio Gateway app VirtualServices bind to, as "<gatewayNamespace>/<gatewayService>". */
    public readonly gatewayService: pulumi.Output<string>;
    /** Namespaces created with sidecar injection on. */
    public readonly appNamespaces: pulumi.Output<string[]>;
    /** Istio chart version installed. */
    public readonly version: pulumi.Output<string>;

    constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:mesh:Istio", name, {}, opts);
        const a = validateIstioArgs(args);
        const child = { parent: this };
        const chart = (chartName: string) => ({ chart: chartName, version: a.version, repositoryOpts: { repo: ISTIO_CHARTS }, ...RELEASE_SAFETY });

        // The control plane and gateway need nothing "baseline" refuses; "restricted" is
        // reported only, because the charts do not set a seccomp profile on every pod.
        const rootNs = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: a.namespace, labels: podSecurityLabels("baseline", "restricted") },
        }, child);
        const gatewayNs = new k8s.core.v1.Namespace(`${name}-gateway-namespace`, {
            metadata: { name: a.gateway.namespace, labels: podSecurityLabels("baseline", "restricted") },
        }, child);
        const appNs = a.appNamespaces.map((ns) => new k8s.core.v1.Namespace(`${name}-app-${ns}`, {
            metadata: { name: ns, labels: { ...podSecurityLabels(appNamespacePodSecurity(a.cni.enabled), "restricted"), "istio-injection": "enabled" } },
        }, child));

        const base = new k8s.helm.v3.Release(`${name}-base`, {
            name: ISTIO_RELEASES.base,
            namespace: rootNs.metadata.name,
            values: baseValues(a),
            ...chart("base"),
        }, child);

        const istiodDeps: pulumi.Resource[] = [base];
        if (a.cni.enabled) {
            istiodDeps.push(new k8s.helm.v3.Release(`${name}-cni`, {
                name: ISTIO_RELEASES.cni,
                namespace: a.cni.namespace,
                values: cniValues(a),
                ...chart("cni"),
            }, { parent: this, dependsOn: [base] }));
        }

        const tracing = pulumi.all([args.tracing?.otlpEndpoint, args.tracing?.zipkinAddress]).apply(([otlp, zipkin]): TracingTarget => ({
            // An empty endpoint means the tracing backend is switched off upstream.
            otlp: otlp ? parseHostPort(otlp, "tracing.otlpEndpoint") : undefined,
            zipkinAddress: zipkin || undefined,
        }));
        const istiod = new k8s.helm.v3.Release(`${name}-istiod`, {
            name: ISTIO_RELEASES.istiod,
            namespace: rootNs.metadata.name,
            values: tracing.apply((t) => istiodValues(a, t)),
            ...chart("istiod"),
        }, { parent: this, dependsOn: istiodDeps });

        const gateway = new k8s.helm.v3.Release(`${name}-gateway`, {
            name: ISTIO_RELEASES.gateway,
            namespace: gatewayNs.metadata.name,
            values: gatewayValues(a),
            ...chart("gateway"),
        }, { parent: this, dependsOn: [istiod] });

        // After istiod: its validating webhook must be serving, or the API server rejects Istio objects.
        new k8s.apiextensions.CustomResource(`${name}-mtls-strict`, strictPeerAuthentication(a.namespace) as k8s.apiextensions.CustomResourceArgs, {
            parent: this,
            dependsOn: [istiod, rootNs],
        });
        const publicGw = new k8s.apiextensions.CustomResource(`${name}-public-gateway`, publicGateway(a) as k8s.apiextensions.CustomResourceArgs, {
            parent: this,
            dependsOn: [gateway, gatewayNs],
        });

        new k8s.apiextensions.CustomResource(`${name}-envoy-podmonitor`, envoyPodMonitor(args.monitoringNamespace) as k8s.apiextensions.CustomResourceArgs, child);
        new k8s.apiextensions.CustomResource(`${name}-istiod-servicemonitor`, istiodServiceMonitor(args.monitoringNamespace, a.namespace) as k8s.apiextensions.CustomResourceArgs, child);

        this.namespace = rootNs.metadata.name;
        this.gatewayNamespace = gatewayNs.metadata.name;
        this.gatewayService = publicGw.metadata.name;
        this.appNamespaces = pulumi.all(appNs.map((ns) => ns.metadata.name));
        this.version = istiod.version;
        this.registerOutputs({
            namespace: this.namespace,
            gatewayNamespace: this.gatewayNamespace,
            gatewayService: this.gatewayService,
            appNamespaces: this.appNamespaces,
            version: this.version,
        });
    }
}
