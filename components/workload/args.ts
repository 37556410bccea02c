/**
 * The arguments of a workload, their safe defaults, and the pure validation that turns
 * them into the settings the resource builders use. Numbers that shape the objects
 * (replicas, ports, autoscaling bounds, resources) are plain values: they come from the
 * environment file, and they must be known at preview time to be validated at all.
 */
import * as pulumi from "@pulumi/pulumi";
import { compareQuantities, ENV_NAME, parseQuantity, SECRET_LIKE } from "../../common/checks";
import { checkInt, fail } from "../validation";
import { DIGEST_REF, DNS_1035_LABEL, SECRET_REF } from "../../common/patterns";
import type { AppProgressiveDelivery } from "./rollout";

// One quantity grammar for workloads and environment files.
export { parseQuantity };

/** CPU and memory quantities in Kubernetes notation ("250m", "0.5", "256Mi", "1Gi"). */
export interface ResourceQuantities {
    readonly cpu?: string;
    readonly memory?: string;
}

export interface AppResources {
    /** Default cpu "250m", memory "256Mi": what the scheduler reserves per pod. */
    readonly requests?: ResourceQuantities;
    /** Default cpu "500m", memory "512Mi": a runaway pod is throttled or OOM-killed, not its neighbours. */
    readonly limits?: ResourceQuantities;
}

export interface AppAutoscaling {
    /** Default: `replicas`, so the autoscaler never drops below the availability floor. */
    readonly minReplicas?: number;
    /** Default: 3 x minReplicas. */
    readonly maxReplicas?: number;
    /** Target average CPU utilisation in percent of requests. Default 70: headroom for a spike while new pods start. */
    readonly cpuUtilization?: number;
    /**
     * Target average requests per second per pod, read from the custom metrics API
     * (REQUESTS_PER_SECOND_METRIC, served by prometheus-adapter from Istio's request counter). The
     * HPA scales on whichever of CPU and request rate asks for more pods, so a service that
     * waits on I/O (low CPU, many requests) scales too. Default none: CPU only, since the metric
     * exists only where the adapter is installed. Size it as what one pod serves at the CPU target.
     */
    readonly requestsPerSecond?: number;
}

/** VerticalPodAutoscaler update modes (autoscaling.k8s.io/v1). */
export type VpaUpdateMode = "Off" | "Initial" | "Recreate" | "Auto";

export interface AppVpa {
    /**
     * Default "Off": recommendations only. Any other mode lets the VPA rewrite CPU requests,
     * which moves the HPA's CPU utilization (measured against the request) under it; the two
     * then fight. validateAppArgs refuses it while the HPA scales on CPU, which it always does.
     */
    readonly updateMode?: VpaUpdateMode;
}

export interface AppProbes {
    /** Readiness path. Default "/healthz". */
    readonly readiness?: string;
    /** Liveness path; also used by the startup probe. Default "/healthz". */
    readonly liveness?: string;
}

export interface AppMesh {
    /** Istio Gateway that admits outside traffic, as "namespace/name" (checked when a plain string). */
    readonly gateway: pulumi.Input<string>;
    /** Outside host names routed to this app through the gateway. */
    readonly hosts: string[];
    /** Whole-request timeout. Default "10s". */
    readonly timeout?: string;
    /** Retry attempts for connection failures and gateway errors. Default 2. */
    readonly retryAttempts?: number;
}

/**
 * How Prometheus reaches the app's metrics.
 * - "istio-merge": the pods run an Istio sidecar under mesh-wide STRICT mTLS and Prometheus runs
 *   outside the mesh, so a plain-HTTP scrape of the app port would be refused by the sidecar.
 *   Istio's metrics merging (meshConfig.enablePrometheusMerge plus the pod's prometheus.io
 *   annotations) has istio-agent serve the app's metrics together with Envoy's on port 15020,
 *   path /stats/prometheus, which the sidecar does not intercept: Prometheus scrapes that.
 * - "direct": no sidecar; Prometheus scrapes the app port at `metricsPath`.
 */
export type MetricsVia = "istio-merge" | "direct";

export interface AppArgs {
    /** Namespace the workload runs in (it must exist). */
    readonly namespace: pulumi.Input<string>;
    /** Container image. With `requireDigest` it must be digest-pinned: `repo@sha256:<64 hex>`. */
    readonly image: pulumi.Input<string>;
    /**
     * Refuse images not pinned by digest. Default true: a tag can be moved, a digest cannot,
     * and promotion between environments copies digests.
     */
    readonly requireDigest?: boolean;
    /** Pod count before autoscaling. Default 3: one zone or node can fail and two pods still serve. */
    readonly replicas?: number;
    /** Allow fewer than 3 replicas (single-node local clusters only). Default false. */
    readonly allowSingleReplica?: boolean;
    /** Container port the app listens on (named "http"). Default 8000. */
    readonly port?: number;
    readonly resources?: AppResources;
    readonly autoscaling?: AppAutoscaling;
    /** Plain, non-secret environment variables. Secrets belong in a secret store, never here. */
    readonly env?: Record<string, pulumi.Input<string>>;
    readonly probes?: AppProbes;
    /** Path Prometheus scrapes. Default "/metrics". */
    readonly metricsPath?: string;
    /** Scrape interval. Default "5s". */
    readonly scrapeInterval?: string;
    /** Where Prometheus scrapes the metrics. Default "istio-merge" (see MetricsVia). */
    readonly metricsVia?: MetricsVia;
    /**
     * Namespaces allowed to reach the metrics port (15020 with "istio-merge", the app port with
     * "direct"): the namespace Prometheus runs in. Default ["monitoring"].
     */
    readonly metricsFromNamespaces?: pulumi.Input<string>[];
    /**
     * Namespaces allowed to reach the app port besides its own (e.g. the Istio gateway and
     * monitoring namespaces). Default none: everything else is denied.
     */
    readonly ingressFromNamespaces?: pulumi.Input<string>[];
    /** Labels the Prometheus instance selects ServiceMonitors by (kube-prometheus-stack: `release: <name>`). */
    readonly monitoringLabels?: Record<string, string>;
    /** Istio traffic management (VirtualService, DestinationRule). Default none. */
    readonly mesh?: AppMesh;
    /**
     * Add a VerticalPodAutoscaler (`true` is `{ updateMode: "Off" }`). Only where the cluster runs
     * the VPA controller and CRD: the object is refused without the CRD. Default false.
     */
    readonly vpa?: boolean | AppVpa;
    /** Extra labels on every object and pod. */
    readonly labels?: Record<string, string>;
    /**
     * PriorityClass of the pods, so the scheduler evicts batch work before the app under node
     * pressure. Default none (the cluster default), since the class must exist first.
     */
    readonly priorityClassName?: pulumi.Input<string>;
    /**
     * Roll out new revisions as canaries through the mesh with Argo Rollouts (needs `mesh` and
     * the controller installed). Default none: a plain Deployment rolling update.
     */
    readonly progressiveDelivery?: AppProgressiveDelivery;
    /** Secrets from the secret store. Default none: no IAM role, store or ExternalSecret is created. */
    readonly secrets?: AppSecrets;
}

/**
 * Secrets the app reads from AWS Secrets Manager through External Secrets Operator (secrets.ts).
 * The component names keys only; values stay in the store and reach the pod as files.
 */
export interface AppSecrets {
    /** Variable name -> `key` or `key#property`, the key relative to `folder`. */
    readonly refs: Record<string, string>;
    /** The app's folder in the store, ending in "/", e.g. "platform/dev/app/"; the IAM role reads only below it. */
    readonly folder: string;
    /** AWS region of the store. */
    readonly region: string;
    /** The cluster's IAM OIDC provider (cluster layer output), which the role trusts for this app's ServiceAccount only. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** How often the operator re-reads the store. Default "1h": a rotated secret reaches the pods within the hour. */
    readonly refreshInterval?: string;
    /** Tags of the IAM role. */
    readonly tags?: Record<string, string>;
}

/** One named secret, parsed. */
export interface SecretRef {
    readonly variable: string;
    readonly key: string;
    readonly property?: string;
}

export interface AppSecretsSettings {
    readonly refs: SecretRef[];
    readonly folder: string;
    readonly region: string;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly refreshInterval: string;
    readonly tags: Record<string, string>;
}

/** Where the secret files are mounted; each variable's file is `<dir>/<VARIABLE>`. */
export const SECRET_FILES_DIR = "/var/run/secrets/app";

/** AppArgs with every default applied and every value checked. */
export interface AppSettings {
    readonly name: string;
    readonly requireDigest: boolean;
    readonly replicas: number;
    readonly port: number;
    readonly requests: Required<ResourceQuantities>;
    readonly limits: Required<ResourceQuantities>;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilization: number;
    readonly requestsPerSecond?: number;
    /** The VPA's update mode; undefined: no VPA. */
    readonly vpaUpdateMode?: VpaUpdateMode;
    readonly readinessPath: string;
    readonly livenessPath: string;
    readonly metricsPath: string;
    readonly scrapeInterval: string;
    readonly metricsVia: MetricsVia;
    readonly metricsFromNamespaces: pulumi.Input<string>[];
    readonly ingressFromNamespaces: pulumi.Input<string>[];
    readonly labels: Record<string, string>;
    readonly selector: Record<string, string>;
    readonly priorityClassName?: pulumi.Input<string>;
    readonly secrets?: AppSecretsSettings;
}

export const DEFAULTS = {
    replicas: 3,
    port: 8000,
    requests: { cpu: "250m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
    cpuUtilization: 70,
    probePath: "/healthz",
    metricsPath: "/metrics",
    scrapeInterval: "5s",
    metricsVia: "istio-merge",
    metricsFromNamespaces: ["monitoring"],
} as const;

const DURATION = /^\d+(ms|s|m)$/;

/**
 * Checks an image reference: with `requireDigest`, `repo@sha256:<64 hex>`; without it, any
 * reference except an untagged or `:latest` one, which would change under a running workload.
 */
export function checkImageRef(image: string, requireDigest: boolean): string {
    if (requireDigest) {
        if (!DIGEST_REF.test(image)) fail("image", `image "${image}" is not digest-pinned; use "repo@sha256:<64 hex>" (the images layer output) or set requireDigest: false`);
        return image;
    }
    const lastPart = image.split("/").pop() ?? "";
    if (!image.includes("@") && (!lastPart.includes(":") || lastPart.endsWith(":latest"))) {
        fail("image", `image "${image}" has no fixed tag; pin a version tag or a digest instead of latest`);
    }
    return image;
}

function checkQuantities(path: string, q: Required<ResourceQuantities>): void {
    for (const key of ["cpu", "memory"] as const) {
        const v = parseQuantity(q[key]);
        if (v === undefined || v <= 0) fail(`${path}.${key}`, `${path}.${key} "${q[key]}" is not a positive Kubernetes quantity; use e.g. ${key === "cpu" ? '"250m"' : '"256Mi"'}`);
    }
}

/** Validates `args` for a workload named `name` and returns them with defaults applied. Throws InputPropertyError on the first problem. */
export function validateAppArgs(name: string, args: AppArgs): AppSettings {
    if (!DNS_1035_LABEL.test(name)) fail("name", `name "${name}" is not a DNS label; use lower-case letters, digits and "-", at most 63 characters`);
    if (typeof args.namespace === "string" && !DNS_1035_LABEL.test(args.namespace)) {
        fail("namespace", `namespace "${args.namespace}" is not a DNS label; use lower-case letters, digits and "-"`);
    }
    const requireDigest = args.requireDigest ?? true;
    if (typeof args.image === "string") checkImageRef(args.image, requireDigest);

    const floor = args.allowSingleReplica ? 1 : 3;
    const replicas = args.replicas ?? DEFAULTS.replicas;
    checkInt("replicas", replicas, floor, 1000, floor === 3 ? "use at least 3 so a node or zone loss keeps capacity (allowSingleReplica is for local clusters)" : "use at least 1");

    const port = args.port ?? DEFAULTS.port;
    checkInt("port", port, 1024, 65535, "use 1024-65535: a non-root container with all capabilities dropped cannot bind lower ports");
    if (port >= 15000 && port <= 15090) fail("port", `port ${port} is reserved by the Istio sidecar (15000-15090); use another port such as 8000`);

    const requests = { ...DEFAULTS.requests, ...args.resources?.requests };
    const limits = { ...DEFAULTS.limits, ...args.resources?.limits };
    checkQuantities("resources.requests", requests);
    checkQuantities("resources.limits", limits);
    for (const key of ["cpu", "memory"] as const) {
        if (compareQuantities(limits[key], requests[key])! < 0) {
            fail(`resources.limits.${key}`, `resources.limits.${key} "${limits[key]}" is below the request "${requests[key]}"; raise the limit or lower the request`);
        }
    }

    const minReplicas = args.autoscaling?.minReplicas ?? replicas;
    checkInt("autoscaling.minReplicas", minReplicas, floor, 1000, `use at least ${floor}, like replicas`);
    const maxReplicas = args.autoscaling?.maxReplicas ?? minReplicas * 3;
    checkInt("autoscaling.maxReplicas", maxReplicas, 1, 1000, "use 1-1000");
    if (minReplicas > maxReplicas) fail("autoscaling.maxReplicas", `autoscaling.maxReplicas ${maxReplicas} is below minReplicas ${minReplicas}; raise maxReplicas`);
    const cpuUtilization = args.autoscaling?.cpuUtilization ?? DEFAULTS.cpuUtilization;
    checkInt("autoscaling.cpuUtilization", cpuUtilization, 1, 100, "use a percentage of the CPU request, 1-100 (default 70)");
    const requestsPerSecond = args.autoscaling?.requestsPerSecond;
    if (requestsPerSecond !== undefined && !(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0 && requestsPerSecond <= 100000)) {
        fail("autoscaling.requestsPerSecond", `autoscaling.requestsPerSecond ${requestsPerSecond} must be a positive number of requests per second per pod (at most 100000), e.g. 50; omit it to scale on CPU only`);
    }
    const vpaUpdateMode = args.vpa === true ? "Off" : args.vpa ? (args.vpa.updateMode ?? "Off") : undefined;
    if (vpaUpdateMode !== undefined && !["Off", "Initial", "Recreate", "Auto"].includes(vpaUpdateMode)) fail("vpa.updateMode", `vpa.updateMode "${vpaUpdateMode}" is unknown; use "Off"`);
    // The HPA always has a CPU target (createAutoscaler), so a VPA that applies requests would move that target under it.
    if (vpaUpdateMode !== undefined && vpaUpdateMode !== "Off") fail("vpa.updateMode", `vpa.updateMode "${vpaUpdateMode}" would let the VPA change CPU requests while the HPA scales on CPU utilization of those requests; keep "Off" (recommendations only)`);

    for (const key of Object.keys(args.env ?? {})) {
        if (!ENV_NAME.test(key)) fail(`env.${key}`, `env name "${key}" is not a valid variable name; use letters, digits and "_"`);
        if (key === "PORT") fail("env.PORT", `env PORT is set from args.port; set port instead`);
        if (SECRET_LIKE.test(key)) fail(`env.${key}`, `env "${key}" looks like a secret; mount it from a Kubernetes Secret fed by the secret store instead`);
    }

    const secrets = args.secrets && Object.keys(args.secrets.refs).length > 0 ? validateSecrets(args.secrets, args.env ?? {}) : undefined;

    const readinessPath = args.probes?.readiness ?? DEFAULTS.probePath;
    const livenessPath = args.probes?.liveness ?? DEFAULTS.probePath;
    const metricsPath = args.metricsPath ?? DEFAULTS.metricsPath;
    for (const [path, value] of [["probes.readiness", readinessPath], ["probes.liveness", livenessPath], ["metricsPath", metricsPath]]) {
        if (!value.startsWith("/")) fail(path, `${path} "${value}" must be an absolute path such as "/healthz"`);
    }
    const scrapeInterval = args.scrapeInterval ?? DEFAULTS.scrapeInterval;
    if (!DURATION.test(scrapeInterval)) fail("scrapeInterval", `scrapeInterval "${scrapeInterval}" is not a duration; use e.g. "5s"`);

    const metricsVia = args.metricsVia ?? DEFAULTS.metricsVia;
    if (metricsVia !== "istio-merge" && metricsVia !== "direct") fail("metricsVia", `metricsVia "${metricsVia}" is unknown; use "istio-merge" (sidecar, STRICT mTLS) or "direct" (no sidecar)`);

    const ingressFromNamespaces = args.ingressFromNamespaces ?? [];
    const metricsFromNamespaces = args.metricsFromNamespaces ?? [...DEFAULTS.metricsFromNamespaces];
    for (const [path, list] of [["ingressFromNamespaces", ingressFromNamespaces], ["metricsFromNamespaces", metricsFromNamespaces]] as const) {
        for (const ns of list) {
            if (typeof ns === "string" && !DNS_1035_LABEL.test(ns)) fail(path, `${path} entry "${ns}" is not a namespace name; use e.g. "${path === "metricsFromNamespaces" ? "monitoring" : "istio-ingress"}"`);
        }
    }
    if (metricsFromNamespaces.length === 0) fail("metricsFromNamespaces", "metricsFromNamespaces is empty, so Prometheus could not scrape; list the namespace Prometheus runs in, e.g. [\"monitoring\"]");

    if (args.mesh) {
        const gateway = args.mesh.gateway;
        if (typeof gateway === "string" && !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(gateway)) fail("mesh.gateway", `mesh.gateway "${gateway}" must be "namespace/name", e.g. "istio-ingress/public"`);
        if (args.mesh.hosts.length === 0) fail("mesh.hosts", "mesh.hosts is empty; list the host names the gateway routes to this app");
        if (args.mesh.timeout !== undefined && !DURATION.test(args.mesh.timeout)) fail("mesh.timeout", `mesh.timeout "${args.mesh.timeout}" is not a duration; use e.g. "10s"`);
        if (args.mesh.retryAttempts !== undefined) checkInt("mesh.retryAttempts", args.mesh.retryAttempts, 0, 10, "use 0-10");
    }

    // The selector is immutable on a Deployment: keep it to the two labels that never change.
    const selector = { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
    // `app` too: Istio telemetry and alert rules group by it.
    const labels = { ...args.labels, ...selector, app: name, "app.kubernetes.io/managed-by": "pulumi" };
    return {
        name, requireDigest, replicas, port, requests, limits, minReplicas, maxReplicas, cpuUtilization, requestsPerSecond, vpaUpdateMode,
        readinessPath, livenessPath, metricsPath, scrapeInterval, metricsVia, metricsFromNamespaces,
        ingressFromNamespaces, labels, selector, priorityClassName: args.priorityClassName, secrets,
    };
}

/** Checks the named secrets: variable names, references inside the folder, no clash with plain env. */
export function validateSecrets(secrets: AppSecrets, env: Record<string, unknown>): AppSecretsSettings {
    if (!/^[a-z0-9][a-z0-9_./-]*\/$/.test(secrets.folder)) fail("secrets.folder", `secrets.folder "${secrets.folder}" must be a store path ending in "/", e.g. "platform/dev/app/"`);
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(secrets.region)) fail("secrets.region", `secrets.region "${secrets.region}" is not an AWS region; use e.g. "eu-west-1"`);
    const refreshInterval = secrets.refreshInterval ?? "1h";
    if (!/^\d+[smh]$/.test(refreshInterval)) fail("secrets.refreshInterval", `secrets.refreshInterval "${refreshInterval}" is not a duration; use e.g. "1h"`);
    const refs = Object.entries(secrets.refs).map(([variable, ref]): SecretRef => {
        if (!ENV_NAME.test(variable)) fail(`secrets.refs.${variable}`, `secret variable "${variable}" is not a valid variable name; use letters, digits and "_"`);
        // The value is a reference, but never print it: a caller may have passed the secret itself.
        const m = SECRET_REF.exec(ref);
        if (!m) fail(`secrets.refs.${variable}`, `secret ${variable} is not a reference "key" or "key#property" below ${secrets.folder}; name the store key, never the value`);
        for (const name of [variable, `${variable}_FILE`]) {
            if (name in env || name === "PORT") fail(`secrets.refs.${variable}`, `secret ${variable} clashes with env ${name}; rename one of them`);
        }
        return { variable, key: m[1], property: m[2] };
    });
    return { refs, folder: secrets.folder, region: secrets.region, oidcProviderArn: secrets.oidcProviderArn, refreshInterval, tags: { ...secrets.tags } };
}
