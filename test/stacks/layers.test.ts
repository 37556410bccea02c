/**
 * Every layer program of every environment, run under the SDK mock runtime in dependency
 * order with each layer's outputs fed to the next one's StackReferences. Every Kubernetes
 * object must be schema-valid and every layer must honour its output contract.
 */
import * as assert from "assert";
import * as os from "os";
import * as path from "path";
import type { OutputValue, RecordedResource } from "../../automation/engine";
import { planLayer } from "../../automation/offline/plan";
import { listEnvironments, loadEnvironment } from "../../environments/load";
import { Layer, topoOrder } from "../../stacks/graph";
import { chartVersion, requestsPerSecondTarget } from "../../stacks/settings";
import { requestsPerSecondRule } from "../../components/monitoring/adapter";
import { GRAFANA_DASHBOARD_LABEL } from "../../components/monitoring/values";

type Plan = Awaited<ReturnType<typeof planLayer>>;

const ENVS = listEnvironments();

async function planEnvironment(env: string): Promise<Record<Layer, Plan>> {
    const upstream: Partial<Record<Layer, Record<string, OutputValue>>> = {};
    const out = {} as Record<Layer, Plan>;
    for (const layer of topoOrder() as Layer[]) {
        const plan = await planLayer({ kind: "run", env, layer, upstream: { ...upstream }, scratchDir: path.join(os.tmpdir(), "layers-test") });
        upstream[layer] = plan.outputs;
        out[layer] = plan;
    }
    return out;
}

const byType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);
const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
/** The objects that run each app's pods: Argo Rollouts with progressive delivery, else Deployments. */
const podControllers = (env: string, resources: RecordedResource[]) =>
    byType(resources, loadEnvironment(env).apps.progressiveDelivery.enabled ? ROLLOUT : "kubernetes:apps/v1:Deployment");

describe("layer programs under the mock runtime", function () {
    const results: Record<string, Record<Layer, Plan>> = {};
    before(async () => {
        for (const env of ENVS) results[env] = await planEnvironment(env);
    });

    for (const env of ENVS) {
        describe(env, () => {
            it("registers resources in every layer, with schema-valid Kubernetes objects", () => {
                for (const layer of topoOrder() as Layer[]) {
                    const plan = results[env][layer];
                    assert.ok(plan.resources.length > 0, `${env}-${layer} registered no resources`);
                    assert.deepStrictEqual(plan.schema, [], `${env}-${layer} has schema-invalid objects`);
                    assert.strictEqual(plan.schemaUnchecked, 0, `${env}-${layer} has Kubernetes objects no schema covers`);
                }
                const k8sLayers: Layer[] = ["monitoring", "mesh", "apps"];
                for (const layer of k8sLayers) assert.ok(results[env][layer].schemaChecked > 0, `${env}-${layer} validated no Kubernetes object`);
            });

            it("keeps secrets secret across the stack boundary", () => {
                assert.strictEqual(results[env].cluster.outputs.kubeconfig.secret, true);
                assert.strictEqual(results[env].monitoring.outputs.grafanaAdminPassword.secret, true);
                for (const plan of Object.values(results[env])) {
                    assert.ok(!JSON.stringify(plan.resources).includes(String(results[env].monitoring.outputs.grafanaAdminPassword.value)), "the Grafana password never appears in recorded inputs");
                }
            });

            it("exports digest-pinned images and deploys exactly those", () => {
                const images = results[env].images.outputs.images.value as Record<string, string>;
                for (const ref of Object.values(images)) assert.match(ref, /@sha256:[a-f0-9]{64}$/);
                const deployments = podControllers(env, results[env].apps.resources);
                assert.ok(deployments.length > 0);
                for (const d of deployments) {
                    const image = (d.inputs as any).spec.template.spec.containers[0].image;
                    assert.ok(Object.values(images).includes(image), `Deployment ${d.name} runs ${image}, not an image the images layer exported`);
                }
            });

            it("scales each workload on CPU and requests/s, with its SLO alerts, dashboard and the adapter that serves the metric", () => {
                const e = loadEnvironment(env);
                const adapter = byType(results[env].monitoring.resources, "kubernetes:helm.sh/v3:Release").find((r) => (r.inputs as any).chart === "prometheus-adapter");
                assert.strictEqual((adapter?.inputs as any)?.version, chartVersion(e, "prometheusAdapter"), "prometheus-adapter at the pinned version");
                const kps = byType(results[env].monitoring.resources, "kubernetes:helm.sh/v3:Release").find((r) => (r.inputs as any).chart === "kube-prometheus-stack")!;
                assert.ok(((kps.inputs as any).values.grafana.sidecar.dashboards.searchNamespace as string[]).includes(e.apps.namespace), "Grafana's sidecar searches the apps namespace");
                for (const w of e.apps.workloads) {
                    const hpa = byType(results[env].apps.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").find((r) => (r.inputs as any).metadata.name === w.name)!.inputs as any;
                    const pods = hpa.spec.metrics.find((m: any) => m.type === "Pods");
                    assert.strictEqual(pods?.pods.metric.name, requestsPerSecondRule().name.as);
                    assert.strictEqual(Number(pods?.pods.target.averageValue), requestsPerSecondTarget(e, w));
                    assert.ok(hpa.spec.metrics.some((m: any) => m.type === "Resource" && m.resource.name === "cpu"));
                    const rule = byType(results[env].apps.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").find((r) => (r.inputs as any).metadata.name === `${w.name}-alerts`)!.inputs as any;
                    const fast = rule.spec.groups[0].rules.find((r: any) => r.alert === "AppAvailabilityFastBurn");
                    assert.ok(fast.expr.endsWith(`> ${Number((14.4 * (1 - w.slo.availability)).toPrecision(6))}`), fast.expr);
                    const cm = byType(results[env].apps.resources, "kubernetes:core/v1:ConfigMap").find((r) => (r.inputs as any).metadata.name === `${w.name}-dashboard`)!.inputs as any;
                    assert.strictEqual(cm.metadata.labels[GRAFANA_DASHBOARD_LABEL.key], GRAFANA_DASHBOARD_LABEL.value);
                    assert.strictEqual(cm.metadata.namespace, e.apps.namespace);
                }
                assert.strictEqual(byType(results[env].apps.resources, "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler").length, e.apps.vpa.enabled ? e.apps.workloads.length : 0);
            });

            it("runs the replicas the environment asks for", () => {
                const e = loadEnvironment(env);
                for (const w of e.apps.workloads) {
                    const d = podControllers(env, results[env].apps.resources).find((r) => (r.inputs as any).metadata?.labels?.app === w.name || r.name.startsWith(w.name));
                    assert.ok(d, `no Deployment for ${w.name}`);
                    assert.strictEqual((d!.inputs as any).spec.replicas, w.replicas);
                    if (env !== "local") assert.ok(w.replicas >= 3);
                }
            });
        });
    }

    it("rolls out through Argo Rollouts exactly where progressive delivery is on, the controller in the mesh layer", () => {
        for (const env of ENVS) {
            const on = loadEnvironment(env).apps.progressiveDelivery.enabled;
            assert.strictEqual(byType(results[env].apps.resources, ROLLOUT).length > 0, on, `${env}: Rollouts`);
            assert.strictEqual(byType(results[env].apps.resources, "kubernetes:apps/v1:Deployment").length > 0, !on, `${env}: Deployments`);
            const controller = byType(results[env].mesh.resources, "kubernetes:helm.sh/v3:Release").filter((r) => (r.inputs as any).chart === "argo-rollouts");
            assert.strictEqual(controller.length, on ? 1 : 0, `${env}: argo-rollouts release`);
            if (on) assert.strictEqual((controller[0].inputs as any).version, loadEnvironment(env).charts.argoRollouts);
            assert.strictEqual(results[env].mesh.outputs.rolloutsNamespace.value, on ? "argo-rollouts" : "");
            assert.deepStrictEqual(Object.keys(results[env].apps.outputs.rollouts.value as object), on ? ["app"] : []);
        }
    });

    it("gates each canary on its workload's SLO unless the file sets a tighter threshold (prod: app at 300 ms)", () => {
        const gates = (env: string) => byType(results[env].apps.resources, "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate")
            .map((r) => (r.inputs as any).spec.metrics.map((m: any) => `${m.name} ${m.successCondition}`));
        for (const env of ["dev", "staging"]) {
            const slo = loadEnvironment(env).apps.workloads[0].slo;
            assert.deepStrictEqual(gates(env), [[`success-rate result[0] >= ${slo.availability}`, `p99-latency result[0] < ${slo.latencyP99Ms}`]], env);
        }
        assert.deepStrictEqual(gates("prod"), [["success-rate result[0] >= 0.999", "p99-latency result[0] < 300"]]);
        assert.deepStrictEqual(gates("local"), []);
    });

    it("creates an EKS cluster on AWS environments and none for local", () => {
        assert.strictEqual(byType(results.local.cluster.resources, "aws:eks/cluster:Cluster").length, 0);
        for (const env of ["dev", "staging", "prod"]) {
            const [cluster] = byType(results[env].cluster.resources, "aws:eks/cluster:Cluster");
            assert.ok(cluster, `${env} has an EKS cluster`);
        }
        const prod = byType(results.prod.cluster.resources, "aws:eks/cluster:Cluster")[0].inputs as any;
        assert.strictEqual(prod.vpcConfig.endpointPublicAccess, false, "prod's API endpoint is private");
    });

    it("runs the secret store on AWS environments only: operator, stored Grafana password, per-app role and objects", () => {
        const releases = (env: string) => byType(results[env].monitoring.resources, "kubernetes:helm.sh/v3:Release").map((r) => (r.inputs as any).chart);
        assert.ok(!releases("local").includes("external-secrets"), "local installs no External Secrets");
        for (const type of ["aws:secretsmanager/secret:Secret", "aws:iam/role:Role", "kubernetes:external-secrets.io/v1:ExternalSecret"]) {
            assert.strictEqual(byType([...results.local.monitoring.resources, ...results.local.apps.resources], type).length, 0, `local has no ${type}`);
        }
        for (const env of ["dev", "staging", "prod"]) {
            assert.ok(releases(env).includes("external-secrets"), `${env} installs External Secrets`);
            const stored = byType(results[env].monitoring.resources, "aws:secretsmanager/secret:Secret").map((r) => (r.inputs as any).name);
            assert.deepStrictEqual(stored, [`platform/${env}/_generated/grafana-admin`]);
            const [version] = byType(results[env].monitoring.resources, "aws:secretsmanager/secretVersion:SecretVersion");
            assert.strictEqual((version.inputs as any).secretString, "[secret]", `${env}: the stored password is a Pulumi secret`);
            const policy = JSON.parse((byType(results[env].apps.resources, "aws:iam/rolePolicy:RolePolicy")[0].inputs as any).policy);
            assert.strictEqual(policy.Statement[0].Resource, `arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform/${env}/app/*`);
            const [es] = byType(results[env].apps.resources, "kubernetes:external-secrets.io/v1:ExternalSecret");
            assert.deepStrictEqual((es.inputs as any).spec.data.map((d: any) => d.remoteRef.key), [`platform/${env}/app/db`, `platform/${env}/app/redis`]);
        }
    });

    it("backs up AWS environments with Velero from the monitoring layer, on each file's schedule and retention; local not at all", () => {
        const velero = (env: string) => byType(results[env].monitoring.resources, "kubernetes:helm.sh/v3:Release").filter((r) => (r.inputs as any).chart === "velero");
        assert.strictEqual(velero("local").length, 0, "local installs no Velero");
        for (const type of ["aws:s3/bucket:Bucket", "kubernetes:velero.io/v1:Schedule"]) assert.strictEqual(byType(results.local.monitoring.resources, type).length, 0, `local has no ${type}`);
        for (const env of ["dev", "staging", "prod"]) {
            const e = loadEnvironment(env);
            assert.strictEqual(velero(env).length, 1, `${env} installs Velero`);
            assert.strictEqual((velero(env)[0].inputs as any).version, chartVersion(e, "velero"), `${env}: Velero at the pinned chart`);
            const [schedule] = byType(results[env].monitoring.resources, "kubernetes:velero.io/v1:Schedule");
            const spec = (schedule.inputs as any).spec;
            assert.strictEqual(spec.schedule, e.backup.schedule);
            assert.strictEqual(spec.template.ttl, `${e.backup.retentionDays * 24}h0m0s`);
            assert.deepStrictEqual(spec.template.includedNamespaces, e.backup.includedNamespaces ?? [e.apps.namespace]);
            const [lifecycle] = byType(results[env].monitoring.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
            assert.strictEqual((lifecycle.inputs as any).rules[0].noncurrentVersionExpiration.noncurrentDays, e.backup.retentionDays);
            // No Velero resource lands in another layer.
            for (const layer of ["cluster", "mesh", "apps"] as const) assert.strictEqual(byType(results[env][layer].resources, "kubernetes:velero.io/v1:Schedule").length, 0);
        }
        assert.notStrictEqual(loadEnvironment("prod").backup.schedule, loadEnvironment("dev").backup.schedule, "the files differ, so the test reads each one");
    });
});
