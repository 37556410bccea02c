import { rule } from "../util/rule";
import { asObj, isExternalSecretsObject } from "./util";

/**
 * Flags SecretStores and ClusterSecretStores for AWS (Secrets Manager or Parameter Store) that
 * do not authenticate with IRSA, i.e. `provider.aws.auth.jwt.serviceAccountRef`:
 * - `auth.secretRef`: long-lived access keys in a Kubernetes Secret, readable by anyone who can
 *   read that Secret, never rotated by AWS;
 * - no auth at all: the operator falls back to its own ambient credentials (its pod's role or
 *   the node's instance profile), one identity shared by every store in the cluster, so the
 *   per-app scope of the secret store is lost.
 * Severity high, mandatory. CIS EKS 5.2.1 "Prefer using dedicated EKS Service Accounts" (IRSA),
 * CIS Kubernetes 5.4.2 "Consider external secret storage".
 */
export const secretStoreIrsa = rule(
    {
        name: "secret-store-irsa",
        description: "AWS SecretStores must authenticate with IRSA (jwt serviceAccountRef), not static keys or the operator's own credentials.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.4.2"], cisEks: ["5.2.1"], nsaCisa: "authentication-authorization" },
        remediationSteps:
            "Set spec.provider.aws.auth.jwt.serviceAccountRef.name to the app's ServiceAccount (annotated eks.amazonaws.com/role-arn with a role scoped to the app's secrets) and remove auth.secretRef.",
        scope: { kinds: ["SecretStore", "ClusterSecretStore"] },
    },
    (obj) => {
        if (!isExternalSecretsObject(obj.props)) return [];
        const aws = asObj(asObj(asObj(obj.props.spec)?.provider)?.aws);
        if (!aws) return [];
        const auth = asObj(aws.auth);
        if (auth?.secretRef !== undefined && auth.secretRef !== null) {
            return ["spec.provider.aws.auth.secretRef authenticates with static AWS access keys; use auth.jwt.serviceAccountRef (IRSA) and delete the keys"];
        }
        const sa = asObj(asObj(auth?.jwt)?.serviceAccountRef)?.name;
        if (typeof sa === "string" && sa !== "") return [];
        return ["spec.provider.aws.auth sets no jwt.serviceAccountRef, so the operator uses its own credentials, shared by every store; set auth.jwt.serviceAccountRef.name to the app's IRSA ServiceAccount"];
    },
);
