import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";
import { BASELINE_CAPABILITIES, normalizeCapability } from "../util/capabilities";

/**
 * Requires every container to drop ALL capabilities and add back at most NET_BIND_SERVICE,
 * so a compromised process holds no kernel privileges (NET_RAW spoofing, CHOWN, SETUID...).
 * Severity medium, mandatory. PSS restricted "Capabilities", CIS Kubernetes 5.2.8,
 * Kubescape C-0046. Adds outside the baseline set are left to capabilities-baseline so one
 * mistake gives one finding.
 */
export const capabilitiesRestricted = rule(
    {
        name: "capabilities-restricted",
        description: "Containers must drop ALL capabilities and add only NET_BIND_SERVICE.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "capabilities" }, cisKubernetes: ["5.2.8"], cisEks: ["4.2.7"], nsaCisa: "pod-security", kubescape: ["C-0046"] },
        remediationSteps: 'Set securityContext.capabilities to { drop: ["ALL"] } (add: ["NET_BIND_SERVICE"] only if needed).',
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        for (const c of containersOf(pod)) {
            const caps = c.securityContext.capabilities ?? {};
            // Stryker disable next-line ArrayDeclaration: the fallback only feeds includes("ALL"); ["Stryker was here"] holds no ALL either, so the finding is the same
            const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
            if (!drop.map(normalizeCapability).includes("ALL")) {
                out.push(`${describeContainer(c)} does not drop ALL at ${c.path}.securityContext.capabilities.drop; set it to ["ALL"]`);
            }
            // Stryker disable next-line ArrayDeclaration: the fallback only feeds a filter on baseline capabilities; "STRYKER WAS HERE" is not one, so nothing is reported either way
            const add: unknown[] = Array.isArray(caps.add) ? caps.add : [];
            const extra = add
                .map(normalizeCapability)
                .filter((cap) => cap !== "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.includes(cap));
            if (extra.length > 0) {
                out.push(`${describeContainer(c)} adds ${extra.join(", ")} at ${c.path}.securityContext.capabilities.add; only NET_BIND_SERVICE is allowed`);
            }
        }
        return out;
    },
);
