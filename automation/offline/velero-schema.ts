/**
 * A schema check for Velero's Schedule (velero.io/v1), which no kubernetes-models package covers
 * (Velero ships its CRDs with its own binary). Written from the Velero v1 API types (ScheduleSpec
 * and the BackupSpec of its template): the fields a Schedule may set, their types, the cron
 * expression and the ttl as a Go duration. Unknown fields are refused (the API server prunes
 * them silently, so `template.ttlDays` would quietly keep backups for Velero's default 30 days).
 * Same shape as a kubernetes-models class: construct, then `validate()`.
 */

import { anything, at, bool, int, list, object, oneOf, string, stringMap, type Check, type Json } from "./crd-checks";

/** A Go duration as metav1.Duration parses it: "720h0m0s", "90m", "1.5h". */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const duration: Check = (v, path) => { if (typeof v !== "string" || !GO_DURATION.test(v)) at(path, 'must be a Go duration such as "720h0m0s"'); };

/** Velero's cron: five fields (robfig/cron's standard parser) or "@every <duration>" and the other descriptors. */
const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
const cron: Check = (v, path) => {
    if (typeof v !== "string" || v.trim() === "") at(path, "must be a cron expression");
    if (/^@every /.test(v)) return duration(v.slice("@every ".length), path);
    if (["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].includes(v)) return;
    const fields = v.trim().split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) at(path, `"${v}" is not a five-field cron expression (minute hour day month weekday)`);
};

const labelSelector: Check = (v, path) => object(v, path, {
    matchLabels: stringMap,
    matchExpressions: list((e, p) => object(e, p, { key: string, operator: oneOf(["In", "NotIn", "Exists", "DoesNotExist"]), values: list(string) }, ["key", "operator"])),
});

/** BackupSpec (velero.io/v1), the Schedule's template. */
const backupSpec: Check = (v, path) => object(v, path, {
    metadata: (m, p) => object(m, p, { labels: stringMap }),
    includedNamespaces: list(string),
    excludedNamespaces: list(string),
    includedResources: list(string),
    excludedResources: list(string),
    includedClusterScopedResources: list(string),
    excludedClusterScopedResources: list(string),
    includedNamespaceScopedResources: list(string),
    excludedNamespaceScopedResources: list(string),
    labelSelector,
    orLabelSelectors: list(labelSelector),
    snapshotVolumes: bool,
    ttl: duration,
    includeClusterResources: bool,
    hooks: anything,
    storageLocation: string,
    volumeSnapshotLocations: list(string),
    defaultVolumesToRestic: bool,
    defaultVolumesToFsBackup: bool,
    orderedResources: stringMap,
    csiSnapshotTimeout: duration,
    itemOperationTimeout: duration,
    resourcePolicy: (r, p) => object(r, p, { apiGroup: string, kind: string, name: string }, ["kind", "name"]),
    snapshotMoveData: bool,
    datamover: string,
    uploaderConfig: (u, p) => object(u, p, { parallelFilesUpload: int }),
});

function validateSchedule(obj: Json): void {
    object(obj, "Schedule", {
        apiVersion: oneOf(["velero.io/v1"]),
        kind: oneOf(["Schedule"]),
        metadata: anything,
        status: anything,
        spec: (spec, path) => object(spec, path, {
            schedule: cron,
            template: backupSpec,
            useOwnerReferencesInBackup: bool,
            paused: bool,
            skipImmediately: bool,
        }, ["schedule", "template"]),
    }, ["spec"]);
}

/** kubernetes-models-like class for velero.io/v1 Schedule. */
export class VeleroSchedule {
    static readonly apiVersion = "velero.io/v1";
    constructor(private readonly data: unknown) {}
    validate(): void {
        validateSchedule(this.data);
    }
}

/** RestoreSpec (velero.io/v1), written from the same API types. */
const restoreSpec: Check = (v, path) => object(v, path, {
    backupName: string,
    scheduleName: string,
    includedNamespaces: list(string),
    excludedNamespaces: list(string),
    includedResources: list(string),
    excludedResources: list(string),
    namespaceMapping: stringMap,
    labelSelector,
    orLabelSelectors: list(labelSelector),
    restorePVs: bool,
    restoreStatus: (r, p) => object(r, p, { includedResources: list(string), excludedResources: list(string) }),
    preserveNodePorts: bool,
    includeClusterResources: bool,
    hooks: anything,
    existingResourcePolicy: oneOf(["none", "update"]),
    itemOperationTimeout: duration,
    resourceModifier: (r, p) => object(r, p, { apiGroup: string, kind: oneOf(["ConfigMap"]), name: string }, ["kind", "name"]),
    uploaderConfig: (u, p) => object(u, p, { writeSparseFiles: bool, parallelFilesDownload: int }),
});

function validateKind(kind: string, spec: Check, obj: Json, requiredSpec: (s: Json) => void = () => undefined): void {
    object(obj, kind, {
        apiVersion: oneOf(["velero.io/v1"]),
        kind: oneOf([kind]),
        metadata: anything,
        status: anything,
        spec: (s, p) => { spec(s, p); requiredSpec(s); },
    }, ["spec"]);
}

/** kubernetes-models-like class for velero.io/v1 Backup (a backup made now, e.g. from a Schedule's template). */
export class VeleroBackup {
    static readonly apiVersion = "velero.io/v1";
    constructor(private readonly data: unknown) {}
    validate(): void {
        validateKind("Backup", backupSpec, this.data);
    }
}

/** kubernetes-models-like class for velero.io/v1 Restore; a restore names either a backup or a schedule. */
export class VeleroRestore {
    static readonly apiVersion = "velero.io/v1";
    constructor(private readonly data: unknown) {}
    validate(): void {
        validateKind("Restore", restoreSpec, this.data, (s) => {
            const spec = s as { backupName?: string; scheduleName?: string };
            if (!spec.backupName && !spec.scheduleName) at("Restore.spec", "must name backupName or scheduleName");
        });
    }
}

/** kubernetes-models-like class for velero.io/v1 DownloadRequest (a signed link to a backup's files). */
export class VeleroDownloadRequest {
    static readonly apiVersion = "velero.io/v1";
    constructor(private readonly data: unknown) {}
    validate(): void {
        validateKind("DownloadRequest", (s, p) => object(s, p, {
            target: (t, tp) => object(t, tp, {
                kind: oneOf(["BackupLog", "BackupContents", "BackupVolumeSnapshots", "BackupItemOperations", "BackupResourceList", "BackupResults", "RestoreLog", "RestoreResults", "RestoreResourceList", "RestoreItemOperations", "CSIBackupVolumeSnapshots", "CSIBackupVolumeSnapshotContents", "BackupVolumeInfos", "RestoreVolumeInfo"]),
                name: string,
            }, ["kind", "name"]),
        }, ["target"]), this.data);
    }
}
