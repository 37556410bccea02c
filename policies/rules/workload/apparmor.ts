import { rule } from "../util/rule";
import { containersOf, describeContainer, get, podSecurityContext } from "../util/podspec";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** Annotation values PSS baseline allows: unset, the runtime default or a node-local profile. */
function allowedAnnotation(value: unknown): boolean {
    return value === undefined || value === "" || value === "runtime/default" || (typeof value === "string" && value.startsWith("localhost/"));
}

/** appArmorProfile.type values PSS baseline allows. */
function allowedType(type: unknown): boolean {
    return type === undefined || type === "RuntimeDefault" || type === "Localhost";
}

/**
 * Prevents turning AppArmor off (Unconfined) through the legacy per-container annotations
 * or securityContext.appArmorProfile at pod or container level. Severity medium, mandatory.
 * PSS baseline "AppArmor", Kubescape C-0055 (Linux hardening).
 */
export const apparmor = rule(
    {
        name: "apparmor",
        description: "AppArmor must not be set to Unconfined.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "apparmor" }, nsaCisa: "pod-security", kubescape: ["C-0055"] },
        remediationSteps: "Remove Unconfined AppArmor settings; use RuntimeDefault (runtime/default) or a Localhost profile.",
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        for (const [key, value] of Object.entries(pod.annotations)) {
            if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(value)) {
                out.push(`annotation ${pod.annotationsPath}["${key}"] is "${String(value)}"; use "runtime/default" or "localhost/<profile>"`);
            }
        }
        const podType = get(podSecurityContext(pod), "appArmorProfile", "type");
        if (!allowedType(podType)) {
            out.push(`${pod.specPath}.securityContext.appArmorProfile.type is "${String(podType)}"; use RuntimeDefault or Localhost`);
        }
        for (const c of containersOf(pod)) {
            const type = get(c.securityContext, "appArmorProfile", "type");
            if (!allowedType(type)) {
                out.push(`${describeContainer(c)} sets ${c.path}.securityContext.appArmorProfile.type to "${String(type)}"; use RuntimeDefault or Localhost`);
            }
        }
        return out;
    },
);
