/**
 * Validates every Kubernetes object a layer registers against the Kubernetes OpenAPI
 * schemas (kubernetes-models), the Prometheus Operator, Istio, Argo Rollouts and External
 * Secrets custom resources against theirs, VerticalPodAutoscalers against vpa-schema.ts and Velero
 * Schedules against velero-schema.ts. Objects of kinds
 * no schema package covers are reported as unchecked,
 * never as valid.
 */
import * as path from "path";
import { pathToFileURL } from "url";
import { SECRET_MARKER, type RecordedResource, type SchemaIssue } from "../engine";
import { VeleroSchedule } from "./velero-schema";
import { VerticalPodAutoscaler } from "./vpa-schema";

/** Types that are Pulumi constructs rather than Kubernetes objects. */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile"]);

/** Istio's schema package ships v1beta1/v1alpha3 only; v1 has the same schema for these kinds. */
const ISTIO_V1_FALLBACK: Record<string, string> = { "networking.istio.io": "v1beta1", "security.istio.io": "v1beta1" };

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

/**
 * Schema packages that are ES modules only (@kubernetes-models/argo-rollouts and
 * external-secrets 2): their exports offer only an "import" condition, so they cannot be
 * `require`d (and a require hook such as tsx's turns their own imports into requires that fail
 * the same way). Their models are loaded with a real `import()` of the file, before validation
 * (validateObjects), and kept here for the synchronous `modelFor`; until then their kinds are
 * reported as unchecked, never as valid.
 */
const ESM_PACKAGES: Readonly<Record<string, string>> = {
    "argoproj.io": "@kubernetes-models/argo-rollouts",
    "external-secrets.io": "@kubernetes-models/external-secrets",
};
const esmModels = new Map<string, ModelClass | undefined>();

/** Imports the model of each kind among `ids` whose group has an ES-module package and that is not loaded yet. */
export async function loadCustomResourceModels(ids: { apiVersion: string; kind: string }[]): Promise<void> {
    for (const { apiVersion, kind } of ids) {
        const [group, version] = apiVersion.split("/");
        const pkg = ESM_PACKAGES[group];
        const key = `${apiVersion}/${kind}`;
        // Only plain identifiers reach a file path: a kind is the program's input, not trusted.
        if (!pkg || esmModels.has(key) || !/^v\w+$/.test(version ?? "") || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) continue;
        try {
            const root = path.dirname(require.resolve(`${pkg}/package.json`));
            const mod = await import(pathToFileURL(path.join(root, group, version, `${kind}.js`)).href);
            esmModels.set(key, (mod[kind] as ModelClass | undefined) ?? undefined);
        } catch {
            esmModels.set(key, undefined); // no such kind in the package: reported as unchecked
        }
    }
}

/** The schema model of a kind; a kind of an ES-module package only once loadCustomResourceModels (validateObjects) has loaded it. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    if (group === "autoscaling.k8s.io" && version === "v1" && kind === "VerticalPodAutoscaler") return VerticalPodAutoscaler;
    if (group === "velero.io" && version === "v1" && kind === "Schedule") return VeleroSchedule;
    if (ESM_PACKAGES[group]) return esmModels.get(`${apiVersion}/${kind}`);
    const candidates: string[] = [];
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

export async function validateObjects(resources: RecordedResource[]): Promise<SchemaReport> {
    await loadCustomResourceModels(resources.map(objectIdentity).filter((id): id is { apiVersion: string; kind: string } => id !== undefined));
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
