import type { ResourceRule } from "../types";
import { bindingKind, metaOf, subjectsOf } from "./util";

const ANONYMOUS = ["system:anonymous", "system:unauthenticated"];

/**
 * Prevents bindings whose subjects are the anonymous user or the unauthenticated group: whatever
 * the role grants is then available to anyone who can reach the API server without credentials.
 * Severity critical; Kubescape C-0262 (anonymous access enabled).
 */
export const rbacNoAnonymousSubject: ResourceRule = {
    name: "rbac-no-anonymous-subject",
    description: "Bindings must not grant permissions to system:anonymous or system:unauthenticated.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { kubescape: "C-0262" },
    validateResource: (args, reportViolation) => {
        const kind = bindingKind(args.type, args.props);
        if (!kind) return;
        for (const s of subjectsOf(args.props)) {
            if ((s.kind === "User" || s.kind === "Group") && s.name !== undefined && ANONYMOUS.includes(s.name)) {
                reportViolation(
                    `${kind} ${metaOf(args.props).name ?? args.name} grants its role to ${s.kind} ${s.name}: ` +
                        `remove that subject and bind an authenticated user, group or service account instead.`,
                );
            }
        }
    },
};
