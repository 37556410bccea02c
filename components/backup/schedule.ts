/**
 * The Velero Schedule (velero.io/v1) of an environment: when backups run, which namespaces they
 * hold, how long each is kept, and where it goes.
 */
import { CRON } from "../../common/patterns";
import { fail } from "../validation";
import { BACKUP_LOCATION } from "./values";

export interface ScheduleSettings {
    /** Five-field cron expression, UTC. */
    readonly schedule: string;
    /** Days each backup is kept: Velero deletes it after this ttl. */
    readonly retentionDays: number;
    readonly includedNamespaces: readonly string[];
}

/** Refuses settings the Schedule could not run with, naming the value and the fix. */
export function validateScheduleSettings(s: ScheduleSettings): void {
    if (!CRON.test(s.schedule)) fail("schedule", `schedule "${s.schedule}" is not a five-field cron expression; use e.g. "0 */6 * * *"`);
    if (!Number.isInteger(s.retentionDays) || s.retentionDays < 1 || s.retentionDays > 3650) fail("retentionDays", `retentionDays ${s.retentionDays} is out of range; use 1-3650`);
    if (s.includedNamespaces.length === 0) fail("includedNamespaces", "includedNamespaces is empty, so backups would hold every namespace; name the ones to back up, e.g. [\"apps\"]");
}

/** A retention in days as the Go duration a backup's ttl takes ("168h0m0s" for 7). */
export function ttlFor(days: number): string {
    return `${days * 24}h0m0s`;
}

/** The Schedule's spec. */
export function scheduleSpec(s: ScheduleSettings): Record<string, unknown> {
    validateScheduleSettings(s);
    return {
        schedule: s.schedule,
        // Backups outlive the Schedule: deleting it (a layer destroy) must not delete them.
        useOwnerReferencesInBackup: false,
        paused: false,
        template: {
            includedNamespaces: [...s.includedNamespaces],
            ttl: ttlFor(s.retentionDays),
            storageLocation: BACKUP_LOCATION,
            snapshotVolumes: false,
            defaultVolumesToFsBackup: false,
        },
    };
}
