/**
 * `infra dr backup|restore|drill`: cluster backups with the environment's Velero, driven through
 * the Kubernetes API. A backup is made now from the Schedule's settings; a restore brings the
 * latest completed backup (or a named one) back in place, skipping objects that exist; a drill
 * restores it into scratch namespaces, compares kind by kind with the backup's resource list,
 * and removes the scratch namespaces again. Each waits with progress, stops on Ctrl-C (a drill
 * then still removes what it made) and ends with one exit code.
 */
import { setTimeout as sleep } from "timers/promises";
import { randomBytes } from "crypto";
import { DeploymentError, InputError, InterruptedError } from "../../common/errors";
import { SCHEDULE_NAME, VELERO_API, VELERO_NAMESPACE } from "../../components/backup/api";
import { backupEnabled, backupNamespaces, type Environment } from "../../environments/schema";
import { installSignalHandlers } from "../pipeline/signals";
import { acquireLock } from "../state/lock";
import { statePaths } from "../state/workspace";
import { connect, type ClusterApi } from "../kube/client";
import { clusterKubeconfig } from "../kube/kubeconfig";
import {
    backupFromSchedule, compareDrill, downloadRequest, drillModifiers, DRILL_LABEL, isDone, latestCompleted, restoreOf, SCHEDULE_LABEL,
    scratchNamespaces, secondsBetween, stampedName, type DrillComparison, type Json, type ResourceList,
} from "../dr/velero";
import { resolveEnvironment, type EngineArgs } from "./run";
import { emit, print } from "./output";

export type DrAction = "backup" | "restore" | "drill";

export interface DrArgs extends EngineArgs {
    env: string;
    kubeconfig?: string;
    /** Minutes to wait for Velero before giving up (the backup or restore goes on in the cluster). */
    timeout: number;
    /** restore, drill: this backup instead of the latest completed one. */
    backup?: string;
    /** restore: required, it changes the cluster. */
    yes?: boolean;
    /** drill: only these of the backed-up namespaces. */
    namespace?: string[];
    /** drill: leave the scratch namespaces for a look (remove them later with --clean). */
    keep?: boolean;
    /** drill: only remove what earlier drills left, then stop. */
    clean?: boolean;
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const FIRST_POLL_MS = 250;
const POLL_MS = 2_000;

/** Checks the flags before anything is read or touched; one line naming the flag and the fix. */
export function validateDrArgs(action: DrAction, args: DrArgs, env: Environment): void {
    if (!backupEnabled(env)) {
        throw new InputError(`${env.name} has no cluster backups (environments/${env.name}.yaml: backup is off, or the cluster is not EKS on AWS); turn on backup.enabled in an AWS environment`);
    }
    if (!Number.isFinite(args.timeout) || args.timeout <= 0 || args.timeout > 24 * 60) throw new InputError(`--timeout ${args.timeout} is not valid; pass minutes above 0, at most 1440`);
    if (args.backup !== undefined && (action === "backup" || !DNS_NAME.test(args.backup))) {
        throw new InputError(action === "backup" ? "--backup names a backup to restore; `dr backup` makes a new one" : `--backup "${args.backup}" is not a backup name; copy one from \`velero backup get\``);
    }
    const backedUp = backupNamespaces(env);
    for (const ns of args.namespace ?? []) {
        if (action !== "drill") throw new InputError("--namespace only applies to `dr drill`");
        if (!backedUp.includes(ns)) throw new InputError(`--namespace ${ns} is not backed up in ${env.name} (backup.includedNamespaces: ${backedUp.join(", ")}); pass one of those`);
    }
    if ((args.keep || args.clean) && action !== "drill") throw new InputError(`--${args.keep ? "keep" : "clean"} only applies to \`dr drill\``);
    if (action === "restore" && !args.yes) {
        throw new InputError(`restore brings the backup's objects back into ${env.name}'s cluster (existing objects are kept as they are); pass --yes to confirm`);
    }
}

/** The wait before each look at Velero's answer: 250 ms first, doubling to every 2 s; rejects on Ctrl-C. */
function poller(signal: AbortSignal): () => Promise<void> {
    let delay = FIRST_POLL_MS;
    return async () => {
        await sleep(delay, undefined, { signal });
        delay = Math.min(delay * 2, POLL_MS);
    };
}

interface Waited { obj: Json; seconds: number }

/** Polls a Velero object until its phase is final, printing each change; rejects on timeout or Ctrl-C. */
async function waitForPhase(cluster: ClusterApi, kind: "Backup" | "Restore", name: string, args: DrArgs, signal: AbortSignal): Promise<Waited> {
    const started = Date.now();
    const deadline = started + args.timeout * 60_000;
    let last = "";
    const poll = poller(signal);
    for (;;) {
        await poll();
        const obj = await cluster.get(VELERO_API, kind, VELERO_NAMESPACE, name);
        if (!obj) throw new DeploymentError(`${kind} ${VELERO_NAMESPACE}/${name} disappeared while waiting for it; see \`velero ${kind.toLowerCase()} get\``);
        const p = obj.status?.progress ?? {};
        const done = kind === "Backup" ? p.itemsBackedUp : p.itemsRestored;
        const line = `${obj.status?.phase || "New"}${p.totalItems !== undefined ? `, ${done ?? 0}/${p.totalItems} items` : ""}`;
        const seconds = Math.round((Date.now() - started) / 1000);
        if (line !== last) {
            last = line;
            process.stderr.write(`  ${kind.toLowerCase()} ${name}: ${line} (${seconds} s)\n`);
            emit(args, { kind: `dr-${kind.toLowerCase()}-progress`, env: args.env, name, phase: obj.status?.phase ?? "New", progress: p });
        }
        if (isDone(obj.status?.phase)) return { obj, seconds };
        if (Date.now() > deadline) {
            throw new DeploymentError(`${kind} ${name} is still ${obj.status?.phase || "New"} after ${args.timeout} min; it goes on in the cluster: follow it with \`velero ${kind.toLowerCase()} describe ${name}\`, or wait longer with --timeout`);
        }
    }
}

function summaryOf(obj: Json): Json {
    const s = obj.status ?? {};
    return {
        name: obj.metadata?.name,
        phase: s.phase,
        startedAt: s.startTimestamp,
        completedAt: s.completionTimestamp,
        items: s.progress?.totalItems,
        warnings: s.warnings ?? 0,
        errors: s.errors ?? 0,
        ...(s.failureReason ? { failureReason: String(s.failureReason).split("\n")[0].slice(0, 200) } : {}),
    };
}

async function chooseBackup(cluster: ClusterApi, env: string, name: string | undefined): Promise<Json> {
    if (name) {
        const b = await cluster.get(VELERO_API, "Backup", VELERO_NAMESPACE, name);
        if (!b) throw new InputError(`backup ${name} does not exist in ${env}'s cluster; list them with \`velero backup get\``);
        if (b.status?.phase !== "Completed") throw new InputError(`backup ${name} is ${b.status?.phase || "not finished"}, not Completed; pick a completed one from \`velero backup get\``);
        return b;
    }
    const backups = await cluster.list(VELERO_API, "Backup", VELERO_NAMESPACE, `${SCHEDULE_LABEL}=${SCHEDULE_NAME}`);
    const latest = latestCompleted(backups);
    if (!latest) throw new DeploymentError(`${env} has no completed backup (${backups.length} found, none Completed); make one with \`infra dr backup --env ${env}\``);
    return latest;
}

const random = () => randomBytes(2).toString("hex");

async function doBackup(cluster: ClusterApi, args: DrArgs, signal: AbortSignal): Promise<Json> {
    const schedule = await cluster.get(VELERO_API, "Schedule", VELERO_NAMESPACE, SCHEDULE_NAME);
    if (!schedule) throw new DeploymentError(`${args.env}'s cluster has no Velero Schedule ${VELERO_NAMESPACE}/${SCHEDULE_NAME}; run \`infra up --env ${args.env} --layer monitoring\``);
    const backup = backupFromSchedule(schedule, stampedName(`${SCHEDULE_NAME}-manual`, new Date(), random()), VELERO_NAMESPACE);
    await cluster.create(backup);
    process.stderr.write(`backup ${backup.metadata.name} of ${backup.spec.includedNamespaces?.join(", ") ?? "the Schedule's namespaces"} started\n`);
    const { obj, seconds } = await waitForPhase(cluster, "Backup", backup.metadata.name, args, signal);
    return { ...summaryOf(obj), seconds };
}

async function doRestore(cluster: ClusterApi, args: DrArgs, env: Environment, signal: AbortSignal): Promise<Json> {
    const backup = await chooseBackup(cluster, env.name, args.backup);
    const restore = restoreOf({ name: stampedName("restore", new Date(), random()), namespace: VELERO_NAMESPACE, backup: backup.metadata.name, namespaces: backup.spec?.includedNamespaces ?? backupNamespaces(env) });
    await cluster.create(restore);
    process.stderr.write(`restore ${restore.metadata.name} of backup ${backup.metadata.name} (completed ${backup.status?.completionTimestamp ?? "?"}) started\n`);
    const { obj, seconds } = await waitForPhase(cluster, "Restore", restore.metadata.name, args, signal);
    return { backup: summaryOf(backup), restore: { ...summaryOf(obj), seconds } };
}

/** Namespaces and modifier ConfigMaps earlier drills left behind (killed, or run with --keep). */
async function leftovers(cluster: ClusterApi): Promise<{ namespaces: string[]; configMaps: string[] }> {
    const namespaces = (await cluster.list("v1", "Namespace", "", DRILL_LABEL)).map((n) => n.metadata?.name).filter(Boolean);
    const configMaps = (await cluster.list("v1", "ConfigMap", VELERO_NAMESPACE, DRILL_LABEL)).map((c) => c.metadata?.name).filter(Boolean);
    return { namespaces, configMaps };
}

async function removeDrill(cluster: ClusterApi, namespaces: string[], configMaps: string[]): Promise<string[]> {
    const failed: string[] = [];
    for (const ns of namespaces) await cluster.delete("v1", "Namespace", undefined, ns).catch(() => failed.push(`namespace ${ns}`));
    for (const cm of configMaps) await cluster.delete("v1", "ConfigMap", VELERO_NAMESPACE, cm).catch(() => failed.push(`configmap ${VELERO_NAMESPACE}/${cm}`));
    return failed;
}

async function readResourceList(cluster: ClusterApi, backup: string, signal: AbortSignal): Promise<ResourceList> {
    const request = downloadRequest(stampedName(`${backup}`.slice(0, 40) + "-list", new Date(), random()), VELERO_NAMESPACE, { kind: "BackupResourceList", name: backup });
    await cluster.create(request);
    try {
        const deadline = Date.now() + 60_000;
        const poll = poller(signal);
        while (Date.now() < deadline) {
            await poll();
            const obj = await cluster.get(VELERO_API, "DownloadRequest", VELERO_NAMESPACE, request.metadata.name);
            if (obj?.status?.phase === "Processed" && obj.status.downloadURL) {
                const list = await cluster.download(obj.status.downloadURL);
                if (!list || typeof list !== "object" || Array.isArray(list)) throw new DeploymentError(`backup ${backup}'s resource list is not a map of kinds to objects; the backup may be damaged`);
                return list as ResourceList;
            }
        }
        throw new DeploymentError(`Velero did not answer the download request for backup ${backup}'s resource list in 60 s; is the Velero server running? (\`kubectl -n velero get pods\`)`);
    } finally {
        await cluster.delete(VELERO_API, "DownloadRequest", VELERO_NAMESPACE, request.metadata.name).catch(() => undefined);
    }
}

async function doDrill(cluster: ClusterApi, args: DrArgs, env: Environment, signal: AbortSignal): Promise<Json> {
    const earlier = await leftovers(cluster);
    if (args.clean) {
        const failed = await removeDrill(cluster, earlier.namespaces, earlier.configMaps);
        if (failed.length) throw new DeploymentError(`could not remove ${failed.join(", ")}; delete them with kubectl`);
        return { cleaned: earlier };
    }
    if (earlier.namespaces.length) process.stderr.write(`note: ${earlier.namespaces.length} scratch namespace(s) of other drills exist (running now, kept with --keep, or left by a killed drill): ${earlier.namespaces.join(", ")}; once none runs, remove them with \`infra dr drill --env ${env.name} --clean\`\n`);
    const backup = await chooseBackup(cluster, env.name, args.backup);
    const held: string[] = backup.spec?.includedNamespaces ?? backupNamespaces(env);
    const drilled = args.namespace?.length ? args.namespace : held;
    const missingFromBackup = drilled.filter((ns) => !held.includes(ns));
    if (missingFromBackup.length) throw new InputError(`backup ${backup.metadata.name} does not hold namespace ${missingFromBackup.join(", ")} (it holds ${held.join(", ")}); pass one of those with --namespace`);

    const id = `${new Date().toISOString().slice(11, 19).replace(/:/g, "")}${random()}`;
    const mapping = scratchNamespaces(drilled, id);
    const modifiers = drillModifiers(`drill-${id}-modifiers`, VELERO_NAMESPACE, id);
    const made = { namespaces: [] as string[], configMaps: [] as string[] };
    const started = Date.now();
    let result: Json | undefined;
    try {
        // The scratch namespaces exist before the restore, labelled, so they are found and removed even if this process dies.
        for (const scratch of Object.values(mapping)) {
            await cluster.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: scratch, labels: { ...modifiers.metadata.labels, "pod-security.kubernetes.io/enforce": "restricted" } } });
            made.namespaces.push(scratch);
        }
        await cluster.create(modifiers);
        made.configMaps.push(modifiers.metadata.name);
        const restore = restoreOf({ name: `drill-${id}`, namespace: VELERO_NAMESPACE, backup: backup.metadata.name, namespaces: drilled, drill: { mapping, modifiers: modifiers.metadata.name, id } });
        await cluster.create(restore);
        process.stderr.write(`drill ${id}: restoring backup ${backup.metadata.name} (completed ${backup.status?.completionTimestamp ?? "?"}) into ${Object.entries(mapping).map(([a, b]) => `${a} -> ${b}`).join(", ")}\n`);
        const { obj } = await waitForPhase(cluster, "Restore", restore.metadata.name, args, signal);
        const list = await readResourceList(cluster, backup.metadata.name, signal);
        const comparison = await compareDrill(list, mapping, async (apiVersion, kind, ns) => new Set((await cluster.list(apiVersion, kind, ns)).map((o) => o.metadata?.name)));
        result = {
            id,
            backup: summaryOf(backup),
            restore: summaryOf(obj),
            mapping,
            comparison,
            // What the drill observed, next to the design targets in the README.
            backupAgeSeconds: secondsBetween(backup.status?.completionTimestamp, new Date().toISOString()),
            restoreSeconds: Math.round((Date.now() - started) / 1000),
        };
        return result;
    } finally {
        if (args.keep && result) {
            result.kept = made.namespaces;
        } else {
            const failed = await removeDrill(cluster, made.namespaces, made.configMaps);
            if (result) result.removed = { namespaces: made.namespaces, failed };
            else if (failed.length) process.stderr.write(`could not remove ${failed.join(", ")}; run \`infra dr drill --env ${env.name} --clean\`\n`);
            else if (made.namespaces.length) process.stderr.write(`removed the drill's scratch namespace(s) ${made.namespaces.join(", ")}\n`);
        }
    }
}

function drillText(r: Json): string {
    const c: DrillComparison = r.comparison;
    const lines = [
        `drill ${r.id} of ${r.backup.name} (completed ${r.backup.completedAt ?? "?"}, ${r.backupAgeSeconds ?? "?"} s old): restore ${r.restore.phase}, ${r.restoreSeconds} s, ${r.restore.warnings} warning(s), ${r.restore.errors} error(s)`,
        `came back: ${c.restored} of ${c.expected} objects${c.missing ? `, ${c.missing} MISSING` : ""}`,
        ...c.kinds.map((k) => `  ${`${k.kind} (${k.apiVersion})`.padEnd(44)} ${String(k.restored).padStart(4)}/${k.expected}${k.missing.length ? `  missing: ${k.missing.join(", ")}` : ""}`),
        ...(c.skipped.length ? [`left out on purpose (traffic, alerts, pods): ${c.skipped.map((s) => `${s.kind} ${s.count}`).join(", ")}`] : []),
        r.kept ? `kept ${r.kept.join(", ")} for a look; remove with \`infra dr drill --env <env> --clean\`` : `removed ${r.removed?.namespaces.join(", ")}${r.removed?.failed.length ? `; could NOT remove ${r.removed.failed.join(", ")}` : ""}`,
    ];
    return lines.join("\n");
}

/** Runs one `infra dr` action; the exit code says how it ended (0 ok, 4 a backup or restore that did not complete, or objects missing). */
export async function runDr(action: DrAction, args: DrArgs): Promise<void> {
    const env = resolveEnvironment(args.env);
    validateDrArgs(action, args, env);
    const { text, source } = await clusterKubeconfig(env.name, args, args.kubeconfig);
    const cluster = await connect(text, source);
    process.stderr.write(`${env.name}: ${cluster.describe}\n`);
    const controller = new AbortController();
    const dispose = installSignalHandlers(controller, { interrupting: `Interrupting: ${action === "drill" ? "removing the drill's scratch namespaces" : `no longer waiting for the ${action}`} (press Ctrl-C again to force exit)` });
    // An in-place restore changes the cluster the layers manage: one at a time with `up` and `destroy`.
    const lock = action === "restore" ? acquireLock(statePaths().locks, env.name, { command: `infra dr restore --env ${env.name}` }) : undefined;
    try {
        let result: Json;
        try {
            result = action === "backup" ? await doBackup(cluster, args, controller.signal)
                : action === "restore" ? await doRestore(cluster, args, env, controller.signal)
                    : await doDrill(cluster, args, env, controller.signal);
        } catch (err) {
            if (controller.signal.aborted) {
                throw new InterruptedError(`interrupted; ${action === "drill" ? "the drill's scratch namespaces were removed" : `the ${action} goes on in the cluster (see \`velero ${action} get\`)`}`);
            }
            throw err;
        }
        const doc = { env: env.name, action, ...result };
        emit(args, { kind: `dr-${action}`, ...doc });
        if (args.json) print(args, JSON.stringify(doc, null, 2));
        else if (action === "backup") print(args, `backup ${result.name}: ${result.phase}, ${result.items ?? "?"} items, ${result.warnings} warning(s), ${result.errors} error(s), ${result.seconds} s`);
        else if (action === "restore") print(args, `restore ${result.restore.name} of ${result.backup.name}: ${result.restore.phase}, ${result.restore.items ?? "?"} items, ${result.restore.warnings} warning(s), ${result.restore.errors} error(s), ${result.restore.seconds} s`);
        else if (result.cleaned) print(args, `removed ${result.cleaned.namespaces.length} scratch namespace(s) and ${result.cleaned.configMaps.length} modifier ConfigMap(s) of earlier drills${result.cleaned.namespaces.length ? `: ${result.cleaned.namespaces.join(", ")}` : ""}`);
        else print(args, drillText(result));
        const phase = action === "backup" ? result.phase : result.restore?.phase;
        if (phase !== undefined && phase !== "Completed") throw new DeploymentError(`${action} ended ${phase}${(action === "backup" ? result.failureReason : result.restore?.failureReason) ? `: ${action === "backup" ? result.failureReason : result.restore.failureReason}` : ""}; see \`velero ${action === "backup" ? "backup" : "restore"} describe ${action === "backup" ? result.name : result.restore.name} --details\``);
        if (action === "drill" && result.comparison && result.comparison.missing > 0) {
            throw new DeploymentError(`drill: ${result.comparison.missing} object(s) in the backup did not come back; see the list above`);
        }
        if (action === "drill" && result.removed?.failed.length) throw new DeploymentError(`drill passed but left ${result.removed.failed.join(", ")}; run \`infra dr drill --env ${env.name} --clean\``);
    } finally {
        lock?.release();
        dispose();
    }
}
