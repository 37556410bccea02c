/**
 * Values of the vmware-tanzu `velero` chart: the AWS object store plugin at a pinned tag, IRSA
 * instead of a credentials Secret, one backup location (the bucket), no volume snapshots and no
 * node agent, and every container non-root with a read-only root filesystem, no privilege
 * escalation, no capabilities and the RuntimeDefault seccomp profile (Pod Security "restricted").
 */
import { IRSA_ROLE_ANNOTATION } from "../irsa";

/** The object store plugin for S3, pinned by tag (v1.12 is the release for Velero v1.16, chart 10.0). */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.12.0";

/** Name of the one BackupStorageLocation; the Schedule's backups go there. */
export const BACKUP_LOCATION = "default";

/** The ServiceAccount Velero's server runs as; the IAM role trusts exactly this one. */
export const VELERO_SERVICE_ACCOUNT = "velero";

/** The container securityContext of every Velero container (the server and the plugin init container). */
export const HARDENED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
} as const;

export interface VeleroValuesArgs {
    readonly bucket: string;
    readonly region: string;
    readonly roleArn: string;
    readonly kmsKeyArn: string;
}

export function veleroValues(a: VeleroValuesArgs): Record<string, unknown> {
    return {
        initContainers: [{
            name: "velero-plugin-for-aws",
            image: VELERO_AWS_PLUGIN_IMAGE,
            imagePullPolicy: "IfNotPresent",
            volumeMounts: [{ mountPath: "/target", name: "plugins" }],
            securityContext: HARDENED_CONTAINER,
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        }],
        // 65534 (nobody): non-root, and fsGroup lets the server read the projected IRSA token.
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: HARDENED_CONTAINER,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        // No static keys anywhere: the pod identity webhook gives the server the role below.
        credentials: { useSecret: false },
        serviceAccount: { server: { create: true, name: VELERO_SERVICE_ACCOUNT, annotations: { [IRSA_ROLE_ANNOTATION]: a.roleArn } } },
        configuration: {
            backupStorageLocation: [{
                name: BACKUP_LOCATION,
                provider: "aws",
                bucket: a.bucket,
                default: true,
                accessMode: "ReadWrite",
                config: { region: a.region, kmsKeyId: a.kmsKeyArn },
            }],
            volumeSnapshotLocation: [],
            defaultVolumesToFsBackup: false,
        },
        backupsEnabled: true,
        // The platform's workloads keep no state in volumes (Prometheus, Loki and Tempo data are
        // rebuilt, not restored), so no EBS snapshots and no node agent, which would need host
        // paths and root on every node.
        snapshotsEnabled: false,
        deployNodeAgent: false,
        // The CRDs come with the chart's crds/ on install. The upgrade job would pull a separate
        // kubectl image; a chart bump that changes CRDs applies them first (README, "Disaster recovery").
        upgradeCRDs: false,
        cleanUpCRDs: false,
        // Scraped by the monitoring stack, which selects every ServiceMonitor; the backup alerts read these metrics.
        metrics: { enabled: true, serviceMonitor: { enabled: true } },
        // The Schedule is a Pulumi resource of its own (schedule.ts), so it is previewed and schema-checked.
        schedules: {},
    };
}
