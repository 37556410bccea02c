/**
 * What `infra dr` asks Velero for, as plain objects: a backup made now from the environment's
 * Schedule, a restore of a backup in place or into scratch namespaces (a drill), and how a drill
 * judges what came back. No cluster access here (cluster.ts has it), so each rule is tested alone.
 */
import { stringify } from "yaml";

import { SCHEDULE_NAME, VELERO_API } from "../../components/backup/api";
/** Velero's label on every backup made from a Schedule, by it or by `velero backup create --from-schedule`. */
export const SCHEDULE_LABEL = "velero.io/schedule-name";
/** Labels on what a drill creates, so a later drill or `--clean` finds what a killed one left. */
export const DRILL_LABEL = "infra.platform/drill";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "infra-dr" } as const;

export type Json = Record<string, any>;

/** How a Velero backup or restore ended; anything else is still running. */
export const DONE_PHASES = ["Completed", "PartiallyFailed", "Failed", "FailedValidation", "FinalizingPartiallyFailed"] as const;
const TERMINAL = new Set<string>(["Completed", "PartiallyFailed", "Failed", "FailedValidation"]);

export function isDone(phase: string | undefined): boolean {
    return phase !== undefined && TERMINAL.has(phase);
}

/** A name Velero and the API server accept, unique per call: `<prefix>-<UTC yyyymmddhhmmss>-<4 hex>`. */
export function stampedName(prefix: string, now: Date, random: string): string {
    const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
    return `${prefix}-${stamp}-${random}`.slice(0, 63).replace(/-+$/, "");
}

/** A backup made now with the Schedule's settings, as `velero backup create --from-schedule` makes it. */
export function backupFromSchedule(schedule: Json, name: string, namespace: string): Json {
    const template = schedule?.spec?.template;
    if (!template || typeof template !== "object") throw new Error(`Schedule ${namespace}/${schedule?.metadata?.name ?? SCHEDULE_NAME} has no spec.template`);
    const { metadata: templateMeta, ...spec } = template as Json;
    return {
        apiVersion: VELERO_API,
        kind: "Backup",
        metadata: {
            name,
            namespace,
            labels: { ...(templateMeta?.labels ?? {}), [SCHEDULE_LABEL]: schedule.metadata?.name ?? SCHEDULE_NAME, ...MANAGED_BY },
        },
        spec,
    };
}

/** The newest backup that completed (PartiallyFailed and Failed ones are never restored by default). */
export function latestCompleted(backups: Json[]): Json | undefined {
    const when = (b: Json) => Date.parse(b.status?.completionTimestamp ?? b.status?.startTimestamp ?? b.metadata?.creationTimestamp ?? "") || 0;
    return backups.filter((b) => b.status?.phase === "Completed").sort((a, b) => when(b) - when(a))[0];
}

/**
 * What a drill leaves out: Pods and ReplicaSets (the restored controllers make their own), the
 * endpoints and events the cluster writes, and everything that would reach the live copy's
 * traffic or alerts (mesh routes and gateways, Prometheus rules and scrape targets). Each names
 * its group and kind, so the comparison skips exactly what the restore was told to skip.
 */
export const DRILL_EXCLUDED: ReadonlyArray<{ resource: string; apiVersionPrefix: string; kind: string }> = [
    { resource: "pods", apiVersionPrefix: "v1", kind: "Pod" },
    { resource: "replicasets.apps", apiVersionPrefix: "apps/", kind: "ReplicaSet" },
    { resource: "endpoints", apiVersionPrefix: "v1", kind: "Endpoints" },
    { resource: "endpointslices.discovery.k8s.io", apiVersionPrefix: "discovery.k8s.io/", kind: "EndpointSlice" },
    { resource: "events", apiVersionPrefix: "v1", kind: "Event" },
    { resource: "events.events.k8s.io", apiVersionPrefix: "events.k8s.io/", kind: "Event" },
    { resource: "virtualservices.networking.istio.io", apiVersionPrefix: "networking.istio.io/", kind: "VirtualService" },
    { resource: "gateways.networking.istio.io", apiVersionPrefix: "networking.istio.io/", kind: "Gateway" },
    { resource: "prometheusrules.monitoring.coreos.com", apiVersionPrefix: "monitoring.coreos.com/", kind: "PrometheusRule" },
    { resource: "servicemonitors.monitoring.coreos.com", apiVersionPrefix: "monitoring.coreos.com/", kind: "ServiceMonitor" },
    { resource: "podmonitors.monitoring.coreos.com", apiVersionPrefix: "monitoring.coreos.com/", kind: "PodMonitor" },
];

function excludedFromDrill(apiVersion: string, kind: string): boolean {
    return DRILL_EXCLUDED.some((e) => e.kind === kind && (e.apiVersionPrefix === "v1" ? apiVersion === "v1" : apiVersion.startsWith(e.apiVersionPrefix)));
}

/** Controllers a drill restores at zero replicas, so no second copy of an app runs. */
export const SCALED_TO_ZERO = ["deployments.apps", "statefulsets.apps", "rollouts.argoproj.io"] as const;

/** Velero's resource modifiers (a ConfigMap in its namespace) that set each restored controller's replicas to 0. */
export function drillModifiers(name: string, namespace: string, id: string): Json {
    const rules = {
        version: "v1",
        // Velero reads a patch value as JSON when it parses as a number: "0" is the number 0.
        resourceModifierRules: SCALED_TO_ZERO.map((groupResource) => ({
            conditions: { groupResource, resourceNameRegex: ".*" },
            patches: [{ operation: "replace", path: "/spec/replicas", value: "0" }],
        })),
    };
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace, labels: { ...MANAGED_BY, [DRILL_LABEL]: id } },
        data: { "drill-modifiers.yaml": stringify(rules) },
    };
}

/** Each drilled namespace's scratch copy: `<ns>-drill-<id>`, within the 63 characters a namespace may have. */
export function scratchNamespaces(namespaces: readonly string[], id: string): Record<string, string> {
    const suffix = `-drill-${id}`;
    return Object.fromEntries(namespaces.map((ns) => [ns, `${ns.slice(0, 63 - suffix.length)}${suffix}`]));
}

export interface RestoreOptions {
    name: string;
    namespace: string;
    backup: string;
    namespaces: readonly string[];
    /** A drill: each namespace into its scratch copy, traffic and alerts left out, controllers at 0. */
    drill?: { mapping: Record<string, string>; modifiers: string; id: string };
}

/** A restore of `backup`: in place, skipping objects that exist (Velero's default), or a drill. */
export function restoreOf(o: RestoreOptions): Json {
    const spec: Json = {
        backupName: o.backup,
        includedNamespaces: [...o.namespaces],
        existingResourcePolicy: "none",
        restorePVs: true,
    };
    if (o.drill) {
        spec.namespaceMapping = o.drill.mapping;
        spec.excludedResources = DRILL_EXCLUDED.map((e) => e.resource);
        spec.resourceModifier = { kind: "ConfigMap", name: o.drill.modifiers };
    }
    return {
        apiVersion: VELERO_API,
        kind: "Restore",
        metadata: { name: o.name, namespace: o.namespace, labels: { ...MANAGED_BY, ...(o.drill ? { [DRILL_LABEL]: o.drill.id } : {}) } },
        spec,
    };
}

/** A request for a signed link to one of a backup's files (Velero answers in status.downloadURL). */
export function downloadRequest(name: string, namespace: string, target: { kind: "BackupResourceList"; name: string }): Json {
    return { apiVersion: VELERO_API, kind: "DownloadRequest", metadata: { name, namespace, labels: { ...MANAGED_BY } }, spec: { target } };
}

/** A backup's resource list as Velero stores it: `"<apiVersion>/<Kind>"` -> `["<namespace>/<name>", ...]`. */
export type ResourceList = Record<string, string[]>;

export interface KindReport {
    apiVersion: string;
    kind: string;
    expected: number;
    restored: number;
    missing: string[];
}

export interface DrillComparison {
    kinds: KindReport[];
    expected: number;
    restored: number;
    missing: number;
    /** Kinds in the backup that the drill left out on purpose (DRILL_EXCLUDED), with their counts. */
    skipped: Array<{ apiVersion: string; kind: string; count: number }>;
}

/** Splits a resource-list key into apiVersion and kind: "apps/v1/Deployment", "v1/ConfigMap". */
export function splitKey(key: string): { apiVersion: string; kind: string } {
    const i = key.lastIndexOf("/");
    return { apiVersion: key.slice(0, i), kind: key.slice(i + 1) };
}

/**
 * What the backup holds of the drilled namespaces, kind by kind, against what the scratch
 * namespaces hold after the restore. `present(apiVersion, kind, scratchNamespace)` lists names.
 */
export async function compareDrill(list: ResourceList, mapping: Record<string, string>, present: (apiVersion: string, kind: string, namespace: string) => Promise<Set<string>>): Promise<DrillComparison> {
    const kinds: KindReport[] = [];
    const skipped: DrillComparison["skipped"] = [];
    for (const key of Object.keys(list).sort()) {
        const { apiVersion, kind } = splitKey(key);
        const items = list[key].map((entry) => entry.split("/")).filter((p) => p.length === 2 && mapping[p[0]] !== undefined);
        if (items.length === 0) continue;
        if (excludedFromDrill(apiVersion, kind)) {
            skipped.push({ apiVersion, kind, count: items.length });
            continue;
        }
        const report: KindReport = { apiVersion, kind, expected: items.length, restored: 0, missing: [] };
        const seen = new Map<string, Set<string>>();
        for (const [ns, name] of items) {
            const scratch = mapping[ns];
            if (!seen.has(scratch)) seen.set(scratch, await present(apiVersion, kind, scratch));
            if (seen.get(scratch)!.has(name)) report.restored++;
            else report.missing.push(`${ns}/${name}`);
        }
        kinds.push(report);
    }
    const sum = (f: (k: KindReport) => number) => kinds.reduce((n, k) => n + f(k), 0);
    return { kinds, skipped, expected: sum((k) => k.expected), restored: sum((k) => k.restored), missing: sum((k) => k.missing.length) };
}

/** Seconds between two ISO times, or undefined when either is missing. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
    const a = Date.parse(from ?? ""), b = Date.parse(to ?? "");
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.round((b - a) / 1000);
}
