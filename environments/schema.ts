/**
 * The schema every environments/<env>.yaml must satisfy. Parsed once at the edge
 * (load.ts); everything downstream gets a typed, validated `Environment`.
 */
import { z } from "zod";
import { CHART_VERSION, DIGEST_REF, ENVIRONMENT_NAME } from "../common/patterns";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR such as 10.0.0.0/16");
const quantity = z.string().regex(/^\d+(\.\d+)?(m|Mi|Gi|Ki)?$/, 'must be a Kubernetes quantity such as "250m" or "256Mi"');
const chartVersion = z.string().regex(CHART_VERSION, 'must be an exact chart version such as "65.1.0" (no ranges)');
const digestRef = z.string().regex(DIGEST_REF, "must be a digest-pinned image reference repo@sha256:<64 hex>");
const name = z.string().regex(ENVIRONMENT_NAME, "must be lower-case letters, digits and dashes, starting with a letter");

const resources = z.object({
    requests: z.object({ cpu: quantity, memory: quantity }).strict(),
    limits: z.object({ cpu: quantity, memory: quantity }).strict(),
}).strict();

const eksCluster = z.object({
    kind: z.literal("eks"),
    version: z.string().regex(/^1\.\d{2}$/, 'must be an EKS Kubernetes version such as "1.31"'),
    network: z.union([
        z.object({ cidr, azCount: z.number().int().min(2, "needs at least 2 availability zones for high availability").max(6), natGateways: z.enum(["single", "perAz"]).default("perAz") }).strict(),
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
    context: z.string().min(1),
    kubeconfigPath: z.string().optional(),
}).strict();

const image = z.object({
    name,
    context: z.string().min(1),
    dockerfile: z.string().default("Dockerfile"),
}).strict();

const workload = z.object({
    name,
    image: name.describe("name of an entry under images"),
    replicas: z.number().int().min(1),
    port: z.number().int().min(1).max(65535).default(8000),
    resources,
    autoscaling: z.object({ minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1), cpuUtilization: z.number().int().min(10).max(100).default(70) }).strict(),
    hosts: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
}).strict();

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
        z.object({ kind: z.literal("local"), server: z.string().min(1) }).strict(),
    ]),
    images: z.array(image).min(1),
    charts: z.object({
        kubePrometheusStack: chartVersion,
        loki: chartVersion,
        tempo: chartVersion,
        alloy: chartVersion,
        istio: chartVersion,
    }).strict(),
    monitoring: z.object({
        prometheus: z.object({ retention: z.string().regex(/^\d+[dhw]$/, 'must be a duration such as "15d"'), storageGiB: z.number().int().min(1), replicas: z.number().int().min(1).default(1), resources }).strict(),
        alertmanager: z.object({ replicas: z.number().int().min(1).default(1) }).strict().default({}),
        grafana: z.object({ replicas: z.number().int().min(1).default(1) }).strict().default({}),
        logs: z.object({ retentionDays: z.number().int().min(1) }).strict(),
        tracing: z.object({ enabled: z.boolean().default(true) }).strict().default({}),
    }).strict(),
    mesh: z.object({
        gateway: z.object({ replicas: z.number().int().min(1), serviceType: z.enum(["ClusterIP", "LoadBalancer"]).default("ClusterIP") }).strict(),
    }).strict(),
    apps: z.object({
        namespace: name,
        workloads: z.array(workload).min(1),
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
        charts: z.record(z.string(), chartVersion).default({}),
    }).strict().optional(),
}).strict().superRefine((env, ctx) => {
    const imageNames = new Set(env.images.map((i) => i.name));
    env.apps.workloads.forEach((w, i) => {
        if (!imageNames.has(w.image)) {
            ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "image"], message: `names image "${w.image}", which is not under images (have: ${[...imageNames].join(", ")})` });
        }
        if (w.autoscaling.minReplicas > w.autoscaling.maxReplicas) {
            ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "autoscaling", "minReplicas"], message: `is ${w.autoscaling.minReplicas}, above maxReplicas ${w.autoscaling.maxReplicas}; lower it or raise maxReplicas` });
        }
        if (w.replicas < env.policy.minReplicas) {
            ctx.addIssue({ code: "custom", path: ["apps", "workloads", i, "replicas"], message: `is ${w.replicas}, below policy.minReplicas ${env.policy.minReplicas}; raise it` });
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
    for (const pinned of Object.keys(env.release?.images ?? {})) {
        if (!imageNames.has(pinned)) ctx.addIssue({ code: "custom", path: ["release", "images", pinned], message: `pins image "${pinned}", which is not under images` });
    }
});

export type Environment = z.infer<typeof environmentSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;
export type Workload = Environment["apps"]["workloads"][number];
