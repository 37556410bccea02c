/**
 * The backup: section of environment files (Velero schedules, README "Disaster recovery"):
 * defaults per cluster kind, and one rule per case with the one-line error naming field and fix.
 */
import * as assert from "assert";
import { backupEnabled, backupNamespaces } from "../../environments/schema";
import { accepted, errorFor, replace } from "./helpers";

/** The backup retention line of dev.yaml (monitoring.logs has a retentionDays of its own). */
const RETENTION = "retentionDays: 7\n  includedNamespaces";
const DEV_BACKUP = 'backup:\n  schedule: "0 */6 * * *"\n  retentionDays: 7\n  includedNamespaces: [apps]\n';

describe("environment schema: backup", () => {
    it("is on for the AWS environments with their schedule, retention and namespaces, off for local", () => {
        const dev = accepted((t) => t);
        assert.strictEqual(backupEnabled(dev), true);
        assert.deepStrictEqual({ ...dev.backup }, { schedule: "0 */6 * * *", retentionDays: 7, includedNamespaces: ["apps"] });
        assert.strictEqual(accepted((t) => t, "prod").backup.schedule, "0 * * * *");
        assert.strictEqual(accepted((t) => t, "prod").backup.retentionDays, 30);
        assert.strictEqual(backupEnabled(accepted((t) => t, "local")), false);
    });

    it("defaults to on for EKS, every 6 hours, 14 days, the apps namespace", () => {
        const env = accepted((t) => replace(t, DEV_BACKUP, ""));
        assert.strictEqual(backupEnabled(env), true);
        assert.strictEqual(env.backup.schedule, "0 */6 * * *");
        assert.strictEqual(env.backup.retentionDays, 14);
        assert.deepStrictEqual(backupNamespaces(env), [env.apps.namespace]);
        assert.strictEqual(backupEnabled(accepted((t) => replace(t, DEV_BACKUP, "backup:\n  enabled: false\n"))), false);
    });

    it("refuses backups turned on without AWS, in one line naming the field and the fix", () => {
        assert.match(errorFor((t) => replace(t, "backup:\n  enabled: false", "backup:\n  enabled: true"), "local"),
            /^environments\/local\.yaml: backup\.enabled \(true\) is true, but backups go to an S3 bucket through an IAM role for Velero's ServiceAccount \(IRSA\), which needs AWS and an EKS cluster and this cluster is existing; set it to false$/);
    });

    it("refuses a schedule that is not a five-field cron expression", () => {
        for (const bad of ['"@every 6h"', '"0 */6 * *"', '"0 */6 * * * *"', '"every six hours"', '"0 */6 * * MON"']) {
            assert.match(errorFor((t) => replace(t, 'schedule: "0 */6 * * *"', `schedule: ${bad}`)),
                /backup\.schedule \(".*"\) must be a five-field cron expression such as "0 \*\/6 \* \* \*" \(minute hour day month weekday, UTC\)$/, bad);
        }
        assert.strictEqual(accepted((t) => replace(t, 'schedule: "0 */6 * * *"', 'schedule: "15 1,13 * * 1-5"')).backup.schedule, "15 1,13 * * 1-5");
    });

    it("refuses a retention outside 1-3650 days and a fractional one", () => {
        assert.match(errorFor((t) => replace(t, RETENTION, "retentionDays: 0\n  includedNamespaces")), /backup\.retentionDays \(0\) must be at least 1$/);
        assert.match(errorFor((t) => replace(t, RETENTION, "retentionDays: 4000\n  includedNamespaces")), /backup\.retentionDays \(4000\) must be at most 3650$/);
        assert.match(errorFor((t) => replace(t, RETENTION, "retentionDays: 1.5\n  includedNamespaces")), /backup\.retentionDays/);
    });

    it("refuses an empty, malformed or repeated namespace list", () => {
        assert.match(errorFor((t) => replace(t, "includedNamespaces: [apps]", "includedNamespaces: []")), /backup\.includedNamespaces .*must name at least one namespace, e\.g\. \[apps\]$/);
        assert.match(errorFor((t) => replace(t, "includedNamespaces: [apps]", "includedNamespaces: [Apps]")), /backup\.includedNamespaces\.0 \("Apps"\) must be lower-case letters/);
        assert.match(errorFor((t) => replace(t, "includedNamespaces: [apps]", "includedNamespaces: [apps, monitoring, apps]")), /backup\.includedNamespaces\.2 \("apps"\) names "apps" twice; list each namespace once$/);
    });

    it("requires an exact Velero chart version and knows no other backup field", () => {
        assert.match(errorFor((t) => replace(t, / {2}velero: 10\.0\.10 .*\n/, "")), /charts\.velero/);
        assert.match(errorFor((t) => replace(t, "velero: 10.0.10", "velero: ~10.0")), /charts\.velero \("~10\.0"\) must be an exact chart version/);
        assert.match(errorFor((t) => replace(t, RETENTION, "ttl: 7d\n  includedNamespaces")), /"ttl" \(in backup\) is not a known field; remove it, or use one of: enabled, schedule, retentionDays, includedNamespaces$/);
    });
});
