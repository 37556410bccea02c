/**
 * Layer "mesh": Istio (base -> istiod -> gateway), mesh-wide STRICT mTLS, injection on app
 * namespaces, and, with progressive delivery, the Argo Rollouts controller that shifts mesh traffic.
 */
import { ArgoRollouts } from "../components/mesh/argo-rollouts";
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
    // The canary controller, only where an environment rolls out progressively (components/mesh/argo-rollouts.ts).
    const rollouts = env.apps.progressiveDelivery.enabled
        ? new ArgoRollouts("rollouts", { version: chartVersion(env, "argoRollouts") }, { provider, dependsOn: [istio] })
        : undefined;
    return {
        namespace: istio.namespace,
        gatewayNamespace: istio.gatewayNamespace,
        gatewayService: istio.gatewayService,
        appNamespaces: istio.appNamespaces,
        monitoringNamespace: monitoring.namespace,
        version: istio.version,
        prometheusUrl: monitoring.prometheusUrl,
        rolloutsNamespace: rollouts ? rollouts.namespace : "",
    };
}
