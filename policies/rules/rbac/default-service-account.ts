import { rule } from "../util/rule";
import { metaOf } from "../util/kind";
import { reportBindingSubjects } from "./util";

/**
 * Prevents bindings that grant permissions to a namespace's "default" service account, or to
 * the system:serviceaccounts groups that contain it. Every pod that does not name its own
 * service account runs as "default", so the permissions become ambient for the namespace.
 * Severity medium; CIS Kubernetes 5.1.5, Kubescape C-0189.
 */
export const rbacNoDefaultServiceAccountBinding = rule(
    {
        name: "rbac-no-default-service-account-binding",
        description: "Bindings must not grant permissions to the default service account (or all service accounts).",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.5"], cisEks: ["4.1.5"], kubescape: ["C-0189"] },
        remediationSteps: "Create a dedicated ServiceAccount for the workload and bind that instead of default (or system:serviceaccounts).",
        scope: "resource",
    },
    (args, reportViolation) => {
        const { namespace } = metaOf(args.props);
        reportBindingSubjects(args, reportViolation, (s) => {
            const isDefault = s.kind === "ServiceAccount" && s.name === "default";
            const isAllSa = s.kind === "Group" && /^system:serviceaccounts(:.+)?$/.test(s.name ?? "");
            if (!isDefault && !isAllSa) return undefined;
            const who = isDefault ? `ServiceAccount ${s.namespace ?? namespace ?? ""}/default`.replace(" /", " ") : `Group ${s.name}`;
            return `grants its role to ${who}: create a dedicated ServiceAccount for the workload and bind that instead.`;
        });
    },
);
