import { roleGrantRule } from "./util";

/**
 * Flags Roles and ClusterRoles that can create, update or patch Pods. Creating a pod can mount
 * any service account (and Secret) in the namespace, so it is a token-theft path; updating a pod
 * can swap its image and run code under the pod's identity. Controllers legitimately need it, so
 * this is advisory: review the subjects and prefer granting workload controllers instead.
 * Severity medium; CIS Kubernetes 5.1.4, Kubescape C-0188.
 */
export const rbacNoPodCreate = roleGrantRule(
    {
        name: "rbac-no-pod-create",
        description: "Roles should not create, update or patch Pods directly.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { cisKubernetes: ["5.1.4"], cisEks: ["4.1.4"], kubescape: ["C-0188"] },
        remediationSteps: "Let a controller (Deployment, Job) create pods; remove create/update/patch on pods from the role.",
    },
    {
        perms: [{ verbs: ["create", "update", "patch"], group: "", resource: "pods" }],
        what: "create/update/patch on pods",
        fix: "grant it only to controllers that must create pods, and list them in exemptRoles after review.",
    },
);
