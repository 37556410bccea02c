/**
 * Finds the pod spec inside any Kubernetes object a program can register: typed resources
 * (`kubernetes:apps/v1:Deployment`), CustomResources and ConfigFile/Chart children (which
 * carry `apiVersion`/`kind` in their inputs), and any kind with `spec.template.spec`
 * (Argo Rollouts, Knative, ...). Rules then iterate every container list PSS covers.
 */

/** Plain object as deserialized from resource inputs. */
 
export type Obj = Record<string, any>;

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

/** Every list PSS checks; ephemeral (debug) containers are as dangerous as the rest. */
export const ALL_CONTAINER_LISTS: readonly ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];
/** Lists that run for the pod's lifetime or at start-up (hygiene rules skip debug containers). */
export const RUNNING_CONTAINER_LISTS: readonly ContainerList[] = ["containers", "initContainers"];

/** A pod spec located inside a resource. */
export interface PodView {
    /** Object kind, e.g. "Deployment". */
    kind: string;
    /** metadata.name, else the Pulumi resource name. */
    name: string;
    /** metadata.namespace, else "default". */
    namespace: string;
    /** metadata.namespace as the program wrote it; undefined when unset (the provider's namespace applies). */
    declaredNamespace: string | undefined;
    /** The PodSpec. */
    spec: Obj;
    /** Field path of the PodSpec, e.g. "spec.template.spec". */
    specPath: string;
    /** Pod-level annotations (the template's for controllers). */
    annotations: Record<string, unknown>;
    /** Field path of those annotations. */
    annotationsPath: string;
}

/** One container of a pod, with the field path messages point at. */
export interface ContainerView {
    list: ContainerList;
    index: number;
    name: string;
    container: Obj;
    /** e.g. "spec.template.spec.initContainers[0]". */
    path: string;
    /** container.securityContext, or {} when unset. */
    securityContext: Obj;
}

function isObj(value: unknown): value is Obj {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The Kubernetes kind of a resource, or undefined when it is not a Kubernetes object.
 * Patch and List variants are skipped: a patch holds only the fields it changes, so
 * "field missing" checks would be wrong, and lists are expanded by the provider.
 */
export function kindOf(type: string, props: Obj): string | undefined {
    const declared = typeof props.kind === "string" && typeof props.apiVersion === "string" ? props.kind : undefined;
    const fromToken = type.startsWith("kubernetes:") ? type.split(":")[2] : undefined;
    const kind = declared ?? fromToken;
    if (!kind || kind.endsWith("Patch") || kind.endsWith("List")) return undefined;
    return kind;
}

/** The object's namespace; objects without one land in "default". */
export function namespaceOf(props: Obj): string {
    const ns = isObj(props.metadata) ? props.metadata.namespace : undefined;
    return typeof ns === "string" && ns !== "" ? ns : "default";
}

/** The object's metadata.name, else the Pulumi resource name. */
export function objectNameOf(props: Obj, resourceName: string): string {
    const n = isObj(props.metadata) ? props.metadata.name : undefined;
    return typeof n === "string" && n !== "" ? n : resourceName;
}

function templateAt(props: Obj, path: readonly string[]): Obj | undefined {
    let cur: unknown = props;
    for (const key of path) {
        if (!isObj(cur)) return undefined;
        cur = cur[key];
    }
    return isObj(cur) ? cur : undefined;
}

const SPEC_TEMPLATE: readonly string[] = ["spec", "template"];
const JOB_TEMPLATE: readonly string[] = ["spec", "jobTemplate", "spec", "template"];
/** The API groups the built-in workload kinds are accepted from: core, apps and batch, for any of them. */
const BUILT_IN_GROUPS: readonly string[] = ["", "apps", "batch"];

/** A workload kind the rules know by name. */
export interface WorkloadKind {
    /** API groups an object of this kind is recognised in. */
    readonly groups: readonly string[];
    /** Field path of its pod template (metadata + spec); [] for a Pod, which is its own. */
    readonly template: readonly string[];
    /**
     * Set for a controller that keeps spec.replicas pods of its template running, which the
     * availability rules hold to replicas, spread and disruption budgets: "interchangeable" when
     * any pod can serve for any other (min-replicas asks these for a floor), "stateful" when each
     * pod keeps its identity and storage.
     */
    readonly replicated?: "interchangeable" | "stateful";
}

/**
 * Every workload kind the rules know by name: a new pod controller is one entry here, and every
 * rule that reads replicated controllers or pod templates by kind follows it. ReplicaSet and
 * ReplicationController keep replicas too but are not `replicated` here, as the availability
 * rules have never held them: a ReplicaSet is normally a Deployment's (or a Rollout's), which is
 * held instead, and ReplicationController is its legacy form.
 */
export const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = {
    Pod: { groups: BUILT_IN_GROUPS, template: [] },
    Deployment: { groups: BUILT_IN_GROUPS, template: SPEC_TEMPLATE, replicated: "interchangeable" },
    StatefulSet: { groups: BUILT_IN_GROUPS, template: SPEC_TEMPLATE, replicated: "stateful" },
    DaemonSet: { groups: BUILT_IN_GROUPS, template: SPEC_TEMPLATE },
    ReplicaSet: { groups: BUILT_IN_GROUPS, template: SPEC_TEMPLATE },
    ReplicationController: { groups: BUILT_IN_GROUPS, template: SPEC_TEMPLATE },
    Job: { groups: BUILT_IN_GROUPS, template: SPEC_TEMPLATE },
    CronJob: { groups: BUILT_IN_GROUPS, template: JOB_TEMPLATE },
    // Argo Rollouts (components/workload/rollout.ts) replace a Deployment under progressive
    // delivery, with the same pod template. A Rollout with spec.workloadRef instead of a template
    // has no pod spec of its own: its pods are the referenced Deployment's, checked there.
    Rollout: { groups: ["argoproj.io"], template: SPEC_TEMPLATE, replicated: "interchangeable" },
};

const kindsWhere = (test: (k: WorkloadKind) => boolean): readonly string[] => Object.keys(WORKLOAD_KINDS).filter((kind) => test(WORKLOAD_KINDS[kind]));

/** Controllers that keep spec.replicas pods of one template: Deployment, StatefulSet, Argo Rollout. */
export const REPLICATED_POD_CONTROLLERS: readonly string[] = kindsWhere((k) => k.replicated !== undefined);
/** Of those, the ones whose pods are interchangeable: Deployment, Argo Rollout. */
export const INTERCHANGEABLE_POD_CONTROLLERS: readonly string[] = kindsWhere((k) => k.replicated === "interchangeable");

/**
 * Where an object of `kind` keeps its pod template, or undefined when the rules do not know the
 * kind; with `group`, also undefined when they do not know it from that API group (a Rollout of
 * another group is not Argo's).
 */
export function podTemplatePath(kind: string, group?: string): readonly string[] | undefined {
    const known = Object.prototype.hasOwnProperty.call(WORKLOAD_KINDS, kind) ? WORKLOAD_KINDS[kind] : undefined;
    return known && (group === undefined || known.groups.includes(group)) ? known.template : undefined;
}

/**
 * Where findPodView reads the pod template of these kinds, and only there; every other kind,
 * the built-in controllers with spec.template included, is probed at the generic paths in order.
 */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
    Pod: WORKLOAD_KINDS.Pod.template,
    PodTemplate: ["template"],
    CronJob: WORKLOAD_KINDS.CronJob.template,
    Rollout: WORKLOAD_KINDS.Rollout.template,
};
const GENERIC_TEMPLATE_PATHS: readonly (readonly string[])[] = [SPEC_TEMPLATE, JOB_TEMPLATE];

/**
 * The plain object behind the policy SDK's unknown-checking proxy (the same for every rule of
 * one request, as the pack deserializes a request's inputs once), or the object itself.
 */
export function rawTarget(props: Obj): object {
    const target = props["__getSpecialProxyTarget"];
    return target && typeof target === "object" ? target : props;
}

/**
 * The policy SDK's sentinels for values unknown during preview (strings in the deserialized
 * inputs), read from the SDK so they cannot drift; empty when its module layout changes, and
 * then `knownInputs` never skips the proxy.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = (() => {
    try {
        const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
        const values = Object.entries(proxy).filter(([k, v]) => /^unknown[A-Z]\w*Value$/.test(k) && typeof v === "string").map(([, v]) => v as string);
        return new Set(values.length === 7 ? values : []);
    } catch {
        return new Set<string>();
    }
})();

function holdsUnknown(value: unknown): boolean {
    if (typeof value === "string") return UNKNOWN_SENTINELS.has(value);
    if (typeof value !== "object" || value === null) return false;
    for (const v of Array.isArray(value) ? value : Object.values(value)) if (holdsUnknown(v)) return true;
    return false;
}

const fullyKnown = new WeakMap<object, boolean>();

/**
 * The inputs a rule may read directly: the plain object behind the SDK's unknown-checking
 * proxy when nothing in it is unknown (always during an update, and for most resources in a
 * preview), else the proxy itself, so a rule that reads an unknown value still stops with the
 * SDK's "can't run during preview" advisory. Reading through the proxy allocates a new proxy
 * per nested read, which was most of the rules' own time; the scan runs once per request.
 */
export function knownInputs(props: Obj): Obj {
    const raw = rawTarget(props);
    if (raw === props || UNKNOWN_SENTINELS.size === 0) return props;
    let known = fullyKnown.get(raw);
    if (known === undefined) {
        known = !holdsUnknown(raw);
        fullyKnown.set(raw, known);
    }
    return known ? (raw as Obj) : props;
}

const podViews = new WeakMap<object, { type: string; name: string; view: PodView | undefined }>();

/**
 * Locates the pod spec of a workload resource, or undefined when the resource has none. Found
 * once per request and shared by every pod rule; the view still reads through the proxy it was
 * found with, so an unknown value still stops the rule that reads it.
 */
export function podViewOf(type: string, props: Obj, resourceName: string): PodView | undefined {
    const key = rawTarget(props);
    const hit = podViews.get(key);
    if (hit && hit.type === type && hit.name === resourceName) return hit.view;
    const view = findPodView(type, props, resourceName);
    podViews.set(key, { type, name: resourceName, view });
    return view;
}

function findPodView(type: string, props: Obj, resourceName: string): PodView | undefined {
    const kind = kindOf(type, props);
    if (!kind) return undefined;
    const candidates = kind in TEMPLATE_PATHS ? [TEMPLATE_PATHS[kind]] : GENERIC_TEMPLATE_PATHS;
    for (const path of candidates) {
        const template = path.length === 0 ? props : templateAt(props, path);
        if (!template || !isObj(template.spec)) continue;
        const prefix = path.length === 0 ? "" : `${path.join(".")}.`;
        const metadata = isObj(template.metadata) ? template.metadata : {};
        return {
            kind,
            name: objectNameOf(props, resourceName),
            namespace: namespaceOf(props),
            declaredNamespace: isObj(props.metadata) && typeof props.metadata.namespace === "string" ? props.metadata.namespace : undefined,
            spec: template.spec,
            specPath: `${prefix}spec`,
            annotations: isObj(metadata.annotations) ? metadata.annotations : {},
            annotationsPath: `${prefix}metadata.annotations`,
        };
    }
    return undefined;
}

/** One volume of a pod, with the name messages use and the field path they point at. */
export interface VolumeView {
    index: number;
    /** volume.name, else "#<index>". */
    name: string;
    volume: Obj;
    /** e.g. "spec.template.spec.volumes[2]". */
    path: string;
}

/** The pod's volumes that are objects, in order (an absent or malformed list has none). */
export function volumesOf(pod: PodView): VolumeView[] {
    const items: unknown = pod.spec.volumes;
    if (!Array.isArray(items)) return [];
    const out: VolumeView[] = [];
    items.forEach((volume: unknown, index: number) => {
        if (typeof volume !== "object" || volume === null) return;
        const v = volume as Obj;
        out.push({ index, name: typeof v.name === "string" ? v.name : `#${index}`, volume: v, path: `${pod.specPath}.volumes[${index}]` });
    });
    return out;
}

/** Iterates the containers of the given lists, in order. */
export function containersOf(pod: PodView, lists: readonly ContainerList[] = ALL_CONTAINER_LISTS): ContainerView[] {
    const out: ContainerView[] = [];
    for (const list of lists) {
        const items = pod.spec[list];
        if (!Array.isArray(items)) continue;
        items.forEach((container: unknown, index: number) => {
            if (!isObj(container)) return;
            out.push({
                list,
                index,
                name: typeof container.name === "string" ? container.name : `#${index}`,
                container,
                path: `${pod.specPath}.${list}[${index}]`,
                securityContext: isObj(container.securityContext) ? container.securityContext : {},
            });
        });
    }
    return out;
}

/** The pod-level securityContext, or {} when unset. */
export function podSecurityContext(pod: PodView): Obj {
    return isObj(pod.spec.securityContext) ? pod.spec.securityContext : {};
}

/** Safe nested read: `get(obj, "a", "b")` is obj.a.b or undefined. */
export function get(obj: unknown, ...keys: string[]): unknown {
    let cur = obj;
    for (const key of keys) {
        if (!isObj(cur)) return undefined;
        cur = cur[key];
    }
    return cur;
}

/**
 * A securityContext field as the kubelet applies it: the container's value when set,
 * else the pod's. Returns the value and the path that set it (the container's path when
 * neither does, since that is where a fix belongs).
 */
export function effectiveField(pod: PodView, c: ContainerView, field: string): { value: unknown; path: string } {
    // A null field is unset (the API server drops it), so a container's null does not hide the pod's value.
    if (c.securityContext[field] != null) {
        return { value: c.securityContext[field], path: `${c.path}.securityContext.${field}` };
    }
    const podValue = podSecurityContext(pod)[field];
    if (podValue != null) return { value: podValue, path: `${pod.specPath}.securityContext.${field}` };
    return { value: undefined, path: `${c.path}.securityContext.${field}` };
}

/** `container "app" (spec.template.spec.containers[0])`, naming init and ephemeral containers as such. */
export function describeContainer(c: ContainerView): string {
    const noun = c.list === "containers" ? "container" : c.list === "initContainers" ? "initContainer" : "ephemeralContainer";
    return `${noun} "${c.name}"`;
}

/**
 * The ServiceAccount a pod runs as, read the way the API server reads it: serviceAccountName,
 * else the deprecated serviceAccount when serviceAccountName is empty, else "default". A value
 * that is not a string is rejected by the API server, so it names nothing and the next applies.
 */
export function serviceAccountOf(pod: PodView): string {
    for (const field of ["serviceAccountName", "serviceAccount"]) {
        const name: unknown = pod.spec[field];
        if (typeof name === "string" && name !== "") return name;
    }
    return "default";
}
