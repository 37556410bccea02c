/**
 * The schema and the components draw each line in the same place: for every rule the schema
 * copies from a component (a range, a reserved value), the last value the schema accepts is
 * accepted by the component and the first value it refuses is refused by the component too,
 * with the component arguments built from the environment as the layer programs build them.
 * A component that moves a bound without the schema (or the reverse) fails here.
 */
import * as assert from "assert";
import * as path from "path";
import { parse } from "yaml";
import { validateEksClusterArgs } from "../../components/cluster/eks";
import { validateExistingClusterArgs } from "../../components/cluster/existing";
import { validateIstioArgs } from "../../components/mesh/args";
import { validateAppAlertRulesArgs } from "../../components/monitoring/alerts";
import { validateMonitoringStackArgs } from "../../components/monitoring/args";
import { validateImageArgs } from "../../components/registry/image";
import { checkImageRef, validateAppArgs } from "../../components/workload/args";
import { validateProgressiveDelivery } from "../../components/workload/rollout";
import { BUILD_CONTEXT_ROOT } from "../../environments/load";
import { Environment, environmentSchema } from "../../environments/schema";
import { PROJECT_DIR as SETTINGS_PROJECT_DIR, workloadAnalysis, workloadAutoscaling, workloadSlo } from "../../stacks/settings";
import { shipped } from "./helpers";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const DIGEST_IMAGE = `registry.example/app@sha256:${"a".repeat(64)}`;

/** Component validators fed from an environment the way stacks/*.ts feed the components. */
const COMPONENTS: Record<string, (env: Environment) => void> = {
    apps: (env) => env.apps.workloads.forEach((w) => validateAppArgs(w.name, {
        namespace: env.apps.namespace, image: DIGEST_IMAGE, requireDigest: env.policy.requireDigest, replicas: w.replicas,
        allowSingleReplica: env.policy.minReplicas < 3, port: w.port, resources: w.resources, autoscaling: workloadAutoscaling(env, w), env: w.env,
        vpa: env.apps.vpa.enabled ? { updateMode: env.apps.vpa.updateMode } : false,
    }) && validateAppAlertRulesArgs({ namespace: env.apps.namespace, app: w.name, selector: { app: w.name }, slo: workloadSlo(w), runbookBaseUrl: env.apps.runbookBaseUrl })
        && (!env.apps.progressiveDelivery.enabled || validateProgressiveDelivery(w.name, {
            steps: env.apps.progressiveDelivery.steps, prometheusUrl: "http://prometheus.monitoring:9090", ...workloadAnalysis(env, w), timeoutSeconds: env.apps.progressiveDelivery.timeoutSeconds,
        }, w.hosts.length > 0))),
    mesh: (env) => validateIstioArgs({
        version: env.charts.istio, gateway: { replicas: env.mesh.gateway.replicas, serviceType: env.mesh.gateway.serviceType },
        appNamespaces: [env.apps.namespace], monitoringNamespace: "monitoring",
    }),
    monitoring: (env) => validateMonitoringStackArgs({
        namespace: "monitoring", charts: env.charts, prometheus: env.monitoring.prometheus, alertmanager: env.monitoring.alertmanager,
        grafana: { ...env.monitoring.grafana, dashboardNamespaces: [env.apps.namespace] }, logs: env.monitoring.logs, tracing: env.monitoring.tracing,
        metricsAdapter: env.monitoring.metricsAdapter,
    }),
    cluster: (env) => env.cluster.kind === "eks"
        ? validateEksClusterArgs({ version: env.cluster.version, network: env.cluster.network, endpoint: env.cluster.endpoint, nodes: env.cluster.nodes })
        : validateExistingClusterArgs({ context: env.cluster.context, kubeconfigPath: env.cluster.kubeconfigPath }),
    images: (env) => env.images.forEach((img) => validateImageArgs({
        context: path.resolve(PROJECT_DIR, img.context), dockerfile: img.dockerfile, repositoryUrl: "registry.example/app",
        registry: env.registry.kind === "local" ? { kind: "local", server: env.registry.server } : { kind: "ecr", registryId: "123456789012" },
    })),
};

/** [layer, environment file, field path, last value accepted, first value refused]. */
const BOUNDS: [string, string, string, unknown, unknown][] = [
    ["apps", "dev", "apps.workloads.0.port", 1024, 1023],
    ["apps", "dev", "apps.workloads.0.port", 14999, 15000],
    ["apps", "dev", "apps.workloads.0.port", 15091, 15090],
    ["apps", "dev", "apps.workloads.0.replicas", 1000, 1001],
    ["apps", "dev", "apps.workloads.0.autoscaling.maxReplicas", 1000, 1001],
    ["apps", "dev", "apps.workloads.0.autoscaling.minReplicas", 3, 2],
    ["apps", "dev", "apps.workloads.0.resources.limits.cpu", "250m", "249m"],
    ["apps", "dev", "apps.workloads.0.resources.limits.cpu", "0.25", "0.249"],
    ["apps", "dev", "apps.workloads.0.resources.limits.memory", "256Mi", "255Mi"],
    ["apps", "dev", "apps.workloads.0.resources.requests.cpu", "1m", "0"],
    ["apps", "dev", "apps.workloads.0.env", { LOG_LEVEL: "info" }, { PORT: "9000" }],
    ["apps", "dev", "apps.workloads.0.env", { LOG_LEVEL: "info" }, { GITHUB_TOKEN: "x" }],
    ["apps", "dev", "apps.workloads.0.env", { LOG_LEVEL: "info" }, { "1X": "x" }],
    ["apps", "dev", "apps.namespace", "apps-1", "apps-"],
    ["apps", "dev", "apps.workloads.0.slo.availability", 0.9001, 0.9],
    ["apps", "dev", "apps.workloads.0.slo.availability", 0.9999, 1],
    ["apps", "dev", "apps.workloads.0.slo.errorRate", 0.1, 0.1001],
    ["apps", "dev", "apps.workloads.0.slo.errorRate", 0.0001, 0],
    ["apps", "dev", "apps.workloads.0.slo.latencyP99Ms", 0.5, 0],
    // A canary threshold may be as tight as the workload's SLO, not looser (common/slo.ts).
    ["apps", "dev", "apps.progressiveDelivery.analysis.successRate", 0.999, 0.9989],
    ["apps", "dev", "apps.progressiveDelivery.analysis.maxP99LatencyMs", 1000, 1001],
    ["apps", "prod", "apps.progressiveDelivery.perApp.app.maxP99LatencyMs", 1000, 1001],
    ["apps", "prod", "apps.workloads.0.slo.latencyP99Ms", 300, 299],
    ["apps", "dev", "apps.workloads.0.autoscaling.requestsPerSecond", 100000, 100001],
    ["apps", "dev", "apps.workloads.0.autoscaling.requestsPerSecond", 0.5, 0],
    ["apps", "dev", "apps.runbookBaseUrl", "https://git.example.com/p/docs/runbooks.md", "https://git.example.com/p/docs/runbooks.md#x"],
    ["apps", "dev", "apps.vpa", { enabled: true, updateMode: "Off" }, { enabled: true, updateMode: "Auto" }],
    ["monitoring", "dev", "monitoring.metricsAdapter", { replicas: 10 }, { replicas: 11 }],
    ["mesh", "dev", "apps.namespace", "apps", "istio-system"],
    ["mesh", "dev", "apps.namespace", "apps", "istio-ingress"],
    ["mesh", "dev", "apps.namespace", "apps", "kube-system"],
    ["mesh", "dev", "mesh.gateway.replicas", 33, 34],
    ["monitoring", "dev", "monitoring.prometheus.replicas", 10, 11],
    ["monitoring", "dev", "monitoring.prometheus.storageGiB", 16384, 16385],
    ["monitoring", "dev", "monitoring.alertmanager", { replicas: 10 }, { replicas: 11 }],
    ["monitoring", "dev", "monitoring.grafana", { replicas: 10 }, { replicas: 11 }],
    ["monitoring", "dev", "monitoring.logs.retentionDays", 3650, 3651],
    ["cluster", "dev", "cluster.network.cidr", "10.20.0.0/26", "10.20.0.0/27"],
    ["cluster", "dev", "cluster.network.cidr", "10.20.0.0/16", "10.20.0.0/99"],
    ["cluster", "dev", "cluster.endpoint.publicAccessCidrs.0", "203.0.113.0/32", "203.0.113.0/33"],
    ["cluster", "dev", "cluster.endpoint.publicAccessCidrs.0", "203.0.113.0/24", "203.0.313.0/24"],
    ["cluster", "local", "cluster.context", "kind-platform", " "],
    ["cluster", "local", "cluster.kubeconfigPath", "/tmp/kubeconfig", ""],
    ["images", "local", "registry.server", "localhost:5001", "http://localhost:5001"],
    ["images", "dev", "images.0.dockerfile", "./Dockerfile", "../Dockerfile"],
];

function withValue(env: string, field: string, value: unknown): unknown {
    const raw = parse(shipped(env));
    const keys = field.split(".");
    // A section the file leaves to its defaults (slo, apps.vpa) is created.
    const parent = keys.slice(0, -1).reduce((o, k) => (o[k] ??= {}), raw);
    parent[keys[keys.length - 1]] = value;
    return raw;
}

function componentRefuses(layer: string, env: Environment): boolean {
    try {
        COMPONENTS[layer](env);
        return false;
    } catch {
        return true;
    }
}

describe("environment schema and components agree on each bound", () => {
    for (const [layer, env, field, ok, bad] of BOUNDS) {
        it(`${env} ${field}: ${JSON.stringify(ok)} passes both, ${JSON.stringify(bad)} is refused by both (${layer})`, () => {
            const accepted = environmentSchema.safeParse(withValue(env, field, ok));
            assert.ok(accepted.success, `schema refused ${JSON.stringify(ok)}: ${accepted.error?.issues[0]?.message}`);
            assert.strictEqual(componentRefuses(layer, accepted.data), false, `the ${layer} component refused ${JSON.stringify(ok)}`);
            assert.strictEqual(environmentSchema.safeParse(withValue(env, field, bad)).success, false, `schema accepted ${JSON.stringify(bad)}`);
            // The component sees the refused value where the schema would have passed it on.
            const passedOn = structuredClone(accepted.data);
            const keys = field.split(".");
            keys.slice(0, -1).reduce((o: any, k) => o[k], passedOn)[keys[keys.length - 1]] = bad;
            assert.strictEqual(componentRefuses(layer, passedOn), true, `the ${layer} component accepted ${JSON.stringify(bad)}`);
        });
    }
});

describe("the environment loader and the layer programs", () => {
    it("resolve build contexts against the same folder", () => {
        assert.strictEqual(BUILD_CONTEXT_ROOT, SETTINGS_PROJECT_DIR);
    });
});

describe("a local registry under requireDigest", () => {
    it("is refused by the schema exactly when the workload would refuse the image reference it makes", () => {
        for (const server of ["localhost:5001", "registry.local:5001", "Registry.Local:5001", "reg__x:5000"]) {
            const raw = withValue("local", "registry.server", server) as any;
            raw.policy.requireDigest = true;
            const schemaOk = environmentSchema.safeParse(raw).success;
            let componentOk = true;
            try {
                checkImageRef(`${server}/app@sha256:${"b".repeat(64)}`, true);
            } catch {
                componentOk = false;
            }
            assert.strictEqual(schemaOk, componentOk, server);
        }
    });
});

describe("the workload compares quantities as the schema does", () => {
    it("accepts a limit equal to its request written another way (0.009 = 9m), which float arithmetic refused", () => {
        const args = { namespace: "apps", image: DIGEST_IMAGE, resources: { requests: { cpu: "9m", memory: "1536Mi" }, limits: { cpu: "0.009", memory: "1.5Gi" } } };
        assert.deepStrictEqual(validateAppArgs("app", args).limits, { cpu: "0.009", memory: "1.5Gi" });
        assert.throws(() => validateAppArgs("app", { ...args, resources: { ...args.resources, limits: { cpu: "0.008", memory: "1.5Gi" } } }), /limits\.cpu "0\.008" is below the request "9m"/);
    });
});
