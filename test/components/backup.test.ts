/**
 * Cluster backups (components/backup): the bucket, Velero's IRSA role, the chart and the Schedule
 * under the SDK mock runtime, and the Schedule's hand-written schema check (velero-schema.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type { RecordedResource } from "../../automation/engine";
import { modelFor, validateObjects } from "../../automation/offline/k8s-schema";
import { VeleroSchedule } from "../../automation/offline/velero-schema";
import { ofType, recordProgram } from "../../automation/offline/mock-runtime";
import { backupAlertRules, longestInterval } from "../../components/backup/alerts";
import { backupPolicy } from "../../components/backup/iam";
import { scheduleSpec, ttlFor } from "../../components/backup/schedule";
import { HARDENED_CONTAINER, VELERO_AWS_PLUGIN_IMAGE } from "../../components/backup/values";
import { ClusterBackup, ClusterBackupArgs, validateClusterBackupArgs, VMWARE_TANZU_CHARTS } from "../../components/backup/velero";
import { oneInputs as one } from "./recorded";

const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ARGS: ClusterBackupArgs = {
    version: "10.0.10",
    region: "eu-west-1",
    oidcProviderArn: OIDC,
    schedule: { schedule: "0 */6 * * *", retentionDays: 7, includedNamespaces: ["apps"] },
};

async function record(args: ClusterBackupArgs) {
    return recordProgram(() => {
        const k8sProvider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const awsProvider = new aws.Provider("aws", { region: "eu-west-1" });
        new ClusterBackup("backup", args, { providers: [k8sProvider, awsProvider] });
        return {};
    });
}

const SCHEDULE = { apiVersion: "velero.io/v1", kind: "Schedule", metadata: { name: "platform", namespace: "velero" }, spec: scheduleSpec(ARGS.schedule) };

describe("cluster backups (Velero)", function () {
    let resources: RecordedResource[];
    before(async () => {
        resources = (await record(ARGS)).resources;
    });

    it("encrypts the bucket with its own rotated KMS key, versions it and blocks every public path", () => {
        const bucket = ofType(resources, "aws:s3/bucket:Bucket")[0];
        const key = one(resources, "aws:kms/key:Key");
        assert.equal(key.enableKeyRotation, true);
        const sse = one(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.equal(sse.rules.length, 1);
        assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.match(sse.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, /^arn:aws:kms:eu-west-1:\d{12}:key\//, "the bucket's own key, not the aws/s3 default");
        const versioning = one(resources, "aws:s3/bucketVersioning:BucketVersioning");
        assert.equal(versioning.versioningConfiguration.status, "Enabled");
        const block = one(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(block[flag], true, flag);
        assert.equal(one(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule.objectOwnership, "BucketOwnerEnforced");
        // Every setting names this bucket.
        for (const type of ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]) {
            assert.equal(one(resources, type).bucket, (bucket.inputs as any).bucket ?? one(resources, type).bucket);
            assert.ok(ofType(resources, type)[0].dependencies.includes(bucket.urn), `${type} depends on the bucket`);
        }
    });

    it("expires noncurrent versions after the retention, and refuses plain-HTTP requests", () => {
        const rules = one(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules;
        assert.equal(rules.length, 1);
        assert.equal(rules[0].status, "Enabled");
        assert.deepEqual(rules[0].noncurrentVersionExpiration, { noncurrentDays: 7 });
        const policy = JSON.parse(one(resources, "aws:s3/bucketPolicy:BucketPolicy").policy);
        assert.deepEqual(policy.Statement.map((s: any) => [s.Effect, s.Principal, s.Condition]), [["Deny", "*", { Bool: { "aws:SecureTransport": "false" } }]]);
    });

    it("keeps the bucket and its key when the layer is destroyed, and nothing else", async () => {
        // retainOnDelete is a resource option the mock runtime does not record; a transformation sees each child's options.
        const retained: string[] = [];
        await recordProgram(() => {
            const k8sProvider = new k8s.Provider("cluster", { kubeconfig: "{}" });
            const awsProvider = new aws.Provider("aws", { region: "eu-west-1" });
            new ClusterBackup("backup", ARGS, {
                providers: [k8sProvider, awsProvider],
                transformations: [(a) => { if (a.opts.retainOnDelete) retained.push(a.type); return undefined; }],
            });
            return {};
        });
        assert.deepEqual(retained.sort(), ["aws:kms/key:Key", "aws:s3/bucket:Bucket"]);
    });

    it("trusts exactly Velero's ServiceAccount through the cluster's OIDC provider", () => {
        const statement = JSON.parse(one(resources, "aws:iam/role:Role").assumeRolePolicy).Statement;
        assert.equal(statement.length, 1);
        assert.deepEqual(statement[0], {
            Effect: "Allow",
            Principal: { Federated: OIDC },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:velero:velero", [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
        });
    });

    it("allows only object access to that bucket and use of that key", () => {
        const policy = JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy").policy);
        const resourcesNamed = policy.Statement.flatMap((s: any) => [s.Resource].flat());
        assert.equal(policy.Statement.length, 3);
        for (const r of resourcesNamed) assert.match(r, /^arn:aws:s3:::backup-bucket-[0-9a-f]+(\/\*)?$|^arn:aws:kms:eu-west-1:\d{12}:key\//, r);
        assert.ok(!JSON.stringify(policy).includes('"*"'), "no wildcard resource or action");
        assert.ok(!policy.Statement.some((s: any) => [s.Action].flat().some((a: string) => a.startsWith("ec2:") || a === "s3:*" || a === "kms:*")));
        assert.deepEqual(JSON.parse(backupPolicy("arn:aws:s3:::b", "arn:aws:kms:eu-west-1:123456789012:key/k")).Statement.map((s: any) => s.Resource), ["arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:kms:eu-west-1:123456789012:key/k"]);
    });

    it("installs the pinned chart with IRSA, the pinned AWS plugin, hardened pods, no node agent and no snapshots", () => {
        const release = one(resources, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.chart, "velero");
        assert.equal(release.version, "10.0.10");
        assert.equal(release.repositoryOpts.repo, VMWARE_TANZU_CHARTS);
        const v = release.values;
        assert.equal(v.credentials.useSecret, false);
        assert.match(v.serviceAccount.server.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::\d{12}:role\//);
        assert.equal(v.serviceAccount.server.name, "velero");
        assert.deepEqual(v.initContainers.map((c: any) => c.image), [VELERO_AWS_PLUGIN_IMAGE]);
        assert.match(VELERO_AWS_PLUGIN_IMAGE, /^velero\/velero-plugin-for-aws:v\d+\.\d+\.\d+$/, "pinned by an exact tag");
        assert.deepEqual(v.initContainers[0].securityContext, HARDENED_CONTAINER);
        assert.deepEqual(v.containerSecurityContext, HARDENED_CONTAINER);
        assert.equal(v.podSecurityContext.runAsNonRoot, true);
        assert.equal(v.podSecurityContext.seccompProfile.type, "RuntimeDefault");
        assert.equal(v.deployNodeAgent, false);
        assert.equal(v.snapshotsEnabled, false);
        const [location] = v.configuration.backupStorageLocation;
        assert.equal(location.provider, "aws");
        assert.match(location.bucket, /^backup-bucket-/);
        assert.equal(location.config.region, "eu-west-1");
        const ns = one(resources, "kubernetes:core/v1:Namespace");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("schedules backups with the cron, ttl and namespaces of the settings, after the chart", () => {
        const found = ofType(resources, "kubernetes:velero.io/v1:Schedule");
        assert.equal(found.length, 1);
        const s = found[0].inputs as any;
        assert.equal(s.spec.schedule, "0 */6 * * *");
        assert.equal(s.spec.template.ttl, "168h0m0s");
        assert.deepEqual(s.spec.template.includedNamespaces, ["apps"]);
        assert.equal(s.spec.template.storageLocation, "default");
        assert.equal(s.spec.useOwnerReferencesInBackup, false, "backups outlive the Schedule");
        assert.equal(s.metadata.namespace, "velero");
        assert.ok(found[0].dependencies.includes(ofType(resources, "kubernetes:helm.sh/v3:Release")[0].urn), "waits for the chart's CRDs");
        assert.equal(ttlFor(30), "720h0m0s");
    });

    it("schema-checks the Schedule it makes, with zero issues and nothing unchecked", async () => {
        const report = await validateObjects(resources);
        assert.deepEqual(report.issues, []);
        assert.deepEqual(report.unchecked, []);
        assert.equal(modelFor("velero.io/v1", "Schedule"), VeleroSchedule);
    });

    it("refuses bad arguments before any resource, naming the value and the fix", () => {
        assert.throws(() => validateClusterBackupArgs({ ...ARGS, version: "^10.0" }), /version "\^10\.0" is not an exact chart version; pin one such as "10\.0\.10"/);
        assert.throws(() => validateClusterBackupArgs({ ...ARGS, schedule: { ...ARGS.schedule, schedule: "hourly" } }), /schedule "hourly" is not a five-field cron expression; use e\.g\. "0 \*\/6 \* \* \*"/);
        assert.throws(() => validateClusterBackupArgs({ ...ARGS, schedule: { ...ARGS.schedule, retentionDays: 0 } }), /retentionDays 0 is out of range; use 1-3650/);
        assert.throws(() => validateClusterBackupArgs({ ...ARGS, schedule: { ...ARGS.schedule, includedNamespaces: [] } }), /includedNamespaces is empty/);
        assert.throws(() => validateClusterBackupArgs({ ...ARGS, region: "europe" }), /region "europe" is not an AWS region/);
    });
});

describe("Velero Schedule schema (velero-schema.ts)", () => {
    const check = (obj: unknown) => new VeleroSchedule(obj).validate();
    const edit = (f: (s: any) => void) => { const s = JSON.parse(JSON.stringify(SCHEDULE)); f(s); return s; };

    it("accepts the Schedule the component makes and Velero's other documented forms", () => {
        check(SCHEDULE);
        check(edit((s) => { s.spec.schedule = "@every 6h"; s.spec.skipImmediately = true; s.spec.template.labelSelector = { matchLabels: { app: "x" } }; }));
        check(edit((s) => { s.spec.schedule = "15 1,13 * * 1-5"; s.spec.template.metadata = { labels: { a: "b" } }; }));
    });

    it("refuses a missing schedule or template", () => {
        assert.throws(() => check(edit((s) => { delete s.spec.schedule; })), /Schedule\.spec\.schedule: is required/);
        assert.throws(() => check(edit((s) => { delete s.spec.template; })), /Schedule\.spec\.template: is required/);
    });

    it("refuses a cron expression Velero cannot parse and a ttl that is no Go duration", () => {
        assert.throws(() => check(edit((s) => { s.spec.schedule = "0 */6 * *"; })), /spec\.schedule: "0 \*\/6 \* \*" is not a five-field cron expression/);
        assert.throws(() => check(edit((s) => { s.spec.template.ttl = "7d"; })), /spec\.template\.ttl: must be a Go duration such as "720h0m0s"/);
        assert.throws(() => check(edit((s) => { s.spec.template.ttl = 168; })), /spec\.template\.ttl: must be a Go duration/);
    });

    it("refuses unknown fields, which the API server would prune silently", () => {
        assert.throws(() => check(edit((s) => { s.spec.template.ttlDays = 7; })), /Schedule\.spec\.template\.ttlDays: is not a field of Schedule\.spec\.template/);
        assert.throws(() => check(edit((s) => { s.spec.cron = "0 * * * *"; })), /Schedule\.spec\.cron: is not a field of Schedule\.spec/);
    });

    it("refuses wrong types", () => {
        assert.throws(() => check(edit((s) => { s.spec.template.includedNamespaces = "apps"; })), /includedNamespaces: must be a list/);
        assert.throws(() => check(edit((s) => { s.spec.paused = "false"; })), /spec\.paused: must be true or false/);
        assert.throws(() => check(edit((s) => { s.kind = "Backup"; })), /Schedule\.kind: must be one of Schedule/);
    });
});

describe("cluster backups: alerts", function () {
    let resources: RecordedResource[];
    before(async () => {
        resources = (await record(ARGS)).resources;
    });

    it("measures the Schedule's interval as the longest gap between two runs of its cron", () => {
        assert.equal(longestInterval("0 */6 * * *"), 6 * 3600);
        assert.equal(longestInterval("0 * * * *"), 3600);
        assert.equal(longestInterval("15 1,13 * * *"), 12 * 3600);
        assert.equal(longestInterval("0 9 * * 1-5"), 72 * 3600, "Friday 09:00 to Monday 09:00");
        assert.throws(() => longestInterval("not a cron"), /schedule "not a cron" is not a cron expression/);
    });

    it("alerts on a failed backup within one interval and on none succeeding for two, in PromQL that parses", () => {
        const rules = backupAlertRules({ schedule: "platform", cron: "0 */6 * * *" });
        const failed = rules.find((r) => r.alert === "VeleroBackupFailed")!;
        const missing = rules.find((r) => r.alert === "VeleroBackupMissing")!;
        assert.match(failed.expr, /increase\(velero_backup_failure_total\{schedule="platform"\}\[370m\]\)/);
        assert.match(failed.expr, /velero_backup_partial_failure_total/);
        assert.match(missing.expr, /\(time\(\) - velero_backup_last_successful_timestamp\{schedule="platform"\}\) > 43800 or absent\(/);
        assert.equal(missing.labels.severity, "critical");
        for (const r of rules) {
            const tree = parser.parse(r.expr);
            let errors = 0;
            tree.iterate({ enter: (n) => { if (n.type.isError) errors++; } });
            assert.equal(errors, 0, `${r.alert}: ${r.expr}`);
        }
    });

    it("ships the rules as a PrometheusRule in Velero's namespace, scraped through the chart's ServiceMonitor, each linked to a runbook section", async () => {
        const rule = one(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        assert.equal(rule.metadata.namespace, "velero");
        assert.equal(rule.metadata.labels.release, "kube-prometheus-stack");
        const alerts = rule.spec.groups[0].rules;
        assert.deepEqual(alerts.map((r: any) => r.alert), ["VeleroBackupFailed", "VeleroBackupMissing"]);
        const runbooks = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "runbooks.md"), "utf8");
        const headings = new Set([...runbooks.matchAll(/^## (\S+)$/gm)].map((m) => m[1].toLowerCase()));
        for (const r of alerts) {
            assert.equal(r.annotations.runbook_url, `docs/runbooks.md#${r.alert.toLowerCase()}`);
            assert.ok(headings.has(r.alert.toLowerCase()), `docs/runbooks.md has no "## ${r.alert}"`);
        }
        assert.equal(one(resources, "kubernetes:helm.sh/v3:Release").values.metrics.serviceMonitor.enabled, true);
        const report = await validateObjects(resources);
        assert.deepEqual(report.issues, []);
    });
});
