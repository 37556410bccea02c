import { ESCALATION } from "./dangerous";
import { roleGrantRule } from "./util";

/**
 * Prevents Roles and ClusterRoles with the escalate, bind or impersonate verbs (explicitly or via
 * "*"). escalate lets a subject write roles with permissions it lacks, bind lets it bind any
 * role, impersonate lets it act as any user, group or service account; each is a path to admin.
 * A bind limited with resourceNames (e.g. only to "view") is the safe form and passes.
 * Severity high; CIS Kubernetes 5.1.8, Kubescape C-0191.
 */
export const rbacNoEscalateBindImpersonate = roleGrantRule(
    {
        name: "rbac-no-escalate-bind-impersonate",
        description: "Roles must not grant escalate or bind on roles, or impersonate on users/groups/service accounts.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.8"], cisEks: ["4.1.8"], kubescape: ["C-0191"] },
        remediationSteps: "Remove escalate, bind and impersonate from the rule, or limit them with resourceNames to reviewed roles.",
    },
    {
        perms: ESCALATION,
        what: "escalate, bind or impersonate",
        fix: "remove these verbs, or limit bind to specific roles with resourceNames.",
    },
);
