/**
 * Validates every Kubernetes object a layer registers against the Kubernetes OpenAPI
 * schemas (kubernetes-models), and the Prometheus Operator, Istio and External Secrets custom
 * resources against theirs. Objects of kinds no schema package covers are reported as unchecked,
 * never as valid.
 */
import { SECRET_MARKER, type RecordedResource, type SchemaIssue } from "../engine";

/** Types that are Pulumi constructs rather than Kubernetes objects. */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile"]);

/** Istio's schema package ships v1beta1/v1alpha3 only; v1 has the same schema for these kinds. */
const ISTIO_V1_FALLBACK: Record<string, string> = { "networking.istio.io": "v1beta1", "security.istio.io": "v1beta1" };

/**
 * External Secrets' models (@kubernetes-models/external-secrets 2) are ES modules only: their
 * package exports have an "import" condition and no "require", so `require` cannot load them.
 * They are imported once, asynchronously, by loadCustomResourceModels before validation; until
 * then their kinds are reported as unchecked, never as valid.
 */
const EXTERNAL_SECRETS = { group: "external-secrets.io", versions: ["v1", "v1beta1"], kinds: ["ExternalSecret", "SecretStore", "ClusterSecretStore", "ClusterExternalSecret"] } as const;
const importedModels = new Map<string, ModelClass>();
let importing: Promise<void> | undefined;

/** Imports the ES-module-only schema packages (once per process); call before validateObjects. */
export function loadCustomResourceModels(): Promise<void> {
    importing ??= (async () => {
        for (const version of EXTERNAL_SECRETS.versions) {
            for (const kind of EXTERNAL_SECRETS.kinds) {
                const specifier: string = `@kubernetes-models/external-secrets/${EXTERNAL_SECRETS.group}/${version}/${kind}`;
                const mod = await import(specifier);
                importedModels.set(`${EXTERNAL_SECRETS.group}/${version}/${kind}`, mod[kind] as ModelClass);
            }
        }
    })();
    return importing;
}

export interface SchemaReport {
    checked: number;
    unchecked: { urn: string; apiVersion: string; kind: string }[];
    issues: SchemaIssue[];
}

/** apiVersion + kind of a recorded Kubernetes resource, from its inputs or its type token. */
export function objectIdentity(r: RecordedResource): { apiVersion: string; kind: string } | undefined {
    if (!r.type.startsWith("kubernetes:") || NOT_OBJECTS.has(r.type) || !r.custom) return undefined;
    const inputs = r.inputs as { apiVersion?: string; kind?: string };
    if (inputs.apiVersion && inputs.kind) return { apiVersion: inputs.apiVersion, kind: inputs.kind };
    // kubernetes:apps/v1:Deployment, kubernetes:core/v1:Namespace
    const m = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(r.type);
    if (!m) return undefined;
    const group = m[1] === "core" ? "" : m[1];
    return { apiVersion: group ? `${group}/${m[2]}` : m[2], kind: m[3] };
}

type ModelClass = (new (data: unknown) => { validate(): void }) & { apiVersion?: string };

export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const candidates: string[] = [];
    if (group === EXTERNAL_SECRETS.group) return importedModels.get(`${group}/${version}/${kind}`);
    if (group === "monitoring.coreos.com") candidates.push(`@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`);
    else if (group.endsWith("istio.io")) {
        candidates.push(`@kubernetes-models/istio/${group}/${version}/${kind}`);
        if (version === "v1" && ISTIO_V1_FALLBACK[group]) candidates.push(`@kubernetes-models/istio/${group}/${ISTIO_V1_FALLBACK[group]}/${kind}`);
    } else candidates.push(group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`);
    for (const c of candidates) {
        try {
            const mod = require(c);
            if (mod[kind]) return mod[kind] as ModelClass;
        } catch {
            // not covered by this package; try the next candidate
        }
    }
    return undefined;
}

/** Fills fields the API server or Pulumi would supply, so validation judges what the program wrote. */
function asObject(r: RecordedResource, id: { apiVersion: string; kind: string }): Record<string, unknown> {
    const obj: Record<string, any> = JSON.parse(JSON.stringify(r.inputs));
    obj.apiVersion = id.apiVersion;
    obj.kind = id.kind;
    obj.metadata = { name: r.name, ...(obj.metadata ?? {}) };
    // A secret map (a Secret's data/stringData) is recorded as one marker string; its
    // contents are not the program's shape to judge, so validate the object without it.
    for (const key of ["data", "stringData"]) if (obj[key] === SECRET_MARKER) obj[key] = {};
    return obj;
}

export function validateObjects(resources: RecordedResource[]): SchemaReport {
    const report: SchemaReport = { checked: 0, unchecked: [], issues: [] };
    for (const r of resources) {
        const id = objectIdentity(r);
        if (!id) continue;
        const Model = modelFor(id.apiVersion, id.kind);
        if (!Model) {
            report.unchecked.push({ urn: r.urn, ...id });
            continue;
        }
        report.checked++;
        try {
            const obj = asObject(r, id);
            // Istio v1 kinds are checked with their v1beta1 schema (identical), under that version.
            if (Model.apiVersion && Model.apiVersion !== id.apiVersion) obj.apiVersion = Model.apiVersion;
            new Model(obj).validate();
        } catch (err) {
            const message = String((err as Error).message ?? err).split("\n").slice(0, 3).join("; ");
            report.issues.push({ urn: r.urn, kind: id.kind, name: r.name, message });
        }
    }
    return report;
}
