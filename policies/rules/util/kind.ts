/** Recognising Kubernetes kinds whether they come as typed resources, CustomResources or rendered objects. */

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
