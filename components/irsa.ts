/**
 * IAM roles for Kubernetes ServiceAccounts (IRSA) on EKS, shared by the component folders that
 * give a pod an AWS identity (an app's secrets role, Velero's backup role): one trust policy,
 * for exactly one ServiceAccount, read from the cluster layer's OIDC provider ARN.
 */

/** The ServiceAccount annotation EKS's pod identity webhook (and ESO's jwt auth) read the role from. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** An IAM OIDC provider ARN, `arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>`. */
const OIDC_PROVIDER_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):oidc-provider\/(.+)$/;

/** Partition, account and issuer of an OIDC provider ARN; throws naming the value and where it comes from. */
export function parseOidcProviderArn(arn: string): { partition: string; account: string; issuer: string } {
    const m = OIDC_PROVIDER_ARN.exec(arn);
    if (!m) throw new Error(`OIDC provider ARN "${arn}" is not arn:<partition>:iam::<account>:oidc-provider/<issuer>; it comes from the cluster layer's oidcProviderArn output`);
    return { partition: m[1], account: m[2], issuer: m[3] };
}

/** The trust policy: AssumeRoleWithWebIdentity for exactly one ServiceAccount, audience STS. */
export function trustPolicy(oidcProviderArn: string, namespace: string, serviceAccount: string): string {
    const { issuer } = parseOidcProviderArn(oidcProviderArn);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`, [`${issuer}:aud`]: "sts.amazonaws.com" } },
        }],
    });
}
