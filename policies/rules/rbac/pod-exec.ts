import { EXEC } from "./dangerous";
import { roleGrantRule } from "./util";

/**
 * Prevents Roles and ClusterRoles that allow exec or attach into pods. Exec runs arbitrary
 * commands inside any matching container, with its service account token and mounted secrets.
 * kubectl uses POST (create) and the WebSocket protocol uses GET (get), so both verbs count.
 * Severity high; Kubescape C-0002 (exec into container).
 */
export const rbacNoPodExec = roleGrantRule(
    {
        name: "rbac-no-pod-exec",
        description: "Roles must not grant create or get on pods/exec or pods/attach.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { kubescape: ["C-0002"] },
        remediationSteps: "Remove create/get on pods/exec and pods/attach; give break-glass access outside the stack.",
    },
    {
        perms: EXEC,
        what: "exec/attach into pods",
        fix: "remove pods/exec and pods/attach; debug through logs, metrics or an audited break-glass role.",
    },
);
