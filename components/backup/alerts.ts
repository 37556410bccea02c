/**
 * Alerts on the cluster backups, from the metrics Velero's server exports (scraped through the
 * chart's ServiceMonitor): a backup of the Schedule that failed or partly failed, and no
 * successful backup for longer than two of the Schedule's intervals (which also covers Velero
 * being down or no longer scraped). The interval is the longest gap between two runs of the
 * Schedule's cron, so "0 9 * * 1-5" waits out a weekend before calling a backup missing.
 */
import { CronExpressionParser } from "cron-parser";
import { withRunbooks, type AlertRule } from "../alerting";
import { fail } from "../validation";

/** The longest time in seconds between two consecutive runs of a five-field cron (UTC), over 62 days of runs. */
export function longestInterval(cron: string): number {
    let runs;
    try {
        runs = CronExpressionParser.parse(cron, { tz: "UTC", currentDate: new Date("2026-01-01T00:00:00Z") });
    } catch (err) {
        fail("schedule", `schedule "${cron}" is not a cron expression (${(err as Error).message}); use e.g. "0 */6 * * *"`);
    }
    const end = Date.parse("2026-03-04T00:00:00Z");
    let previous = runs.next().getTime();
    let longest = 0;
    for (let i = 0; i < 20_000 && previous < end; i++) {
        const next = runs.next().getTime();
        longest = Math.max(longest, next - previous);
        previous = next;
    }
    return Math.round(longest / 1000);
}

/** Seconds as a Prometheus duration in whole minutes ("370m"). */
function minutes(seconds: number): string {
    return `${Math.ceil(seconds / 60)}m`;
}

export interface BackupAlertArgs {
    /** Name of the Velero Schedule, the `schedule` label of Velero's metrics. */
    readonly schedule: string;
    /** Its cron. */
    readonly cron: string;
    /** Base of every runbook_url, as for the app alerts. Default RUNBOOKS_PATH. */
    readonly runbookBaseUrl?: string;
}

/** The alerting rules of one Velero Schedule. */
export function backupAlertRules(a: BackupAlertArgs): AlertRule[] {
    const interval = longestInterval(a.cron);
    // Two intervals and ten minutes: one run may fail or run long without a page, two in a row may not.
    const missingAfter = 2 * interval + 600;
    const sel = `schedule="${a.schedule}"`;
    const rules: AlertRule[] = [
        {
            alert: "VeleroBackupFailed",
            expr: `(increase(velero_backup_failure_total{${sel}}[${minutes(interval + 600)}]) + increase(velero_backup_partial_failure_total{${sel}}[${minutes(interval + 600)}])) > 0`,
            for: "0m",
            labels: { severity: "warning", schedule: a.schedule },
            annotations: {
                summary: `A backup of Velero Schedule ${a.schedule} failed or partly failed`,
                description: `Velero reported a failed or partially failed backup of ${a.schedule} in the last ${minutes(interval + 600)}; the newest restorable backup is older than the Schedule promises.`,
            },
        },
        {
            alert: "VeleroBackupMissing",
            expr: `(time() - velero_backup_last_successful_timestamp{${sel}}) > ${missingAfter} or absent(velero_backup_last_successful_timestamp{${sel}})`,
            for: "10m",
            labels: { severity: "critical", schedule: a.schedule },
            annotations: {
                summary: `No successful backup of Velero Schedule ${a.schedule} for two intervals`,
                description: `The last successful backup of ${a.schedule} is more than ${minutes(missingAfter)} old, or Velero exports no such metric (not running, or not scraped): the RPO is not being met.`,
            },
        },
    ];
    return withRunbooks(rules, a.runbookBaseUrl);
}
