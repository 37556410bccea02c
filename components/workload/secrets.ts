/**
 * An app's access to its own secrets in AWS Secrets Manager, through External Secrets Operator:
 *
 *   IAM role (IRSA)  trusted only by the OIDC identity of this app's ServiceAccount, allowed only
 *                    secretsmanager:GetSecretValue/DescribeSecret on `platform/<env>/<app>/*`
 *   SecretStore      in the app's namespace: Secrets Manager, the region, and jwt auth with the
 *                    app's ServiceAccount, so the operator acts with this app's role only
 *   ExternalSecret   `<app>-secrets`: each named secret copied into a Kubernetes Secret of that
 *                    name, re-read every refreshInterval
 *
 * The pod mounts that Secret read-only as files (deployment.ts), one per variable. The values
 * never pass through Pulumi: the program names keys, the operator reads values in the cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { IRSA_ROLE_ANNOTATION, parseOidcProviderArn, trustPolicy } from "../irsa";
import type { AppSecretsSettings, AppSettings } from "./args";

export { IRSA_ROLE_ANNOTATION, parseOidcProviderArn, trustPolicy };

/** The API group and version of the External Secrets objects (served by chart 0.17 and later). */
export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

/** The permissions: read (not list, not write) the secrets under the app's folder, nothing else. */
export function readPolicy(oidcProviderArn: string, region: string, folder: string): string {
    const { partition, account } = parseOidcProviderArn(oidcProviderArn);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "ReadOwnSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: `arn:${partition}:secretsmanager:${region}:${account}:secret:${folder}*`,
        }],
    });
}

/** The IRSA role of the app; its ARN goes on the ServiceAccount (created after it). */
export function createSecretsRole(name: string, namespace: pulumi.Input<string>, s: AppSettings, secrets: AppSecretsSettings, parent: pulumi.Resource): aws.iam.Role {
    const role = new aws.iam.Role(`${name}-secrets-role`, {
        description: `Reads ${secrets.folder}* for ServiceAccount ${s.name} (External Secrets)`,
        assumeRolePolicy: pulumi.all([secrets.oidcProviderArn, namespace]).apply(([arn, ns]) => trustPolicy(arn, ns, s.name)),
        maxSessionDuration: 3600,
        tags: secrets.tags,
    }, { parent });
    new aws.iam.RolePolicy(`${name}-secrets-read`, {
        role: role.id,
        policy: pulumi.output(secrets.oidcProviderArn).apply((arn) => readPolicy(arn, secrets.region, secrets.folder)),
    }, { parent });
    return role;
}

/** The SecretStore and ExternalSecret; returns the ExternalSecret and the name of the Secret it writes. */
export function createExternalSecret(
    name: string,
    namespace: pulumi.Input<string>,
    s: AppSettings,
    secrets: AppSecretsSettings,
    serviceAccount: k8s.core.v1.ServiceAccount,
    parent: pulumi.Resource,
): { externalSecret: k8s.apiextensions.CustomResource; secretName: string } {
    const store = new k8s.apiextensions.CustomResource(`${name}-secret-store`, {
        apiVersion: EXTERNAL_SECRETS_API,
        kind: "SecretStore",
        metadata: { name: s.name, namespace, labels: s.labels },
        spec: {
            provider: {
                aws: {
                    service: "SecretsManager",
                    region: secrets.region,
                    // No static keys: the operator gets a token for the app's ServiceAccount and
                    // assumes the role on its eks.amazonaws.com/role-arn annotation.
                    auth: { jwt: { serviceAccountRef: { name: serviceAccount.metadata.name } } },
                },
            },
        },
    }, { parent });
    const secretName = `${s.name}-secrets`;
    const externalSecret = new k8s.apiextensions.CustomResource(`${name}-external-secret`, {
        apiVersion: EXTERNAL_SECRETS_API,
        kind: "ExternalSecret",
        metadata: { name: secretName, namespace, labels: s.labels },
        spec: {
            refreshInterval: secrets.refreshInterval,
            secretStoreRef: { kind: "SecretStore", name: store.metadata.name },
            // The operator owns the Secret: deleting the ExternalSecret deletes it too.
            target: { name: secretName, creationPolicy: "Owner" },
            data: secrets.refs.map((r) => ({
                secretKey: r.variable,
                remoteRef: { key: `${secrets.folder}${r.key}`, ...(r.property ? { property: r.property } : {}) },
            })),
        },
    }, { parent });
    return { externalSecret, secretName };
}
