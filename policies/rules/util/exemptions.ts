/**
 * Which objects a rule skips: the namespace and "namespace/name" exemptions, and the
 * reasoned `exemptions` entries (by namespace, name prefix, image, URN).
 */
import type { Exemption, PackConfig } from "../../config";
import { isAllowedRegistry, parseImage } from "./image";
import { metaOf } from "./kind";
import { containersOf, namespaceOf, podViewOf, type Obj, type PodView } from "./podspec";

/** What an exemption is matched against. */
export interface ExemptionTarget {
    namespace?: string;
    name: string;
    urn: string;
    /** Container images, for workloads. */
    images: readonly string[];
}

/**
 * The exemption target of a resource: its Kubernetes namespace ("default" when unset) and name
 * when it is a Kubernetes object. The rules skip by this and policy-exemptions lists by it, so
 * what is reported exempt is exactly what is skipped.
 */
export function exemptionTargetOf(r: { type: string; name: string; urn: string; props: Obj }): ExemptionTarget {
    const md = metaOf(r.props);
    const k8s = r.type.startsWith("kubernetes:");
    return { namespace: k8s ? namespaceOf(r.props) : md.namespace, name: md.name ?? r.name, urn: r.urn, images: imagesOf(podViewOf(r.type, r.props, r.name)) };
}

/** True when every selector `e` sets matches the target. */
export function exemptionMatches(e: Exemption, t: ExemptionTarget): boolean {
    if (e.namespace !== undefined && e.namespace !== t.namespace) return false;
    if (e.namePrefix !== undefined && !t.name.startsWith(e.namePrefix)) return false;
    if (e.urn !== undefined && e.urn !== t.urn) return false;
    if (e.image !== undefined) {
        const allow = [e.image];
        if (!t.images.some((img) => { const ref = parseImage(img); return ref !== undefined && isAllowedRegistry(ref, allow); })) return false;
    }
    return true;
}

/** The first exemption of `config` that covers `rule` for the target, if any. */
export function exemptionFor(rule: string, t: ExemptionTarget, config: PackConfig): Exemption | undefined {
    return config.exemptions.find((e) => (e.rules === undefined || e.rules.includes(rule)) && exemptionMatches(e, t));
}

/** Container images of a pod spec, for image exemptions. */
export function imagesOf(pod: PodView | undefined): string[] {
    return pod ? containersOf(pod).map((c) => c.container.image).filter((i): i is string => typeof i === "string") : [];
}

function matchesSegment(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return re.test(value);
}

/** True when the namespace is in exemptNamespaces or "namespace/name" matches an exemptObjects entry. */
export function isExempt(namespace: string, name: string, config: PackConfig): boolean {
    if (config.exemptNamespaces.includes(namespace)) return true;
    return config.exemptObjects.some((entry) => {
        const [ns, obj] = entry.split("/");
        return obj !== undefined && matchesSegment(ns, namespace) && matchesSegment(obj, name);
    });
}

