/**
 * The cluster stand-in: a small Kubernetes API server (HTTP on 127.0.0.1, objects in memory) with
 * a stand-in for the Velero server, for testing `infra dr` where no cluster exists. It is not
 * Kubernetes and not Velero: it serves discovery and create/get/list/delete of the kinds below,
 * and plays Velero's part for Backup, Restore and DownloadRequest objects (it validates each with
 * the same velero.io/v1 checks `infra check` uses, copies the backed-up namespaces' objects, and
 * restores them with namespace mappings, excluded resources and resource modifiers, skipping
 * objects that exist). Faults (a failed backup, a restore that drops a kind, one that never ends)
 * are set per server, so tests reach each ending.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { gzipSync } from "zlib";
import { parse } from "yaml";
import { VeleroBackup, VeleroDownloadRequest, VeleroRestore } from "../../automation/offline/velero-schema";

type Obj = Record<string, any>;

interface Kind { group: string; version: string; kind: string; plural: string; namespaced: boolean }

/** The kinds it serves: what the apps namespace and Velero's own objects hold. */
export const STANDIN_KINDS: Kind[] = [
    ["", "v1", "Namespace", "namespaces", false], ["", "v1", "ConfigMap", "configmaps"], ["", "v1", "Secret", "secrets"],
    ["", "v1", "Service", "services"], ["", "v1", "ServiceAccount", "serviceaccounts"], ["", "v1", "Pod", "pods"],
    ["", "v1", "Endpoints", "endpoints"], ["", "v1", "Event", "events"], ["", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"],
    ["apps", "v1", "Deployment", "deployments"], ["apps", "v1", "StatefulSet", "statefulsets"], ["apps", "v1", "ReplicaSet", "replicasets"],
    ["autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"], ["policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets"],
    ["networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies"],
    ["rbac.authorization.k8s.io", "v1", "Role", "roles"], ["rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"],
    ["networking.istio.io", "v1", "VirtualService", "virtualservices"], ["networking.istio.io", "v1", "DestinationRule", "destinationrules"],
    ["networking.istio.io", "v1", "Gateway", "gateways"], ["security.istio.io", "v1", "PeerAuthentication", "peerauthentications"],
    ["security.istio.io", "v1", "AuthorizationPolicy", "authorizationpolicies"], ["telemetry.istio.io", "v1", "Telemetry", "telemetries"],
    ["monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules"], ["monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors"],
    ["monitoring.coreos.com", "v1", "PodMonitor", "podmonitors"],
    ["argoproj.io", "v1alpha1", "Rollout", "rollouts"], ["argoproj.io", "v1alpha1", "AnalysisTemplate", "analysistemplates"],
    ["external-secrets.io", "v1", "ExternalSecret", "externalsecrets"], ["external-secrets.io", "v1", "SecretStore", "secretstores"],
    ["autoscaling.k8s.io", "v1", "VerticalPodAutoscaler", "verticalpodautoscalers"],
    ["velero.io", "v1", "Backup", "backups"], ["velero.io", "v1", "Restore", "restores"], ["velero.io", "v1", "Schedule", "schedules"],
    ["velero.io", "v1", "DownloadRequest", "downloadrequests"],
].map(([group, version, kind, plural, namespaced]) => ({ group, version, kind, plural, namespaced: namespaced !== false } as Kind));

export interface StandinFaults {
    /** How every Backup ends: its phase, or "stuck" to stay InProgress. Default Completed. */
    backupPhase?: "Completed" | "PartiallyFailed" | "Failed" | "stuck";
    /** How every Restore ends. Default Completed (PartiallyFailed when an object failed). */
    restorePhase?: "Completed" | "PartiallyFailed" | "Failed" | "stuck";
    /** Kinds ("apps/v1/Deployment") a restore silently leaves out, as a broken restore would. */
    restoreDrops?: string[];
    /** Milliseconds per step of Velero's work (New -> InProgress -> done). Default 50. */
    stepMs?: number;
}

export interface ClusterStandin {
    url: string;
    /** A kubeconfig for it, with `token` as the user's bearer token. */
    kubeconfig: string;
    token: string;
    /** Every object it holds now, for tests to look at. */
    objects(): Obj[];
    /** Stores an object as given (created or replaced), as a controller writing its status would. */
    apply(obj: Obj): void;
    /** Requests it answered: method and path. */
    requests: Array<{ method: string; path: string; status: number }>;
    faults: StandinFaults;
    close(): Promise<void>;
}

const key = (k: Kind, ns: string | undefined, name: string) => `${k.group}/${k.kind}/${ns ?? ""}/${name}`;
const apiVersionOf = (k: Kind) => (k.group ? `${k.group}/${k.version}` : k.version);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function status(code: number, reason: string, message: string): Obj {
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function matches(obj: Obj, selector: string | null): boolean {
    if (!selector) return true;
    const labels = obj.metadata?.labels ?? {};
    return selector.split(",").every((term) => {
        const [k, v] = term.split("=");
        return v === undefined ? k in labels : labels[k] === v;
    });
}

/** A JSON pointer's parent object and last key, creating nothing. */
function pointer(obj: Obj, path: string): { parent: Obj | undefined; last: string } {
    const parts = path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    let at: any = obj;
    for (const p of parts.slice(0, -1)) at = at?.[p];
    return { parent: at && typeof at === "object" ? at : undefined, last: parts[parts.length - 1] };
}

/** A patch value as Velero reads it: JSON when it parses as a number, boolean, null, object or array; else a string. */
function patchValue(v: unknown): unknown {
    if (typeof v !== "string") return v;
    if (/^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
    if (v === "null") return null;
    if ((v.trim() !== "" && !Number.isNaN(Number(v))) || /^[[{]/.test(v.trim())) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

export async function startClusterStandin(seed: Obj[] = [], faults: StandinFaults = {}): Promise<ClusterStandin> {
    const token = randomUUID();
    const store = new Map<string, Obj>();
    const snapshots = new Map<string, Obj[]>();
    const requests: ClusterStandin["requests"] = [];
    const timers = new Set<NodeJS.Timeout>();
    let rv = 1;
    let base = "";

    const kindOf = (apiVersion: string, kind: string) => STANDIN_KINDS.find((k) => apiVersionOf(k) === apiVersion && k.kind === kind);
    const later = (fn: () => void, steps = 1) => {
        const t = setTimeout(() => { timers.delete(t); fn(); }, (faults.stepMs ?? 50) * steps);
        timers.add(t);
    };

    function put(k: Kind, obj: Obj): Obj {
        const stored = clone(obj);
        stored.apiVersion = apiVersionOf(k);
        stored.kind = k.kind;
        stored.metadata = { ...stored.metadata, uid: stored.metadata?.uid ?? randomUUID(), resourceVersion: String(rv++), creationTimestamp: stored.metadata?.creationTimestamp ?? new Date().toISOString() };
        store.set(key(k, k.namespaced ? stored.metadata.namespace : undefined, stored.metadata.name), stored);
        return stored;
    }
    const get = (k: Kind, ns: string | undefined, name: string) => store.get(key(k, k.namespaced ? ns : undefined, name));
    const inNamespace = (ns: string) => [...store.values()].filter((o) => o.metadata?.namespace === ns);
    const setStatus = (k: Kind, ns: string, name: string, s: Obj) => {
        const o = get(k, ns, name);
        if (o) o.status = { ...(o.status ?? {}), ...s };
    };

    function runBackup(obj: Obj): void {
        const k = kindOf("velero.io/v1", "Backup")!;
        const { name, namespace } = obj.metadata;
        const included: string[] = obj.spec.includedNamespaces ?? [];
        later(() => setStatus(k, namespace, name, { phase: "InProgress", startTimestamp: new Date().toISOString(), progress: { totalItems: included.flatMap(inNamespace).length, itemsBackedUp: 0 } }));
        if (faults.backupPhase === "stuck") return;
        later(() => {
            const items = included.flatMap(inNamespace).filter((o) => o.kind !== "Event").map(clone);
            snapshots.set(name, items);
            const phase = faults.backupPhase ?? "Completed";
            setStatus(k, namespace, name, {
                phase, completionTimestamp: new Date().toISOString(), expiration: new Date(Date.now() + 86_400_000).toISOString(),
                progress: { totalItems: items.length, itemsBackedUp: phase === "Failed" ? 0 : items.length },
                ...(phase === "Failed" ? { failureReason: "stand-in: backup told to fail" } : {}), ...(phase === "PartiallyFailed" ? { errors: 1 } : {}),
            });
        }, 2);
    }

    function modifiersOf(restore: Obj): Obj[] {
        const ref = restore.spec.resourceModifier;
        if (!ref) return [];
        const cm = get(kindOf("v1", "ConfigMap")!, restore.metadata.namespace, ref.name);
        if (!cm) throw new Error(`resource modifier ConfigMap ${ref.name} not found`);
        const doc = parse(Object.values(cm.data ?? {})[0] as string) as Obj;
        if (doc?.version !== "v1" || !Array.isArray(doc.resourceModifierRules)) throw new Error("resource modifiers: version v1 with resourceModifierRules expected");
        return doc.resourceModifierRules;
    }

    function runRestore(obj: Obj): void {
        const rk = kindOf("velero.io/v1", "Restore")!;
        const { name, namespace } = obj.metadata;
        later(() => {
            const backup = get(kindOf("velero.io/v1", "Backup")!, namespace, obj.spec.backupName);
            const items = snapshots.get(obj.spec.backupName);
            if (!backup || backup.status?.phase !== "Completed" || !items) {
                return setStatus(rk, namespace, name, { phase: "FailedValidation", validationErrors: [`backup ${obj.spec.backupName} not found or not Completed`] });
            }
            let rules: Obj[];
            try {
                rules = modifiersOf(obj);
            } catch (err) {
                return setStatus(rk, namespace, name, { phase: "FailedValidation", validationErrors: [(err as Error).message] });
            }
            const included = new Set<string>(obj.spec.includedNamespaces ?? []);
            const excluded = new Set<string>(obj.spec.excludedResources ?? []);
            const mapping: Record<string, string> = obj.spec.namespaceMapping ?? {};
            const chosen = items.filter((o) => included.size === 0 || included.has(o.metadata.namespace)).filter((o) => {
                const k = kindOf(o.apiVersion, o.kind)!;
                return !excluded.has(k.plural) && !excluded.has(`${k.plural}.${k.group}`) && !(faults.restoreDrops ?? []).includes(`${o.apiVersion}/${o.kind}`);
            });
            setStatus(rk, namespace, name, { phase: "InProgress", startTimestamp: new Date().toISOString(), progress: { totalItems: chosen.length, itemsRestored: 0 } });
            if (faults.restorePhase === "stuck") return;
            later(() => {
                let warnings = 0, restored = 0;
                for (const original of chosen) {
                    const k = kindOf(original.apiVersion, original.kind)!;
                    const o = clone(original);
                    const target = mapping[o.metadata.namespace] ?? o.metadata.namespace;
                    for (const rule of rules) {
                        const c = rule.conditions ?? {};
                        const gr = k.group ? `${k.plural}.${k.group}` : k.plural;
                        if (c.groupResource !== gr || (c.resourceNameRegex && !new RegExp(c.resourceNameRegex).test(o.metadata.name))) continue;
                        if (c.namespaces && !c.namespaces.includes(o.metadata.namespace)) continue;
                        for (const p of rule.patches ?? []) {
                            const { parent, last } = pointer(o, p.path);
                            if (!parent) continue;
                            if (p.operation === "remove") delete parent[last];
                            else if (p.operation === "replace" || p.operation === "add") parent[last] = patchValue(p.value);
                        }
                    }
                    delete o.status;
                    o.metadata = { name: o.metadata.name, namespace: target, labels: { ...(o.metadata.labels ?? {}), "velero.io/backup-name": obj.spec.backupName, "velero.io/restore-name": name }, annotations: o.metadata.annotations };
                    if (!get(kindOf("v1", "Namespace")!, undefined, target)) put(kindOf("v1", "Namespace")!, { metadata: { name: target } });
                    if (get(k, target, o.metadata.name)) { warnings++; continue; } // existingResourcePolicy none: kept as it is
                    put(k, o);
                    restored++;
                }
                setStatus(rk, namespace, name, {
                    phase: faults.restorePhase ?? "Completed", completionTimestamp: new Date().toISOString(),
                    progress: { totalItems: chosen.length, itemsRestored: restored }, warnings,
                    ...(faults.restorePhase === "Failed" ? { failureReason: "stand-in: restore told to fail" } : {}),
                });
            });
        });
    }

    function created(k: Kind, obj: Obj): void {
        if (k.group !== "velero.io") return;
        if (k.kind === "Backup") runBackup(obj);
        if (k.kind === "Restore") runRestore(obj);
        if (k.kind === "DownloadRequest") {
            later(() => setStatus(k, obj.metadata.namespace, obj.metadata.name, { phase: "Processed", downloadURL: `${base}/download/${encodeURIComponent(obj.spec.target.name)}/resource-list.json.gz?token=${randomUUID()}` }));
        }
    }

    function resourceList(backup: string): Record<string, string[]> | undefined {
        const items = snapshots.get(backup);
        if (!items) return undefined;
        const list: Record<string, string[]> = {};
        for (const o of items) (list[`${o.apiVersion}/${o.kind}`] ??= []).push(`${o.metadata.namespace}/${o.metadata.name}`);
        return list;
    }

    const validators: Record<string, (o: Obj) => void> = {
        Backup: (o) => new VeleroBackup(o).validate(),
        Restore: (o) => new VeleroRestore(o).validate(),
        DownloadRequest: (o) => new VeleroDownloadRequest(o).validate(),
    };

    function handle(req: http.IncomingMessage, body: string): { code: number; json?: Obj; raw?: Buffer } {
        const url = new URL(req.url ?? "/", base);
        const dl = /^\/download\/([^/]+)\/resource-list\.json\.gz$/.exec(url.pathname);
        if (dl && req.method === "GET") {
            const list = resourceList(decodeURIComponent(dl[1]));
            return list ? { code: 200, raw: gzipSync(JSON.stringify(list)) } : { code: 404, json: status(404, "NotFound", "no such backup") };
        }
        if (req.headers.authorization !== `Bearer ${token}`) return { code: 401, json: status(401, "Unauthorized", "Unauthorized") };
        const disc = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(url.pathname);
        if (disc && req.method === "GET") {
            const [group, version] = disc[1] ? ["", "v1"] : [disc[2], disc[3]];
            const kinds = STANDIN_KINDS.filter((k) => k.group === group && k.version === version);
            if (kinds.length === 0) return { code: 404, json: status(404, "NotFound", "the server could not find the requested resource") };
            return { code: 200, json: { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources: kinds.map((k) => ({ name: k.plural, singularName: k.kind.toLowerCase(), namespaced: k.namespaced, kind: k.kind, verbs: ["create", "delete", "get", "list"] })) } };
        }
        const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
        if (!m) return { code: 404, json: status(404, "NotFound", `no route ${url.pathname}`) };
        // /api/v1/namespaces/<name> matches with no namespace part: the Namespace itself.
        const [, group = "", version = "v1", ns, plural, name] = m;
        const k = STANDIN_KINDS.find((x) => x.group === group && x.version === version && x.plural === plural);
        if (!k) return { code: 404, json: status(404, "NotFound", `the server could not find the requested resource (${plural})`) };
        const nsKind = kindOf("v1", "Namespace")!;
        if (k.namespaced && ns !== undefined && req.method === "POST" && !get(nsKind, undefined, ns)) return { code: 404, json: status(404, "NotFound", `namespaces "${ns}" not found`) };
        if (req.method === "GET" && !name) {
            const items = [...store.values()].filter((o) => o.kind === k.kind && o.apiVersion === apiVersionOf(k) && (!k.namespaced || ns === undefined || o.metadata.namespace === ns) && matches(o, url.searchParams.get("labelSelector")));
            return { code: 200, json: { apiVersion: apiVersionOf(k), kind: `${k.kind}List`, metadata: { resourceVersion: String(rv) }, items: clone(items) } };
        }
        if (req.method === "GET") {
            const o = get(k, ns, name);
            return o ? { code: 200, json: clone(o) } : { code: 404, json: status(404, "NotFound", `${k.plural} "${name}" not found`) };
        }
        if (req.method === "POST" && !name) {
            let obj: Obj;
            try {
                obj = JSON.parse(body);
            } catch {
                return { code: 400, json: status(400, "BadRequest", "body is not JSON") };
            }
            obj.metadata = { ...(obj.metadata ?? {}), ...(k.namespaced ? { namespace: ns } : {}) };
            if (!obj.metadata.name) return { code: 422, json: status(422, "Invalid", "metadata.name: Required value") };
            if (get(k, ns, obj.metadata.name)) return { code: 409, json: status(409, "AlreadyExists", `${k.plural} "${obj.metadata.name}" already exists`) };
            try {
                validators[k.kind]?.(obj);
            } catch (err) {
                return { code: 422, json: status(422, "Invalid", `${k.kind} ${obj.metadata.name} is invalid: ${(err as Error).message}`) };
            }
            const stored = put(k, obj);
            created(k, stored);
            return { code: 201, json: clone(stored) };
        }
        if (req.method === "DELETE" && name) {
            const o = get(k, ns, name);
            if (!o) return { code: 404, json: status(404, "NotFound", `${k.plural} "${name}" not found`) };
            store.delete(key(k, k.namespaced ? ns : undefined, name));
            if (k.kind === "Namespace") for (const [id, obj] of store) if (obj.metadata?.namespace === name) store.delete(id);
            return { code: 200, json: { kind: "Status", apiVersion: "v1", status: "Success", code: 200 } };
        }
        return { code: 405, json: status(405, "MethodNotAllowed", `${req.method} is not served by the cluster stand-in`) };
    }

    for (const obj of seed) {
        const k = kindOf(obj.apiVersion, obj.kind);
        if (!k) continue; // a kind the stand-in does not serve is not held
        if (k.namespaced && !get(kindOf("v1", "Namespace")!, undefined, obj.metadata.namespace)) put(kindOf("v1", "Namespace")!, { metadata: { name: obj.metadata.namespace } });
        put(k, obj);
    }

    const server = http.createServer((req, res) => {
        let body = "";
        req.setEncoding("utf8");
        req.on("data", (c) => { body += c; });
        req.on("end", () => {
            const out = handle(req, body);
            requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0], status: out.code });
            if (out.raw) {
                res.writeHead(out.code, { "content-type": "application/octet-stream" });
                res.end(out.raw);
            } else {
                res.writeHead(out.code, { "content-type": "application/json" });
                res.end(JSON.stringify(out.json));
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const kubeconfig = [
        "apiVersion: v1", "kind: Config", "current-context: cluster-standin",
        "clusters:", `- name: cluster-standin`, `  cluster: {server: "${base}", insecure-skip-tls-verify: true}`, // plain HTTP on loopback: client-node asks for this,
        "users:", `- name: standin-user`, `  user: {token: "${token}"}`,
        "contexts:", `- name: cluster-standin`, `  context: {cluster: cluster-standin, user: standin-user}`, "",
    ].join("\n");
    return {
        url: base, kubeconfig, token, requests, faults,
        objects: () => clone([...store.values()]),
        apply: (obj) => {
            const k = kindOf(obj.apiVersion, obj.kind);
            if (!k) throw new Error(`the cluster stand-in serves no ${obj.apiVersion} ${obj.kind}`);
            put(k, obj);
        },
        close: () => new Promise<void>((resolve) => {
            for (const t of timers) clearTimeout(t);
            server.closeAllConnections?.();
            server.close(() => resolve());
        }),
    };
}
