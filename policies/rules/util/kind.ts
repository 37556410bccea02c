/**
 * Recognising Kubernetes kinds whether they come as typed resources, CustomResources or rendered
 * objects, and reading their metadata as written (no defaults, unlike podspec.ts).
 */

/** Kubernetes group ("" for core) and kind of a resource, from its type token or its apiVersion/kind props. */
export function k8sKind(type: string, props: Record<string, unknown> | undefined): { group: string; kind: string } | undefined {
    const m = /^kubernetes:([^:/]+)\/[^:]+:([A-Za-z0-9]+)$/.exec(type);
    if (m && m[2] !== "CustomResource") {
        return { group: m[1] === "core" ? "" : m[1], kind: m[2].replace(/Patch$/, "") };
    }
    const apiVersion = typeof props?.apiVersion === "string" ? props.apiVersion : undefined;
    const kind = typeof props?.kind === "string" ? props.kind : undefined;
    if (!apiVersion || !kind) return undefined;
    return { group: apiVersion.includes("/") ? apiVersion.split("/")[0] : "", kind };
}

/** metadata of a Kubernetes object (name, namespace, labels, annotations) as written. */
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

/** "namespace/name" (or "name" when there is no namespace), `fallback` standing in for a missing name. */
export function qualifiedName(props: Record<string, unknown>, fallback: string): string {
    const { name, namespace } = metaOf(props);
    return `${namespace ? `${namespace}/` : ""}${name ?? fallback}`;
}
