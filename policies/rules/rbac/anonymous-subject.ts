import { rule } from "../util/rule";
import { reportBindingSubjects } from "./util";

const ANONYMOUS = ["system:anonymous", "system:unauthenticated"];

/**
 * Prevents bindings whose subjects are the anonymous user or the unauthenticated group: whatever
 * the role grants is then available to anyone who can reach the API server without credentials.
 * Severity critical; Kubescape C-0262 (anonymous access enabled).
 */
export const rbacNoAnonymousSubject = rule(
    {
        name: "rbac-no-anonymous-subject",
        description: "Bindings must not grant permissions to system:anonymous or system:unauthenticated.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { kubescape: ["C-0262"] },
        remediationSteps: "Remove system:anonymous and system:unauthenticated from the subjects; bind authenticated identities only.",
        scope: "resource",
    },
    (args, reportViolation) =>
        reportBindingSubjects(args, reportViolation, (s) =>
            (s.kind === "User" || s.kind === "Group") && s.name !== undefined && ANONYMOUS.includes(s.name)
                ? `grants its role to ${s.kind} ${s.name}: remove that subject and bind an authenticated user, group or service account instead.`
                : undefined,
        ),
);
