import { rule } from "../util/rule";
import { asList, asObject, label } from "./util";

/**
 * Prevents EKS clusters without envelope encryption of Kubernetes Secrets under a customer KMS key
 * (encryptionConfig with resources ["secrets"] and provider.keyArn). With a key you control you
 * can audit, rotate and revoke access to every Secret stored in etcd.
 * Severity high; CIS Amazon EKS 5.3.1, Kubescape C-0066.
 */
export const eksSecretsEncryption = rule(
    {
        name: "eks-secrets-encryption",
        description: "EKS clusters must encrypt Kubernetes Secrets with a customer-managed KMS key.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisEks: ["5.3.1"], nsaCisa: "network-separation", awsFsbp: ["EKS.3"], kubescape: ["C-0066"] },
        remediationSteps: "Add encryptionConfig { resources: [\"secrets\"], provider.keyArn: <customer KMS key ARN> } to the cluster.",
        scope: "resource",
        types: ["aws:eks/cluster:Cluster"],
    },
    (args, reportViolation) => {
        // encryptionConfig is one block in current providers and was a list in older ones.
        const ok = asList<Record<string, unknown>>(args.props.encryptionConfig).some((c) => {
            const resources = asList<string>(asObject(c).resources);
            const keyArn = asObject(asObject(c).provider).keyArn;
            return resources.includes("secrets") && typeof keyArn === "string" && keyArn.length > 0;
        });
        if (ok) return;
        reportViolation(
            `${label(args)} does not encrypt Secrets with a KMS key: set encryptionConfig ` +
                `{ resources: ["secrets"], provider: { keyArn: <KMS key ARN> } }.`,
        );
    },
);
