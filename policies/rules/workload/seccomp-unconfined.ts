import { rule } from "../util/rule";
import { containersOf, describeContainer, get, podSecurityContext } from "../util/podspec";

const LEGACY_POD = "seccomp.security.alpha.kubernetes.io/pod";
const LEGACY_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/";

/**
 * Prevents disabling seccomp (Unconfined) at pod or container level, or through the legacy
 * alpha annotations, which exposes every syscall to the container. Severity high, mandatory.
 * PSS baseline "Seccomp", Kubescape C-0055 (Linux hardening).
 */
export const seccompUnconfined = rule(
    {
        name: "seccomp-unconfined",
        description: "Seccomp must not be set to Unconfined.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "seccomp" }, nsaCisa: "pod-security", kubescape: ["C-0055"] },
        remediationSteps: "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) instead of Unconfined.",
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        if (get(podSecurityContext(pod), "seccompProfile", "type") === "Unconfined") {
            out.push(`${pod.specPath}.securityContext.seccompProfile.type is Unconfined; set it to RuntimeDefault`);
        }
        for (const c of containersOf(pod)) {
            if (get(c.securityContext, "seccompProfile", "type") === "Unconfined") {
                out.push(`${describeContainer(c)} sets ${c.path}.securityContext.seccompProfile.type to Unconfined; set it to RuntimeDefault`);
            }
        }
        for (const [key, value] of Object.entries(pod.annotations)) {
            if ((key === LEGACY_POD || key.startsWith(LEGACY_CONTAINER)) && value === "unconfined") {
                out.push(`annotation ${pod.annotationsPath}["${key}"] is "unconfined"; remove it and set seccompProfile.type to RuntimeDefault`);
            }
        }
        return out;
    },
);
