/**
 * Helpers shared by the mesh rules: recognising Istio and Kubernetes kinds whether they come
 * as typed resources, CustomResources or YAML-rendered objects, reading metadata, and filling
 * policy config defaults.
 */
import { k8sKind } from "../util/kind";

export { k8sKind };


/** True when the resource is `kind` in API `group`. */
export function isKind(type: string, props: Record<string, unknown>, group: string, kind: string): boolean {
    const k = k8sKind(type, props);
    return k?.group === group && k.kind === kind;
}

export const PEER_AUTHENTICATION = { group: "security.istio.io", kind: "PeerAuthentication" };
export const DESTINATION_RULE = { group: "networking.istio.io", kind: "DestinationRule" };

/** metadata of a Kubernetes object (name, namespace, labels, annotations). */
export function metaOf(obj: Record<string, unknown> | undefined): {
    name?: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
} {
    const md = (obj?.metadata ?? {}) as Record<string, unknown>;
    const map = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, string>) : {});
    return {
        name: typeof md.name === "string" ? md.name : undefined,
        namespace: typeof md.namespace === "string" ? md.namespace : undefined,
        labels: map(md.labels),
        annotations: map(md.annotations),
    };
}

/** Policy config with the schema defaults filled in (the Analyzer passes only what the user set). */
export function configWithDefaults<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const set = Object.entries(args.getConfig<Partial<T>>() ?? {}).filter(([, v]) => v !== undefined);
    return { ...defaults, ...Object.fromEntries(set) } as T;
}

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
