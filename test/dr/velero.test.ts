/** The objects `infra dr` asks Velero for, and how a drill judges what came back. */
import { strict as assert } from "assert";
import { parse } from "yaml";
import { scheduleSpec } from "../../components/backup/schedule";
import { VeleroBackup, VeleroDownloadRequest, VeleroRestore } from "../../automation/offline/velero-schema";
import {
    backupFromSchedule, compareDrill, downloadRequest, drillModifiers, DRILL_EXCLUDED, isDone, latestCompleted, restoreOf, SCALED_TO_ZERO,
    SCHEDULE_LABEL, scratchNamespaces, splitKey, stampedName,
} from "../../automation/dr/velero";

const schedule = { apiVersion: "velero.io/v1", kind: "Schedule", metadata: { name: "platform", namespace: "velero" }, spec: scheduleSpec({ schedule: "0 * * * *", retentionDays: 30, includedNamespaces: ["apps", "data"] }) };

describe("dr: Velero objects", () => {
    it("a backup made now carries the Schedule's template, its label, and is a valid velero.io/v1 Backup", () => {
        const b = backupFromSchedule(schedule, "platform-manual-x", "velero");
        assert.deepEqual(b.spec, schedule.spec.template);
        assert.equal(b.metadata.labels[SCHEDULE_LABEL], "platform");
        new VeleroBackup(b).validate();
        assert.throws(() => backupFromSchedule({ metadata: { name: "platform" }, spec: {} }, "x", "velero"), /no spec.template/);
    });

    it("the Backup, Restore and DownloadRequest checks refuse fields Velero does not have", () => {
        const b = backupFromSchedule(schedule, "b", "velero");
        assert.throws(() => new VeleroBackup({ ...b, spec: { ...b.spec, ttlDays: 3 } }).validate(), /ttlDays/);
        const r = restoreOf({ name: "r", namespace: "velero", backup: "b", namespaces: ["apps"] });
        new VeleroRestore(r).validate();
        assert.throws(() => new VeleroRestore({ ...r, spec: { ...r.spec, namespaceMappings: { apps: "x" } } }).validate(), /namespaceMappings/);
        assert.throws(() => new VeleroRestore({ ...r, spec: { includedNamespaces: ["apps"] } }).validate(), /backupName or scheduleName/);
        new VeleroDownloadRequest(downloadRequest("d", "velero", { kind: "BackupResourceList", name: "b" })).validate();
        assert.throws(() => new VeleroDownloadRequest({ ...downloadRequest("d", "velero", { kind: "BackupResourceList", name: "b" }), spec: { target: { kind: "Everything", name: "b" } } }).validate(), /target.kind/);
    });

    it("a restore in place skips what exists; a drill maps namespaces, leaves traffic and alerts out and points at its modifiers", () => {
        const inPlace = restoreOf({ name: "r", namespace: "velero", backup: "b", namespaces: ["apps"] });
        assert.equal(inPlace.spec.existingResourcePolicy, "none");
        assert.equal(inPlace.spec.namespaceMapping, undefined);
        const drill = restoreOf({ name: "d", namespace: "velero", backup: "b", namespaces: ["apps"], drill: { mapping: { apps: "apps-drill-1" }, modifiers: "m", id: "1" } });
        new VeleroRestore(drill).validate();
        assert.deepEqual(drill.spec.namespaceMapping, { apps: "apps-drill-1" });
        for (const r of ["virtualservices.networking.istio.io", "gateways.networking.istio.io", "prometheusrules.monitoring.coreos.com", "pods"]) assert.ok(drill.spec.excludedResources.includes(r), r);
        assert.deepEqual(drill.spec.resourceModifier, { kind: "ConfigMap", name: "m" });
    });

    it("the drill's modifiers set replicas to the number 0 on every controller kind", () => {
        const cm = drillModifiers("m", "velero", "1");
        const doc = parse(cm.data["drill-modifiers.yaml"]);
        assert.equal(doc.version, "v1");
        assert.deepEqual(doc.resourceModifierRules.map((r: any) => r.conditions.groupResource), [...SCALED_TO_ZERO]);
        for (const r of doc.resourceModifierRules) assert.deepEqual(r.patches, [{ operation: "replace", path: "/spec/replicas", value: "0" }]);
    });

    it("picks the newest Completed backup, never a failed or running one", () => {
        const b = (name: string, phase: string, at: string) => ({ metadata: { name }, status: { phase, completionTimestamp: at } });
        assert.equal(latestCompleted([b("old", "Completed", "2026-01-01T00:00:00Z"), b("new", "Completed", "2026-01-02T00:00:00Z"), b("newer", "PartiallyFailed", "2026-01-03T00:00:00Z"), b("run", "InProgress", "2026-01-04T00:00:00Z")])?.metadata.name, "new");
        assert.equal(latestCompleted([b("f", "Failed", "2026-01-01T00:00:00Z")]), undefined);
        assert.ok(isDone("PartiallyFailed") && isDone("FailedValidation") && !isDone("InProgress") && !isDone(undefined) && !isDone("FinalizingPartiallyFailed"));
    });

    it("names fit Kubernetes: stamped names and scratch namespaces stay within 63 characters", () => {
        const n = stampedName("platform-manual", new Date("2026-12-03T10:20:30Z"), "ab12");
        assert.equal(n, "platform-manual-20261203102030-ab12");
        assert.ok(stampedName("x".repeat(80), new Date(), "ab12").length <= 63);
        const long = scratchNamespaces(["a".repeat(63), "apps"], "102030ab12");
        assert.equal(long.apps, "apps-drill-102030ab12");
        assert.ok(Object.values(long).every((ns) => ns.length <= 63 && /^[a-z0-9-]+$/.test(ns)));
    });

    it("compares the backup's list with the scratch namespaces kind by kind, skipping what the drill left out", async () => {
        const list = {
            "apps/v1/Deployment": ["apps/web", "apps/api", "other/db"],
            "v1/ConfigMap": ["apps/web-config"],
            "networking.istio.io/v1/VirtualService": ["apps/web"],
            "v1/Pod": ["apps/web-1"],
        };
        const present: Record<string, string[]> = { "apps/v1/Deployment": ["web"], "v1/ConfigMap": ["web-config"] };
        const seen: string[] = [];
        const c = await compareDrill(list, { apps: "apps-drill-1" }, async (apiVersion, kind, ns) => {
            seen.push(`${ns}:${kind}`);
            return new Set(present[`${apiVersion}/${kind}`] ?? []);
        });
        assert.deepEqual(c.kinds.map((k) => [k.kind, k.expected, k.restored, k.missing]), [["Deployment", 2, 1, ["apps/api"]], ["ConfigMap", 1, 1, []]]);
        assert.deepEqual([c.expected, c.restored, c.missing], [3, 2, 1]);
        assert.deepEqual(c.skipped.map((s) => s.kind).sort(), ["Pod", "VirtualService"]);
        assert.ok(seen.every((s) => s.startsWith("apps-drill-1:")), "only the scratch namespace is read");
        assert.deepEqual(splitKey("networking.istio.io/v1/VirtualService"), { apiVersion: "networking.istio.io/v1", kind: "VirtualService" });
        assert.ok(DRILL_EXCLUDED.every((e) => e.resource.length > 0));
    });
});
