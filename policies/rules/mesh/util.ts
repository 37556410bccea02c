/**
 * Helpers shared by the mesh rules: recognising Istio kinds and Helm releases, and the
 * namespaces outside the mesh data plane.
 */
import { k8sKind } from "../util/kind";

/** True when the resource is `kind` in API `group`. */
export function isKind(type: string, props: Record<string, unknown>, group: string, kind: string): boolean {
    const k = k8sKind(type, props);
    return k?.group === group && k.kind === kind;
}

export const PEER_AUTHENTICATION = { group: "security.istio.io", kind: "PeerAuthentication" };
export const DESTINATION_RULE = { group: "networking.istio.io", kind: "DestinationRule" };

/** Chart name of a Helm release or chart resource ("istio/istiod", "oci://r/istiod" -> "istiod"), if it is one. */
export function helmChartName(type: string, props: Record<string, unknown>): string | undefined {
    if (!/^kubernetes:helm\.sh\/v\d+:(Release|Chart)$/.test(type)) return undefined;
    const chart = typeof props.chart === "string" ? props.chart : undefined;
    return chart?.replace(/\/+$/, "").split("/").pop()?.replace(/\.tgz$/, "").replace(/-\d+\.\d+\.\d+.*$/, "");
}

/** Namespaces that are never part of the mesh data plane. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "istio-system"];

export const exemptNamespacesSchema = {
    exemptNamespaces: {
        type: "array" as const,
        items: { type: "string" as const },
        default: SYSTEM_NAMESPACES,
        description: "Namespaces outside the mesh data plane (control plane and Kubernetes system namespaces).",
    },
};
