/** Layer "mesh": Istio (base -> istiod -> gateway), mesh-wide STRICT mTLS, injection on app namespaces. */
import { Istio } from "../components/mesh/istio";
import type { Environment } from "../environments/schema";
import { clusterProvider } from "./k8s";
import { chartVersion } from "./settings";
import type { LayerProgramOutputs } from "./types";
import { readUpstream } from "./upstream";

export function meshLayer(env: Environment): LayerProgramOutputs<"mesh"> {
    const provider = clusterProvider(env.name);
    const monitoring = readUpstream(env.name, "monitoring");
    const istio = new Istio(
        "mesh",
        {
            version: chartVersion(env, "istio"),
            gateway: { replicas: env.mesh.gateway.replicas, serviceType: env.mesh.gateway.serviceType },
            appNamespaces: [env.apps.namespace],
            monitoringNamespace: monitoring.namespace,
            tracing: env.monitoring.tracing.enabled ? { otlpEndpoint: monitoring.tempoOtlpEndpoint } : undefined,
        },
        { provider },
    );
    return {
        namespace: istio.namespace,
        gatewayNamespace: istio.gatewayNamespace,
        gatewayService: istio.gatewayService,
        appNamespaces: istio.appNamespaces,
        monitoringNamespace: monitoring.namespace,
        version: istio.version,
    };
}
