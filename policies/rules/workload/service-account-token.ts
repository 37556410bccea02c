import { serviceAccountOf } from "../util/podspec";
import { rule } from "../util/rule";

/**
 * Prevents mounting the default ServiceAccount's API token into pods. A pod that needs the
 * Kubernetes API gets a dedicated ServiceAccount (bound by RBAC); every other pod sets
 * automountServiceAccountToken: false, so a compromised container holds no credentials.
 * Severity medium, mandatory. CIS Kubernetes 5.1.6, Kubescape C-0034.
 */
export const serviceAccountToken = rule(
    {
        name: "service-account-token",
        description: "Pods on the default ServiceAccount must set automountServiceAccountToken: false.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.6"], cisEks: ["4.1.6"], nsaCisa: "pod-security", kubescape: ["C-0034"] },
        remediationSteps: "Set automountServiceAccountToken: false, or give the pod a dedicated ServiceAccount if it calls the API.",
        scope: "pods",
    },
    (pod) => {
        if (pod.spec.automountServiceAccountToken === false || serviceAccountOf(pod) !== "default") return [];
        return [
            `the pod uses the default ServiceAccount and mounts its token; set ${pod.specPath}.automountServiceAccountToken ` +
                `to false (or set ${pod.specPath}.serviceAccountName to a dedicated ServiceAccount if it calls the API)`,
        ];
    },
);
