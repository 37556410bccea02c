/**
 * External Secrets Operator: the controller that copies secrets from AWS Secrets Manager into
 * Kubernetes Secrets, per app, through each app's own SecretStore and IAM role (see
 * components/workload/secrets.ts). It holds no AWS credentials of its own: for every
 * SecretStore it requests a token for the app's ServiceAccount and assumes that app's role,
 * so one app's store can never read another app's folder.
 *
 * The chart installs its CRDs (ExternalSecret, SecretStore, ...) with the release, so a
 * layer that creates those objects runs after the one that installs this.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { helmReleaseSafety } from "../helm";
import { podSecurityLabels } from "../pod-security";
import { checkChartVersion, externalSecretsValues } from "./values";

export const EXTERNAL_SECRETS_CHARTS = "https://charts.external-secrets.io";

export interface SecretsOperatorArgs {
    /** Exact chart version of `external-secrets` (environments/<env>.yaml charts.externalSecrets). */
    readonly version: string;
    /** Namespace the operator runs in. Default "external-secrets": its own, so its RBAC and pods stay apart. */
    readonly namespace?: string;
    /** Controller and webhook replicas. Default 2: a node drain never stops secret syncs or blocks applies. */
    readonly replicas?: number;
}

/** `platform:secrets:SecretsOperator`: a namespace at PSS "restricted" and the hardened chart in it. */
export class SecretsOperator extends pulumi.ComponentResource {
    /** Namespace the operator runs in. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: SecretsOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:secrets:SecretsOperator", name, {}, opts);
        checkChartVersion(args.version);
        const replicas = args.replicas ?? 2;
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            // Every pod of the chart meets "restricted" with the values below, so it is enforced.
            metadata: { name: args.namespace ?? "external-secrets", labels: { ...podSecurityLabels("restricted", "restricted"), "app.kubernetes.io/part-of": "external-secrets" } },
        }, { parent: this });
        new k8s.helm.v3.Release(`${name}-external-secrets`, {
            name: "external-secrets",
            chart: "external-secrets",
            version: args.version,
            repositoryOpts: { repo: EXTERNAL_SECRETS_CHARTS },
            namespace: ns.metadata.name,
            values: externalSecretsValues(replicas),
            // CRDs and three Deployments (controller, webhook, cert controller): 10 minutes.
            ...helmReleaseSafety(600),
        }, { parent: this });
        this.namespace = ns.metadata.name;
        this.registerOutputs({ namespace: this.namespace });
    }
}
