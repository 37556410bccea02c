import { rule } from "../util/rule";
import { reportBindingSubjects } from "./util";

/**
 * Prevents bindings that name system:masters as a subject. Members of system:masters bypass RBAC
 * entirely and cannot be removed by deleting bindings, so granting anything to it (or naming a
 * user after it) hides unrevocable admin access behind an innocent-looking binding.
 * Severity critical; CIS Kubernetes 5.1.7, Kubescape C-0246.
 */
export const rbacNoSystemMastersSubject = rule(
    {
        name: "rbac-no-system-masters-subject",
        description: "Bindings must not name the system:masters group (or a user of that name) as a subject.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.7"], cisEks: ["4.1.7"], kubescape: ["C-0246"] },
        remediationSteps: "Remove system:masters from the subjects; it bypasses RBAC and cannot be revoked by removing bindings.",
        scope: "resource",
    },
    (args, reportViolation) =>
        reportBindingSubjects(args, reportViolation, (s) =>
            (s.kind === "User" || s.kind === "Group") && s.name === "system:masters"
                ? `names ${s.kind} system:masters: use a dedicated group bound to a least-privilege role; system:masters bypasses RBAC.`
                : undefined,
        ),
);
