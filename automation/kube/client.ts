/**
 * The Kubernetes API as the orchestrator uses it (`infra dr`, and `infra up` following a Rollout
 * past Pulumi's wait): generic get, list, create and delete of objects, over
 * @kubernetes/client-node (its kubeconfig handling covers EKS's `aws eks get-token` exec plugin,
 * CA data and client certificates). Errors become one line naming the object and the HTTP status,
 * never a response body: a body can hold a Secret's data.
 */
import { gunzipSync } from "zlib";
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { CodedError, EXIT, InputError } from "../../common/errors";
/** A Kubernetes object as JSON. */
export type Json = Record<string, any>;

export interface ClusterApi {
    /** The kubeconfig context and API server, for the first line a command prints. */
    readonly describe: string;
    get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<Json | undefined>;
    list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<Json[]>;
    create(obj: Json): Promise<Json>;
    /** Deletes an object; one already gone is not an error. */
    delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void>;
    /** Reads a gzipped JSON file from a signed link Velero gave (a DownloadRequest's downloadURL). */
    download(url: string): Promise<unknown>;
}

/** The cluster could not be reached or refused a request (exit 1; 3 when it refused the credentials). */
export class ClusterError extends CodedError {
    constructor(message: string, code: (typeof EXIT)[keyof typeof EXIT] = EXIT.failed) { super(message, code, "ClusterError"); }
}

const REQUEST_TIMEOUT_MS = 30_000;

function describeObject(apiVersion: string, kind: string, namespace: string | undefined, name?: string): string {
    const what = name ? `${kind} ${namespace ? `${namespace}/` : ""}${name}` : `${kind} objects${namespace ? ` in ${namespace}` : ""}`;
    return `${what} (${apiVersion})`;
}

/** The first non-blank line of an error (an exec plugin's stderr often starts with a newline). */
function firstLine(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    return (text.split("\n").map((l) => l.trim()).find(Boolean) ?? "").slice(0, 200);
}

function statusOf(err: unknown): number | undefined {
    const code = (err as { code?: unknown })?.code;
    return typeof code === "number" ? code : undefined;
}

/** One line for a failed request: status and Kubernetes' reason, no body text beyond its short message. */
function requestError(action: string, what: string, err: unknown, server: string): Error {
    const status = statusOf(err);
    if (status === 401 || status === 403) {
        return new ClusterError(`${action} ${what}: the cluster refused the credentials (HTTP ${status}); check the kubeconfig's user (for EKS: aws sso login / the role's access entry)`, EXIT.auth);
    }
    if (status === 404) return new ClusterError(`${action} ${what}: not found (HTTP 404); is its controller installed? (\`infra up --env <env>\` installs the platform's)`);
    if (status !== undefined) {
        const body = (err as { body?: unknown }).body;
        let reason = "";
        try {
            const parsed = typeof body === "string" ? JSON.parse(body) : body;
            if (parsed && typeof parsed.message === "string") reason = `: ${parsed.message.split("\n")[0].slice(0, 200)}`;
        } catch {
            // not a Kubernetes Status: the status code alone
        }
        return new ClusterError(`${action} ${what}: HTTP ${status}${reason}`);
    }
    const message = firstLine(err);
    return new ClusterError(`${action} ${what}: cannot reach the cluster at ${server} (${message.slice(0, 200)})`);
}

async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s (${what})`)), REQUEST_TIMEOUT_MS);
    });
    try {
        return await Promise.race([p, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** Where the kubeconfig text came from, for messages ("the cluster layer's kubeconfig output", a file path). */
export async function connect(kubeconfig: string, source: string): Promise<ClusterApi> {
    // @kubernetes/client-node is an ES module; this project is CommonJS, so it is imported, not required.
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    try {
        kc.loadFromString(kubeconfig);
    } catch (err) {
        throw new InputError(`${source} is not a kubeconfig (${(err as Error).message.split("\n")[0].slice(0, 120)}); pass a kubeconfig file with --kubeconfig`);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new InputError(`${source} has no current context with a cluster; set current-context or pass --kubeconfig`);
    // A kubeconfig whose user runs a command for its token (EKS: `aws eks get-token`) runs it now,
    // so a missing CLI or expired login is named as such, not as an unreachable cluster.
    const exec = kc.getCurrentUser()?.exec as { command?: string; args?: string[] } | undefined;
    if (exec?.command) {
        try {
            await kc.applyToFetchOptions({});
        } catch (err) {
            const shown = [exec.command, ...(exec.args ?? []).slice(0, 2)].join(" ");
            const why = /ENOENT/.test(String((err as NodeJS.ErrnoException)?.code ?? err)) ? `${exec.command} is not installed` : firstLine(err) || "it failed";
            throw new ClusterError(`the kubeconfig's credential command \`${shown}\` gave no token (${why}); log in (for EKS: aws sso login, or the CI role) or pass another --kubeconfig`, EXIT.auth);
        }
    }
    const api: KubernetesObjectApi = k8s.KubernetesObjectApi.makeApiClient(kc);
    const server = cluster.server;
    const header = (apiVersion: string, kind: string, namespace: string | undefined, name: string): KubernetesObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    return {
        describe: `context ${kc.getCurrentContext()} at ${server}`,
        async get(apiVersion, kind, namespace, name) {
            try {
                return (await withTimeout(api.read(header(apiVersion, kind, namespace, name) as never), "read")) as Json;
            } catch (err) {
                if (statusOf(err) === 404) return undefined;
                throw requestError("reading", describeObject(apiVersion, kind, namespace, name), err, server);
            }
        },
        async list(apiVersion, kind, namespace, labelSelector) {
            try {
                const result = await withTimeout(api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector), "list");
                return (result.items ?? []) as Json[];
            } catch (err) {
                // A kind the cluster does not serve (its CRD is not installed) holds nothing.
                if (statusOf(err) === 404 || /resource .* not found|unrecognized|not find/i.test((err as Error)?.message ?? "")) return [];
                throw requestError("listing", describeObject(apiVersion, kind, namespace), err, server);
            }
        },
        async create(obj) {
            const meta = obj.metadata ?? {};
            try {
                return (await withTimeout(api.create(obj as KubernetesObject), "create")) as Json;
            } catch (err) {
                throw requestError("creating", describeObject(obj.apiVersion, obj.kind, meta.namespace, meta.name), err, server);
            }
        },
        async delete(apiVersion, kind, namespace, name) {
            try {
                await withTimeout(api.delete(header(apiVersion, kind, namespace, name)), "delete");
            } catch (err) {
                if (statusOf(err) === 404) return;
                throw requestError("deleting", describeObject(apiVersion, kind, namespace, name), err, server);
            }
        },
        async download(url) {
            let response: Response;
            try {
                response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
            } catch (err) {
                throw new ClusterError(`downloading the backup's resource list: ${(err as Error).message.split("\n")[0]} (the link points at the backup bucket; is it reachable from here?)`);
            }
            if (!response.ok) throw new ClusterError(`downloading the backup's resource list: HTTP ${response.status} from the backup bucket`);
            const bytes = Buffer.from(await response.arrayBuffer());
            try {
                return JSON.parse(gunzipSync(bytes).toString("utf8"));
            } catch {
                throw new ClusterError("the backup's resource list is not gzipped JSON; the backup may be damaged: run `infra dr backup` and drill again");
            }
        },
    };
}
