import { rule } from "../util/rule";
import { BASELINE_CAPABILITIES, normalizeCapability } from "../util/capabilities";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Prevents adding capabilities beyond the runtime defaults (SYS_ADMIN, NET_ADMIN, NET_RAW,
 * ...), which open kernel attack surface and container escapes. Severity high, mandatory.
 * PSS baseline "Capabilities", CIS Kubernetes 5.2.9, Kubescape C-0046.
 */
export const capabilitiesBaseline = rule(
    {
        name: "capabilities-baseline",
        description: "Containers may add only the baseline capability set.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "capabilities" }, cisKubernetes: ["5.2.9"], cisEks: ["4.2.8"], nsaCisa: "pod-security", kubescape: ["C-0046"] },
        remediationSteps: `Remove capabilities.add entries outside ${BASELINE_CAPABILITIES.join(", ")}.`,
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        for (const c of containersOf(pod)) {
            const add: unknown[] = Array.isArray(c.securityContext.capabilities?.add) ? c.securityContext.capabilities.add : [];
            const bad = add.map(normalizeCapability).filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
            if (bad.length > 0) {
                out.push(`${describeContainer(c)} adds ${bad.join(", ")} at ${c.path}.securityContext.capabilities.add; remove them`);
            }
        }
        return out;
    },
);
