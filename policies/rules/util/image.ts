/**
 * Container image references: parsing (registry, repository, tag, digest) and matching
 * against allowed-registry patterns. Follows the Docker reference grammar: the first path
 * segment is a registry only if it has a dot or port or is "localhost"; otherwise the
 * image is on Docker Hub.
 */

export interface ImageRef {
    registry: string;
    /** Path inside the registry, e.g. "library/nginx". */
    repository: string;
    tag?: string;
    /** "sha256:..." when pinned. */
    digest?: string;
}

/** Parses an image reference; returns undefined for an empty or non-string value. */
export function parseImage(ref: unknown): ImageRef | undefined {
    if (typeof ref !== "string" || ref.trim() === "") return undefined;
    let rest = ref.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
    }
    const parts = rest.split("/");
    const first = parts[0];
    const hasRegistry = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first : "docker.io";
    let repository = hasRegistry ? parts.slice(1).join("/") : rest;
    if (!hasRegistry && parts.length === 1) repository = `library/${repository}`;
    return { registry, repository, tag, digest };
}

function globToRegExp(pattern: string): RegExp {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
    return new RegExp(`^${escaped}$`);
}

/**
 * True when the image's "registry/repository" equals an allowed entry or lies under it.
 * Entries are a registry ("quay.io") or a registry path prefix ("ghcr.io/acme"); `*` matches
 * within one segment ("*.dkr.ecr.*.amazonaws.com").
 */
export function isAllowedRegistry(image: ImageRef, allowed: readonly string[]): boolean {
    const full = `${image.registry}/${image.repository}`.split("/");
    return allowed.some((entry) => {
        const segments = entry.replace(/\/+$/, "").split("/");
        if (segments.length > full.length) return false;
        return segments.every((seg, i) => globToRegExp(seg).test(full[i]));
    });
}
