/**
 * Cluster backups with Velero: the encrypted, versioned bucket (bucket.ts), Velero's IRSA role
 * (iam.ts), the hardened chart in its own namespace (values.ts) and the environment's Schedule
 * (schedule.ts). Backups hold Kubernetes objects of the included namespaces; the platform's own
 * layers are rebuilt by Pulumi from code and state (README, "Disaster recovery").
 *
 * Needs a Kubernetes and an AWS provider: pass both in `providers`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { helmReleaseSafety } from "../helm";
import { podSecurityLabels } from "../pod-security";
import { CHART_VERSION } from "../../common/patterns";
import { fail } from "../validation";
import { createBackupBucket } from "./bucket";
import { createVeleroRole } from "./iam";
import { backupAlertRules } from "./alerts";
import { SCHEDULE_NAME, VELERO_API, VELERO_NAMESPACE } from "./api";
import { scheduleSpec, validateScheduleSettings, type ScheduleSettings } from "./schedule";
import { VELERO_SERVICE_ACCOUNT, veleroValues } from "./values";

export const VMWARE_TANZU_CHARTS = "https://vmware-tanzu.github.io/helm-charts";

export interface ClusterBackupArgs {
    /** Exact version of the `velero` chart (environments/<env>.yaml charts.velero). */
    readonly version: string;
    /** AWS region of the bucket (the environment's). */
    readonly region: string;
    /** The cluster layer's oidcProviderArn, which Velero's role trusts. */
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly schedule: ScheduleSettings;
    /** Namespace Velero runs in. Default "velero": its own, since its server holds cluster-wide rights. */
    readonly namespace?: string;
    readonly tags?: Record<string, string>;
    /** Base of the alerts' runbook_url (the environment's apps.runbookBaseUrl). Default docs/runbooks.md. */
    readonly runbookBaseUrl?: string;
}

/** Checks the arguments before any resource is made. */
export function validateClusterBackupArgs(args: ClusterBackupArgs): void {
    if (!CHART_VERSION.test(args.version)) fail("version", `version "${args.version}" is not an exact chart version; pin one such as "10.0.10"`);
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(args.region)) fail("region", `region "${args.region}" is not an AWS region; use e.g. "eu-west-1"`);
    validateScheduleSettings(args.schedule);
}

/** `platform:backup:ClusterBackup`. */
export class ClusterBackup extends pulumi.ComponentResource {
    /** Name of the backup bucket. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of Velero's IAM role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Namespace Velero runs in. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: ClusterBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:backup:ClusterBackup", name, {}, opts);
        validateClusterBackupArgs(args);
        const namespace = args.namespace ?? VELERO_NAMESPACE;
        const { bucket, key } = createBackupBucket(name, { noncurrentDays: args.schedule.retentionDays, tags: args.tags }, this);
        const role = createVeleroRole(name, {
            oidcProviderArn: args.oidcProviderArn,
            namespace,
            serviceAccount: VELERO_SERVICE_ACCOUNT,
            bucketArn: bucket.arn,
            keyArn: key.arn,
            tags: args.tags,
        }, this);
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: namespace, labels: { ...podSecurityLabels("restricted", "restricted"), "app.kubernetes.io/part-of": "velero" } },
        }, { parent: this });
        const release = new k8s.helm.v3.Release(`${name}-velero`, {
            name: "velero",
            chart: "velero",
            version: args.version,
            repositoryOpts: { repo: VMWARE_TANZU_CHARTS },
            namespace: ns.metadata.name,
            values: pulumi.all([bucket.bucket, role.arn, key.arn]).apply(([b, r, k]) => veleroValues({ bucket: b, region: args.region, roleArn: r, kmsKeyArn: k })),
            ...helmReleaseSafety(600),
        }, { parent: this });
        // The Schedule's CRD comes with the chart, so it waits for the release.
        new k8s.apiextensions.CustomResource(`${name}-schedule`, {
            apiVersion: VELERO_API,
            kind: "Schedule",
            metadata: { name: SCHEDULE_NAME, namespace: ns.metadata.name, labels: { "app.kubernetes.io/part-of": "velero" } },
            spec: scheduleSpec(args.schedule),
        }, { parent: this, dependsOn: [release] });
        // Velero's metrics reach Prometheus through the chart's ServiceMonitor (values.ts); these alert on them.
        new k8s.apiextensions.CustomResource(`${name}-alerts`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: "velero-backups", namespace: ns.metadata.name, labels: { release: "kube-prometheus-stack", "app.kubernetes.io/part-of": "velero", "app.kubernetes.io/component": "alert-rules" } },
            spec: { groups: [{ name: "velero.backups.rules", rules: backupAlertRules({ schedule: SCHEDULE_NAME, cron: args.schedule.schedule, runbookBaseUrl: args.runbookBaseUrl }) }] },
        }, { parent: this });
        this.bucketName = bucket.bucket;
        this.roleArn = role.arn;
        this.namespace = ns.metadata.name;
        this.registerOutputs({ bucketName: this.bucketName, roleArn: this.roleArn, namespace: this.namespace });
    }
}
