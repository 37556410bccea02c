import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Requires allowPrivilegeEscalation: false on every container, so setuid binaries and file
 * capabilities cannot raise a process's privileges (no_new_privs). Severity high, mandatory.
 * PSS restricted "Privilege Escalation", CIS Kubernetes 5.2.6, Kubescape C-0016.
 */
export const privilegeEscalation = rule(
    {
        name: "privilege-escalation",
        description: "Containers must set allowPrivilegeEscalation to false.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "privilege-escalation" }, cisKubernetes: ["5.2.6"], cisEks: ["4.2.5"], nsaCisa: "pod-security", kubescape: ["C-0016"] },
        remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on every container.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod)
            .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
            .map((c) => {
                const value: unknown = c.securityContext.allowPrivilegeEscalation;
                // null is unset: the runtime's default (escalation allowed) applies, as when the field is absent.
                // Any other non-boolean (a string "false") is no false either: name what was written.
                const now = value === undefined || value === null ? "does not set" : value === true ? "sets true at" : `sets ${JSON.stringify(value) ?? String(value)}, not the boolean false, at`;
                return `${describeContainer(c)} ${now} ${c.path}.securityContext.allowPrivilegeEscalation; set it to false`;
            }),
);
