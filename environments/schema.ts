/**
 * The schema every environments/<env>.yaml must satisfy. Parsed once at the edge
 * (load.ts); everything downstream gets a typed, validated `Environment`.
 */
import * as path from "path";
import { z } from "zod";
import { cidrProblem, compareQuantities, ENV_NAME, parseCidr, parseQuantity, REGISTRY_SERVER, SECRET_LIKE, secretMaterialProblem, subnetPrefix } from "../common/checks";
import { CHART_VERSION, CRON, DIGEST_REF, DNS_1035_LABEL, ENVIRONMENT_NAME, SECRET_REF } from "../common/patterns";
import { looserThanSlo, SLO_DEFAULTS } from "../common/slo";

/** Issue params that keep a value out of the message (an env value may be a secret). */
export const HIDE_VALUE = { hideValue: true } as const;

/** A whole number from min to max; the upper bounds are the components' own (cited where each is used). */
const int = (min: number, max: number, minWhy = "") => z.number().int().min(min, `must be at least ${min}${minWhy}`).max(max, `must be at most ${max}`);

const cidr = z.string().superRefine((c, ctx) => {
    const problem = cidrProblem(c);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const quantity = (example: string) => z.string().superRefine((q, ctx) => {
    const value = parseQuantity(q);
    if (value === undefined) ctx.addIssue({ code: "custom", message: 'must be a Kubernetes quantity such as "250m" or "256Mi"' });
    else if (value <= 0) ctx.addIssue({ code: "custom", message: `must be a positive Kubernetes quantity such as "${example}"` });
});
const chartVersion = z.string().regex(CHART_VERSION, 'must be an exact chart version such as "65.1.0" (no ranges)');
const digestRef = z.string().regex(DIGEST_REF, "must be a digest-pinned image reference repo@sha256:<64 hex>, in lower case as the registry returns it");
// Names become stack names and DNS labels (workloads, namespaces, Services), which cannot end with a dash.
const name = z.string().regex(ENVIRONMENT_NAME, "must be lower-case letters, digits and dashes, starting with a letter (at most 41)")
    .regex(DNS_1035_LABEL, "must be lower-case letters, digits and dashes, starting with a letter and not ending with a dash");
const nonBlank = (fix: string) => z.string().refine((s) => s.trim() !== "", `is blank; ${fix}`);

/** Namespaces the mesh keeps for itself (components/mesh/args.ts refuses them as app namespaces). */
export const SYSTEM_NAMESPACES = ["istio-system", "istio-ingress", "kube-system"] as const;

/** Requests and limits; a limit below its request is refused here, as Kubernetes would at apply time. */
const resources = z.object({
    requests: z.object({ cpu: quantity("250m"), memory: quantity("256Mi") }).strict(),
    limits: z.object({ cpu: quantity("500m"), memory: quantity("512Mi") }).strict(),
}).strict().superRefine((r, ctx) => {
    for (const key of ["cpu", "memory"] as const) {
        if (compareQuantities(r.limits[key], r.requests[key])! < 0) {
            ctx.addIssue({ code: "custom", path: ["limits", key], message: `is below the request "${r.requests[key]}"; raise the limit to at least "${r.requests[key]}" or lower the request` });
        }
    }
});

const eksCluster = z.object({
    kind: z.literal("eks"),
    version: z.string().regex(/^1\.\d{2}$/, 'must be an EKS Kubernetes version such as "1.31"'),
    network: z.union([
        z.object({ cidr, azCount: z.number().int().min(2, "needs at least 2 availability zones for high availability").max(6), natGateways: z.enum(["single", "perAz"]).default("perAz") }).strict().superRefine((n, ctx) => {
            // The subnet plan of components/cluster/network.ts: 2 x azCount subnets of at most /28.
            if (cidrProblem(n.cidr)) return; // already reported on the field itself
            const problem = subnetPrefix(parseCidr(n.cidr).prefix, n.azCount).problem;
            if (problem) ctx.addIssue({ code: "custom", path: ["cidr"], message: problem });
        }),
        z.object({ vpcId: z.string().startsWith("vpc-"), privateSubnetIds: z.array(z.string().startsWith("subnet-")).min(2), publicSubnetIds: z.array(z.string().startsWith("subnet-")).default([]) }).strict(),
    ]),
    endpoint: z.object({
        publicAccess: z.boolean().default(false),
        publicAccessCidrs: z.array(cidr).default([]),
    }).strict().default({}),
    nodes: z.object({
        instanceTypes: z.array(z.string()).min(1),
        minSize: z.number().int().min(1),
        maxSize: z.number().int().min(1),
        desiredSize: z.number().int().min(1),
        diskSizeGiB: z.number().int().min(20).default(50),
        capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    }).strict(),
}).strict();

const existingCluster = z.object({
    kind: z.literal("existing"),
    context: nonBlank("name a kubeconfig context such as kind-platform"),
    kubeconfigPath: nonBlank("omit it to use $KUBECONFIG or ~/.kube/config").optional(),
}).strict();

const image = z.object({
    name,
    context: z.string().min(1),
    dockerfile: z.string().default("Dockerfile"),
}).strict().superRefine((img, ctx) => {
    // components/registry/image.ts builds only a Dockerfile inside the context; a relative path is decided here.
    const rel = path.normalize(img.dockerfile);
    if (!path.isAbsolute(rel) && (rel === ".." || rel.startsWith(`..${path.sep}`))) {
        ctx.addIssue({ code: "custom", path: ["dockerfile"], message: `is outside the context "${img.context}"; move it into the context` });
    }
});

/**
 * Target requests per second per pod for a workload whose `autoscaling.requestsPerSecond` is not
 * set, where monitoring.metricsAdapter is enabled (stacks/settings.ts requestsPerSecondTarget). 50
 * is about what one pod of the sample app serves at its 250m CPU request; size it per workload.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 50;

/** Objectives of one workload (components/monitoring/slo.ts: what each measures, and the ranges). */
const slo = z.object({
    availability: z.number().gt(0.9, "must be above 0.9, e.g. 0.999 for 99.9%").lt(1, "must be below 1 (100% leaves no error budget), e.g. 0.999").default(SLO_DEFAULTS.availability),
    errorRate: z.number().gt(0, "must be above 0 (no budget at all pages on the first error), e.g. 0.001 for < 0.1%").max(0.1, "must be at most 0.1, e.g. 0.001 for < 0.1%").default(SLO_DEFAULTS.errorRate),
    latencyP99Ms: z.number().positive("must be a positive number of milliseconds, e.g. 1000").default(SLO_DEFAULTS.latencyP99Ms),
    /** Ship the PrometheusRule (burn-rate, latency, restart and autoscaler alerts). Default true. */
    alerts: z.boolean().default(true),
}).strict().default({});

const workload = z.object({
    name,
    image: name.describe("name of an entry under images"),
    // Ranges of components/workload/args.ts (validateAppArgs).
    replicas: int(1, 1000),
    port: int(1024, 65535, ": a non-root container with all capabilities dropped cannot bind lower ports")
        .refine((p) => p < 15000 || p > 15090, "is reserved by the Istio sidecar (15000-15090); use another port such as 8000").default(8000),
    resources,
    autoscaling: z.object({
        minReplicas: int(1, 1000),
        maxReplicas: int(1, 1000),
        cpuUtilization: z.number().int().min(10).max(100).default(70),
        // A target per pod, or false to scale on CPU only; absent: DEFAULT_REQUESTS_PER_SECOND where the adapter runs.
        requestsPerSecond: z.union([z.number().positive("must be a positive number of requests per second per pod, e.g. 50, or false to scale on CPU only").max(100000, "must be at most 100000"), z.literal(false)]).optional(),
    }).strict(),
    slo,
    hosts: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    /**
     * Secrets the app reads, by variable name: `db#url` is property "url" of the store's secret
     * `platform/<env>/<app>/db` (README, "Secrets"). Names only; the values live in the store.
     */
    secrets: z.record(z.string(), z.string()).default({}),
}).strict().superRefine((w, ctx) => {
    for (const [key, value] of Object.entries(w.env)) {
        const at = { code: "custom" as const, path: ["env", key], params: HIDE_VALUE };
        const material = secretMaterialProblem(value);
        if (!ENV_NAME.test(key)) ctx.addIssue({ ...at, message: 'is not a valid variable name; use letters, digits and "_"' });
        else if (key === "PORT") ctx.addIssue({ ...at, message: "is set from port; set port instead" });
        else if (SECRET_LIKE.test(key)) ctx.addIssue({ ...at, message: "looks like a secret; mount it from a Kubernetes Secret fed by the secret store instead" });
        else if (material) ctx.addIssue({ ...at, message: `${material}; put it in the secret store and name it under secrets instead` });
    }
    for (const [key, value] of Object.entries(w.secrets)) {
        // Values are never echoed: a secret pasted here by mistake must not reach a terminal or CI log.
        const at = { code: "custom" as const, path: ["secrets", key], params: HIDE_VALUE };
        const material = secretMaterialProblem(value);
        if (!ENV_NAME.test(key)) ctx.addIssue({ ...at, message: 'is not a valid variable name; use letters, digits and "_"' });
        else if (key === "PORT") ctx.addIssue({ ...at, message: "is set from port; give the secret another name" });
        else if (key in w.env) ctx.addIssue({ ...at, message: "is under env too; keep one of them" });
        else if (material) ctx.addIssue({ ...at, message: `${material}; store the value in AWS Secrets Manager under platform/<env>/${w.name}/<key> and name it here as <key>#<property>` });
        else if (!SECRET_REF.test(value)) ctx.addIssue({ ...at, message: 'is not a secret reference; name the store key below the app\'s folder and its property, e.g. "db#url"' });
    }
});

const charts = z.object({
    kubePrometheusStack: chartVersion,
    loki: chartVersion,
    tempo: chartVersion,
    alloy: chartVersion,
    istio: chartVersion,
    /** prometheus-community/prometheus-adapter: the custom metrics API the request-rate autoscaling reads. */
    prometheusAdapter: chartVersion,
    /** argo-helm's argo-rollouts chart: the progressive-delivery controller (stacks/mesh.ts). */
    argoRollouts: chartVersion,
    externalSecrets: chartVersion,
    /** vmware-tanzu chart `velero` (https://vmware-tanzu.github.io/helm-charts): cluster backups (backup:). */
    velero: chartVersion,
}).strict();

/** Seconds from a canary going bad to traffic back on the stable pods, at most (README "Progressive delivery"). */
export const ABORT_BUDGET_SECONDS = 120;
/** Envoy's metrics are scraped every 15 s (components/mesh/values.ts envoyPodMonitor). */
export const ENVOY_SCRAPE_SECONDS = 15;
/** Allowance for the abort itself: Argo Rollouts writes the VirtualService weight, istiod pushes it to every Envoy. */
export const MESH_PUSH_SECONDS = 10;

/**
 * The longest a failing canary keeps traffic, in seconds: a regression that starts just after a
 * scrape is visible to Prometheus one scrape later; the next measurement fails, and so do
 * failureLimit more, one interval apart (the one after failureLimit failures aborts); then the
 * weight goes back to 0 on the VirtualService and istiod pushes it.
 */
export function abortBoundSeconds(a: { intervalSeconds: number; failureLimit: number }): number {
    return ENVOY_SCRAPE_SECONDS + (a.failureLimit + 1) * a.intervalSeconds + MESH_PUSH_SECONDS;
}

/**
 * Canary delivery through the mesh (components/workload/rollout.ts): each weight of `steps` is
 * set on the VirtualService, then held while an analysis reads Prometheus every
 * `analysis.intervalSeconds`, `analysis.count` times; more than `analysis.failureLimit` failed
 * measurements abort the rollout and shift every request back to the stable pods. Off by
 * default: an environment turns it on in its own file (local keeps it off).
 */
const progressiveDelivery = z.object({
    enabled: z.boolean().default(false),
    /** Canary weights in percent, rising; 100 is implied after the last one. */
    steps: z.array(int(1, 99)).min(1, "is empty; list rising canary weights such as [10, 25, 50]").default([10, 25, 50])
        .refine((w) => w.every((v, i) => i === 0 || v > w[i - 1]), "must rise step by step, e.g. [10, 25, 50]"),
    analysis: z.object({
        /** Seconds between two Prometheus measurements; also the rate window's step. */
        intervalSeconds: int(10, 300, ": Prometheus needs a few scrapes (5-15 s apart) per measurement").default(20),
        /** Measurements per step: a step holds for count x intervalSeconds. */
        count: int(1, 60).default(3),
        /** Failed measurements tolerated per step; one more aborts (see the timing bound below). */
        failureLimit: int(0, 10).default(1),
        /**
         * Share of requests to the canary that must not be 5xx or reset (istio_requests_total), for every app.
         * Absent: each workload's slo.availability. Below a workload's objective is refused (common/slo.ts).
         */
        successRate: z.number().min(0.5, "must be at least 0.5").max(1, "must be at most 1").optional(),
        /**
         * p99 latency bound in ms for every app (istio_request_duration_milliseconds); perApp overrides it.
         * Absent: each workload's slo.latencyP99Ms. Above a workload's bound is refused.
         */
        maxP99LatencyMs: int(1, 60000).optional(),
    }).strict().default({}),
    /** Per-workload p99 bound in ms, by workload name; like analysis.maxP99LatencyMs, never above the workload's slo.latencyP99Ms. */
    perApp: z.record(name, z.object({ maxP99LatencyMs: int(1, 60000) }).strict()).default({}),
    /** How long `infra up` waits for a rollout to finish (Healthy) or fail (Degraded) before it reports a timeout. */
    timeoutSeconds: int(60, 7200).default(900),
}).strict().superRefine((pd, ctx) => {
    const worst = abortBoundSeconds(pd.analysis);
    if (worst > ABORT_BUDGET_SECONDS) {
        ctx.addIssue({ code: "custom", path: ["analysis", "intervalSeconds"], message: `lets an abort take up to ${worst} s (${ENVOY_SCRAPE_SECONDS} + (failureLimit ${pd.analysis.failureLimit} + 1) x ${pd.analysis.intervalSeconds} + ${MESH_PUSH_SECONDS}), over the ${ABORT_BUDGET_SECONDS} s rollback target; lower intervalSeconds or failureLimit` });
    }
    const a = pd.analysis;
    if (a.failureLimit >= a.count) {
        ctx.addIssue({ code: "custom", path: ["analysis", "failureLimit"], message: `is ${a.failureLimit}, not below count ${a.count}, so a step could never fail; lower it or raise count` });
    }
    const analysed = pd.steps.length * a.count * a.intervalSeconds;
    if (pd.timeoutSeconds < analysed) {
        ctx.addIssue({ code: "custom", path: ["timeoutSeconds"], message: `is ${pd.timeoutSeconds} s, shorter than the ${analysed} s the steps' analyses take (${pd.steps.length} steps x ${a.count} x ${a.intervalSeconds} s); raise it` });
    }
});

export const environmentSchema = z.object({
    name,
    /** The environment a release is promoted from into this one (dev -> staging -> prod). */
    promotesFrom: name.nullable().default(null),
    /**
     * Protected environments are updated only with --yes or the name typed at the prompt, and
     * destroyed only with --yes --confirm <name>. Default false: protection is declared, per file.
     */
    protected: z.boolean().default(false),
    aws: z.object({ region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"') }).strict().optional(),
    cluster: z.discriminatedUnion("kind", [eksCluster, existingCluster]),
    registry: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("ecr"), untaggedExpiryDays: z.number().int().min(1).default(14), keepTagged: z.number().int().min(1).default(30) }).strict(),
        z.object({ kind: z.literal("local"), server: z.string().regex(REGISTRY_SERVER, "is not host:port; use e.g. localhost:5001") }).strict(),
    ]),
    images: z.array(image).min(1),
    charts,
    monitoring: z.object({
        // Ranges of components/monitoring/args.ts (validateMonitoringStackArgs).
        prometheus: z.object({ retention: z.string().regex(/^\d+[dhw]$/, 'must be a duration such as "15d"'), storageGiB: int(1, 16384), replicas: int(1, 10).default(1), resources }).strict(),
        alertmanager: z.object({ replicas: int(1, 10).default(1) }).strict().default({}),
        grafana: z.object({ replicas: int(1, 10).default(1) }).strict().default({}),
        logs: z.object({ retentionDays: int(1, 3650) }).strict(),
        tracing: z.object({ enabled: z.boolean().default(true) }).strict().default({}),
        /** prometheus-adapter: per-pod requests per second for the workloads' autoscalers. false: CPU only. */
        metricsAdapter: z.object({ enabled: z.boolean().default(true), replicas: int(1, 10).default(1) }).strict().default({}),
    }).strict(),
    mesh: z.object({
        // components/mesh/args.ts: the gateway autoscaler's ceiling, 3 x replicas, may be at most 100.
        gateway: z.object({ replicas: z.number().int().min(1, "must be at least 1").max(33, "must be at most 33: the gateway autoscaler's ceiling is 3 x replicas, at most 100"), serviceType: z.enum(["ClusterIP", "LoadBalancer"]).default("ClusterIP") }).strict(),
    }).strict(),
    /**
     * Secrets from AWS Secrets Manager through External Secrets Operator (README, "Secrets").
     * `enabled` defaults to on for an EKS cluster (IRSA needs its OIDC provider) and off
     * otherwise; set it to false to install no operator and store no generated secret.
     */
    secretStore: z.object({
        enabled: z.boolean().optional(),
        /** How often ExternalSecrets re-read the store; a rotated secret reaches pods within it. */
        refreshInterval: z.string().regex(/^\d+[smh]$/, 'must be a duration such as "1h" or "15m"').default("1h"),
    }).strict().default({}),
    /**
     * Cluster backups with Velero into an encrypted, versioned S3 bucket (README, "Disaster
     * recovery"). `enabled` defaults to on for an EKS cluster in AWS (the bucket is S3 and Velero's
     * role is IRSA) and off otherwise; `true` without AWS is refused.
     */
    backup: z.object({
        enabled: z.boolean().optional(),
        /** When backups run: a five-field cron expression in UTC. The interval is the design RPO. */
        schedule: z.string().regex(CRON, 'must be a five-field cron expression such as "0 */6 * * *" (minute hour day month weekday, UTC)').default("0 */6 * * *"),
        /** Days Velero keeps each backup (its ttl); the bucket expires superseded object versions after the same time. */
        retentionDays: int(1, 3650).default(14),
        /** Namespaces each backup holds. Default: the apps namespace. */
        includedNamespaces: z.array(name).min(1, "must name at least one namespace, e.g. [apps]").optional(),
    }).strict().default({}),
    apps: z.object({
        namespace: name.refine((ns) => !(SYSTEM_NAMESPACES as readonly string[]).includes(ns), "is a system namespace; give the apps their own, e.g. apps"),
        workloads: z.array(workload).min(1),
        /** Base of every alert's runbook_url (the rendered docs/runbooks.md), without "#". Default: the file's path in this repository. */
        runbookBaseUrl: z.string().regex(/^[^#\s]+$/, 'must be a URL or path without "#" or spaces, e.g. "https://git.example.com/platform/blob/main/docs/runbooks.md"').optional(),
        /** A Grafana dashboard per workload (a ConfigMap the Grafana sidecar loads). */
        dashboards: z.object({
            enabled: z.boolean().default(true),
            folder: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$/, 'must be 1-63 letters, digits, spaces, "_" or "-", e.g. "Apps"').default("Apps"),
        }).strict().default({}),
        /**
         * A VerticalPodAutoscaler per workload. Only where the cluster runs the VPA controller and
         * its CRD (it is not installed here): default off.
         */
        vpa: z.object({
            enabled: z.boolean().default(false),
            // Every workload's HPA scales on CPU utilization of the requests, which a VPA in any other mode rewrites.
            updateMode: z.enum(["Off", "Initial", "Recreate", "Auto"]).default("Off")
                .refine((m) => m === "Off", 'must be "Off" (recommendations only): the workloads\' HPAs scale on CPU utilization of the requests a VPA in this mode would change'),
        }).strict().default({}),
        progressiveDelivery: progressiveDelivery.default({}),
    }).strict(),
    policy: z.object({
        /** Only digest-pinned images may be deployed. */
        requireDigest: z.boolean(),
        /** Registries images may come from; empty means the environment's own registry only. */
        allowedRegistries: z.array(z.string()).default([]),
        minReplicas: z.number().int().min(1),
        /** Pod Security Standards profile enforced: "restricted" everywhere unless a local cluster needs "baseline". */
        profile: z.enum(["baseline", "restricted"]).default("restricted"),
        /** Make advisory best-practice rules mandatory (prod). */
        enforceBestPractices: z.boolean().default(false),
        /** Objects some or all rules skip, each with the reason reports print (policies/README.md). */
        exemptions: z.array(z.object({
            namespace: z.string().min(1).optional(),
            namePrefix: z.string().min(1).optional(),
            image: z.string().min(1).optional(),
            urn: z.string().min(1).optional(),
            rules: z.array(z.string().min(1)).min(1).optional(),
            reason: z.string().min(1, "must say why the objects are exempt"),
        }).strict().refine((e) => e.namespace || e.namePrefix || e.image || e.urn, "selects nothing; set namespace, namePrefix, image or urn")).default([]),
        /** Host ports containers may bind ("9100", "30000-32767"); none by default. */
        allowedHostPorts: z.array(z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'must be a port or a range such as "30000-32767"')).default([]),
    }).strict(),
    /** Release pins, written by `infra promote`; absent in an environment that builds its own images. */
    release: z.object({
        id: z.string().optional(),
        images: z.record(name, digestRef).default({}),
        // Only charts the environment runs can be pinned; a misspelt chart is an unknown key.
        charts: charts.partial().default({}),
    }).strict().optional(),
}).strict().superRefine((env, ctx) => {
    const imageNames = new Set(env.images.map((i) => i.name));
    // Two entries with one name would be two Pulumi resources with one URN, refused mid-layer.
    const unique = (list: { name: string }[], at: string, what: string) => list.forEach((item, i) => {
        const first = list.findIndex((other) => other.name === item.name);
        if (first < i) ctx.addIssue({ code: "custom", path: [...at.split("."), i, "name"], message: `is used by ${at}.${first} too; give each ${what} its own name` });
    });
    unique(env.images, "images", "image");
    unique(env.apps.workloads, "apps.workloads", "workload");
    env.apps.workloads.forEach((w, i) => {
        if (!imageNames.has(w.image)) {
            ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "image"], message: `names image "${w.image}", which is not under images (have: ${[...imageNames].join(", ")})` });
        }
        if (typeof w.autoscaling.requestsPerSecond === "number" && !env.monitoring.metricsAdapter.enabled) {
            ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "autoscaling", "requestsPerSecond"], message: "is set while monitoring.metricsAdapter.enabled is false, so the metric would never exist; enable the adapter or set requestsPerSecond: false" });
        }
        if (w.autoscaling.minReplicas > w.autoscaling.maxReplicas) {
            ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "autoscaling", "minReplicas"], message: `is ${w.autoscaling.minReplicas}, above maxReplicas ${w.autoscaling.maxReplicas}; lower it or raise maxReplicas` });
        }
        // The workload's replica floor (3, or 1 where policy.minReplicas allows single replicas) holds for the autoscaler too.
        for (const [field, value] of [["replicas", w.replicas], ["autoscaling.minReplicas", w.autoscaling.minReplicas]] as const) {
            if (value < env.policy.minReplicas) {
                ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, ...field.split(".")], message: `is ${value}, below policy.minReplicas ${env.policy.minReplicas}; raise it` });
            }
        }
    });
    if (env.cluster.kind === "eks") {
        if (!env.aws) ctx.addIssue({ code: "custom", path: ["aws"], message: "is required for an eks cluster; add aws.region" });
        if (env.registry.kind !== "ecr") ctx.addIssue({ code: "custom", path: ["registry", "kind"], message: 'must be "ecr" for an eks cluster' });
        const n = env.cluster.nodes;
        if (n.minSize > n.desiredSize || n.desiredSize > n.maxSize) {
            ctx.addIssue({ code: "custom", path: ["cluster", "nodes"], message: `needs minSize <= desiredSize <= maxSize (got ${n.minSize} <= ${n.desiredSize} <= ${n.maxSize})` });
        }
        const ep = env.cluster.endpoint;
        if (ep.publicAccess && ep.publicAccessCidrs.length === 0) {
            ctx.addIssue({ code: "custom", path: ["cluster", "endpoint", "publicAccessCidrs"], message: "is empty while publicAccess is true; list the CIDRs allowed to reach the API or set publicAccess: false" });
        }
        ep.publicAccessCidrs.forEach((c, i) => {
            if (c.endsWith("/0")) ctx.addIssue({ code: "custom", path: ["cluster", "endpoint", "publicAccessCidrs", i], message: `is ${c}, which opens the API to the internet; list specific CIDRs` });
        });
    }
    // Built images are deployed as `<server>/<name>@sha256:...`, which components/workload/app.ts checks only once the apps layer runs.
    if (env.registry.kind === "local" && env.policy.requireDigest) {
        const registry = env.registry;
        env.images.forEach((img, i) => {
            if (!DIGEST_REF.test(`${registry.server}/${img.name}@sha256:${"0".repeat(64)}`)) {
                ctx.addIssue({ code: "custom", path: ["registry", "server"], message: `makes "${registry.server}/${img.name}@sha256:..." for images.${i}, which is no digest reference the workloads accept under policy.requireDigest; write the server in lower case, e.g. localhost:5001` });
            }
        });
    }
    const pd = env.apps.progressiveDelivery;
    if (pd.enabled) {
        // The canary split is a weight on the workload's VirtualService, which exists only for a
        // workload routed through the mesh gateway (stacks/apps.ts).
        env.apps.workloads.forEach((w, i) => {
            if (w.hosts.length === 0) ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "hosts"], message: `is empty, so workload "${w.name}" has no mesh route to shift canary traffic on; add its hosts or set apps.progressiveDelivery.enabled: false` });
        });
    }
    for (const app of Object.keys(pd.perApp)) {
        if (!env.apps.workloads.some((w) => w.name === app)) ctx.addIssue({ code: "custom", path: ["apps", "progressiveDelivery", "perApp", app], message: `names workload "${app}", which is not under apps.workloads; fix the name or remove it` });
    }
    // A canary threshold set here may be tighter than the SLO of each workload it applies to, never looser.
    env.apps.workloads.forEach((w, i) => {
        const own = pd.perApp[w.name]?.maxP99LatencyMs;
        const gate = { successRate: pd.analysis.successRate, maxP99LatencyMs: own ?? pd.analysis.maxP99LatencyMs };
        for (const { field, problem } of looserThanSlo(gate, w.slo, `apps.workloads.${i}.slo`)) {
            const at = field === "maxP99LatencyMs" && own !== undefined ? ["perApp", w.name, field] : ["analysis", field];
            ctx.addIssue({ code: "custom", path: ["apps", "progressiveDelivery", ...at], message: problem });
        }
    });
    if (env.secretStore.enabled === true && env.cluster.kind !== "eks") {
        ctx.addIssue({ code: "custom", path: ["secretStore", "enabled"], message: "is true, but the store's per-app IAM roles (IRSA) need an EKS cluster's OIDC provider and this cluster is existing; set it to false" });
    }
    if (env.backup.enabled === true && (env.cluster.kind !== "eks" || !env.aws)) {
        ctx.addIssue({ code: "custom", path: ["backup", "enabled"], message: `is true, but backups go to an S3 bucket through an IAM role for Velero's ServiceAccount (IRSA), which needs AWS and an EKS cluster and this cluster is ${env.cluster.kind}; set it to false` });
    }
    (env.backup.includedNamespaces ?? []).forEach((ns, i, all) => {
        if (all.indexOf(ns) !== i) ctx.addIssue({ code: "custom", path: ["backup", "includedNamespaces", i], message: `names "${ns}" twice; list each namespace once` });
    });
    if (!secretStoreEnabled(env)) {
        env.apps.workloads.forEach((w, i) => {
            if (Object.keys(w.secrets).length > 0) {
                ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "secrets"], params: HIDE_VALUE, message: "names secrets, but this environment has no secret store (secretStore is off, or the cluster is not EKS); remove them, or turn secretStore on in an EKS environment" });
            }
        });
    }
    for (const pinned of Object.keys(env.release?.images ?? {})) {
        if (!imageNames.has(pinned)) ctx.addIssue({ code: "custom", path: ["release", "images", pinned], message: `pins image "${pinned}", which is not under images` });
    }
});

export type Environment = z.infer<typeof environmentSchema>;

/** Whether the environment runs the secret store: on by default for EKS, never without it. */
export function secretStoreEnabled(env: Pick<Environment, "cluster" | "secretStore">): boolean {
    return env.cluster.kind === "eks" && (env.secretStore.enabled ?? true);
}
/** Whether the environment backs its cluster up with Velero: on by default for EKS in AWS, never without them. */
export function backupEnabled(env: Pick<Environment, "cluster" | "aws" | "backup">): boolean {
    return env.cluster.kind === "eks" && env.aws !== undefined && (env.backup.enabled ?? true);
}

/** The namespaces an environment's backups hold: its own list, else the apps namespace. */
export function backupNamespaces(env: Pick<Environment, "apps" | "backup">): string[] {
    return env.backup.includedNamespaces ?? [env.apps.namespace];
}
export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Workload = Environment["apps"]["workloads"][number];
