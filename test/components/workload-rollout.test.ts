import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parser } from "@prometheus-io/lezer-promql";
import { recordProgram, resolve, ofType } from "../../automation/offline/mock-runtime";
import { modelFor, validateObjects } from "../../automation/offline/k8s-schema";
import type { RecordedResource } from "../../automation/engine";
import { App, AppArgs } from "../../components/workload/app";
import { analysisQueries, createRollout, ROLLOUT_WAIT_FOR, rolloutReport, validateProgressiveDelivery, type RolloutReport } from "../../components/workload/rollout";
import { validateAppArgs } from "../../components/workload/args";
import { sliQueries } from "../../components/monitoring/slo";
import { oneInputs as one } from "./recorded";

const DIGEST_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app@sha256:${"ab".repeat(32)}`;
const PROM = "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090";
const MESH = { gateway: "istio-ingress/public", hosts: ["api.example.com"] };
const BASE: AppArgs = { namespace: "apps", image: DIGEST_IMAGE, mesh: MESH, vpa: true };
const DELIVERY = { steps: [10, 25, 50], prometheusUrl: PROM, analysis: { intervalSeconds: 20, count: 3, failureLimit: 1, successRate: 0.999, maxP99LatencyMs: 300 }, timeoutSeconds: 900 };

const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
    analysis: "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    vs: "kubernetes:networking.istio.io/v1:VirtualService",
    dr: "kubernetes:networking.istio.io/v1:DestinationRule",
    vpa: "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler",
};

/** Kubernetes objects in a recording (what validateObjects looks at). */
function validatable(resources: RecordedResource[]): number {
    return resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh")).length;
}

async function record(args: AppArgs) {
    return recordProgram(() => {
        const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const app = new App("api", args, { provider });
        return { rollout: app.rollout, deploymentName: app.deploymentName };
    });
}

describe("workload App with progressive delivery", function () {
    let resources: RecordedResource[];
    let plain: RecordedResource[];
    let rollout: Record<string, any>;
    let result: { rollout: pulumi.Output<RolloutReport | undefined>; deploymentName: pulumi.Output<string> };

    before(async () => {
        const rec = await record({ ...BASE, progressiveDelivery: DELIVERY });
        resources = rec.resources;
        result = rec.result;
        rollout = one(resources, T.rollout);
        plain = (await record(BASE)).resources;
    });

    it("runs the pods from a Rollout instead of a Deployment", () => {
        assert.equal(ofType(resources, T.deployment).length, 0);
        assert.equal(rollout.metadata.name, "api");
        assert.equal(ofType(plain, T.rollout).length, 0, "no Rollout without progressiveDelivery");
    });

    it("uses the Deployment's hardened pod template, differing only in the revision label", () => {
        const fromDeployment = JSON.parse(JSON.stringify(one(plain, T.deployment).spec.template));
        for (const c of fromDeployment.spec.topologySpreadConstraints) c.matchLabelKeys = ["rollouts-pod-template-hash"];
        assert.deepEqual(rollout.spec.template, fromDeployment);
        assert.equal(rollout.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem, true);
        assert.equal(rollout.spec.template.spec.automountServiceAccountToken, false);
    });

    it("canaries through Istio: stable and canary Services, the named VirtualService route", () => {
        const canary = rollout.spec.strategy.canary;
        assert.equal(canary.stableService, "api");
        assert.equal(canary.canaryService, "api-canary");
        assert.deepEqual(canary.trafficRouting, { istio: { virtualService: { name: "api", routes: ["primary"] } } });
        assert.equal(canary.maxUnavailable, 0);
        const names = ofType(resources, T.service).map((r) => (r.inputs as any).metadata.name).sort();
        assert.deepEqual(names, ["api", "api-canary"]);
    });

    it("sets each weight, then analyses it, in order", () => {
        assert.deepEqual(rollout.spec.strategy.canary.steps, [
            { setWeight: 10 }, { analysis: { templates: [{ templateName: "api-canary-health" }] } },
            { setWeight: 25 }, { analysis: { templates: [{ templateName: "api-canary-health" }] } },
            { setWeight: 50 }, { analysis: { templates: [{ templateName: "api-canary-health" }] } },
        ]);
    });

    it("aborts a revision that makes no progress, and is waited for by the provider", () => {
        assert.equal(rollout.spec.progressDeadlineAbort, true);
        assert.equal(rollout.metadata.annotations["pulumi.com/waitFor"], ROLLOUT_WAIT_FOR);
        assert.equal(rollout.metadata.annotations["pulumi.com/timeoutSeconds"], "900");
        assert.equal("status" in rollout, false, "status is output-only, never sent");
    });

    it("routes 100/0 on a route named primary, with a DestinationRule per host", () => {
        const http = one(resources, T.vs).spec.http[0];
        assert.equal(http.name, "primary");
        assert.deepEqual(http.route.map((r: any) => [r.destination.host, r.weight]), [
            ["api.apps.svc.cluster.local", 100], ["api-canary.apps.svc.cluster.local", 0],
        ]);
        assert.deepEqual(ofType(resources, T.dr).map((r) => (r.inputs as any).spec.host).sort(), ["api-canary.apps.svc.cluster.local", "api.apps.svc.cluster.local"]);
        const plainHttp = one(plain, T.vs).spec.http[0];
        assert.equal(plainHttp.name, undefined);
        assert.equal(plainHttp.route.length, 1);
    });

    it("analyses the canary's success rate and p99 latency from Prometheus, as the destination reports them", () => {
        const metrics = one(resources, T.analysis).spec.metrics;
        assert.deepEqual(metrics.map((m: any) => m.name), ["success-rate", "p99-latency"]);
        for (const m of metrics) {
            assert.equal(m.interval, "20s");
            assert.equal(m.count, 3);
            assert.equal(m.failureLimit, 1);
            assert.equal(m.provider.prometheus.address, PROM);
            assert.match(m.provider.prometheus.query, /reporter="destination",destination_service_name="api-canary",destination_service_namespace="apps"/);
        }
        assert.equal(metrics[0].successCondition, "result[0] >= 0.999");
        assert.match(metrics[0].provider.prometheus.query, /istio_requests_total/);
        assert.equal(metrics[1].successCondition, "result[0] < 300");
        assert.match(metrics[1].provider.prometheus.query, /histogram_quantile\(0\.99, sum by \(le\) \(rate\(istio_request_duration_milliseconds_bucket/);
    });

    it("points the HPA and VPA at the Rollout, and the PDB at its pods", () => {
        assert.deepEqual(one(resources, T.hpa).spec.scaleTargetRef, { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "api" });
        assert.deepEqual(one(resources, T.vpa).spec.targetRef, { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "api" });
        const selector = one(resources, T.pdb).spec.selector.matchLabels;
        for (const [k, v] of Object.entries(selector)) assert.equal(rollout.spec.template.metadata.labels[k], v);
        assert.deepEqual(one(plain, T.hpa).spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "api" });
    });

    it("schema-checks the Rollout and AnalysisTemplate (none left unchecked) and finds no issue", async () => {
        const report = await validateObjects(resources);
        assert.deepEqual(report.issues, []);
        // Every object is checked: argoproj.io by its schema package, the VPA by vpa-schema.ts.
        assert.deepEqual(report.unchecked.map((u) => u.kind), []);
        assert.equal(report.checked, validatable(resources));
        assert.ok(modelFor("argoproj.io/v1alpha1", "Rollout"));
        assert.ok(modelFor("argoproj.io/v1alpha1", "AnalysisTemplate"));
    });

    it("schema check fails a Rollout with a wrong field type, and leaves unknown or path-like kinds unchecked", async () => {
        const r = ofType(resources, T.rollout)[0];
        const broken: RecordedResource = { ...r, inputs: JSON.parse(JSON.stringify(r.inputs)) };
        (broken.inputs as any).spec.strategy.canary.steps[0].setWeight = "ten";
        const odd = (kind: string): RecordedResource => ({ ...r, type: "kubernetes:argoproj.io/v1alpha1:" + kind, inputs: { apiVersion: "argoproj.io/v1alpha1", kind } });
        const report = await validateObjects([broken, odd("../../package"), odd("NoSuchKind")]);
        assert.equal(report.issues.length, 1);
        assert.match(report.issues[0].message, /setWeight/);
        assert.deepEqual(report.unchecked.map((u) => u.kind), ["../../package", "NoSuchKind"]);
    });

    it("reports no phase under the mock runtime, where nothing waits", async () => {
        assert.deepEqual(await resolve(result.rollout), { phase: "", message: "", aborted: false, current: true });
        assert.equal(await resolve(result.deploymentName), "api");
    });
});

describe("AnalysisTemplate thresholds and the app's SLO", () => {
    const NO_THRESHOLDS = { steps: DELIVERY.steps, prometheusUrl: PROM, analysis: { intervalSeconds: 20, count: 3, failureLimit: 1 }, timeoutSeconds: 900 };
    /** The two success conditions of the AnalysisTemplate the App records for `delivery`. */
    async function conditions(delivery: AppArgs["progressiveDelivery"]): Promise<string[]> {
        const { resources } = await record({ ...BASE, progressiveDelivery: delivery });
        return one(resources, T.analysis).spec.metrics.map((m: any) => m.successCondition);
    }

    it("gates on the SLO's availability and p99 bound when the analysis sets no threshold", async () => {
        assert.deepEqual(await conditions({ ...NO_THRESHOLDS, slo: { availability: 0.995, latencyP99Ms: 750 } }), ["result[0] >= 0.995", "result[0] < 750"]);
        assert.deepEqual(await conditions({ ...NO_THRESHOLDS, slo: { availability: 0.9995, latencyP99Ms: 250 } }), ["result[0] >= 0.9995", "result[0] < 250"]);
    });

    it("gates on the SLO defaults, as the SLO alerts do, without an SLO", async () => {
        assert.deepEqual(await conditions(NO_THRESHOLDS), ["result[0] >= 0.999", "result[0] < 1000"]);
    });

    it("lets a tighter override win, each threshold on its own", async () => {
        const slo = { availability: 0.995, latencyP99Ms: 750 };
        assert.deepEqual(await conditions({ ...NO_THRESHOLDS, slo, analysis: { successRate: 0.998, maxP99LatencyMs: 400 } }), ["result[0] >= 0.998", "result[0] < 400"]);
        assert.deepEqual(await conditions({ ...NO_THRESHOLDS, slo, analysis: { maxP99LatencyMs: 400 } }), ["result[0] >= 0.995", "result[0] < 400"]);
        assert.deepEqual(await conditions({ ...NO_THRESHOLDS, slo, analysis: { successRate: 0.995, maxP99LatencyMs: 750 } }), ["result[0] >= 0.995", "result[0] < 750"], "equal to the SLO is allowed");
    });

    it("refuses an override looser than the SLO it protects, naming both and the fix", () => {
        const slo = { availability: 0.995, latencyP99Ms: 750 };
        assert.throws(() => validateProgressiveDelivery("api", { ...NO_THRESHOLDS, slo, analysis: { successRate: 0.99 } }, true),
            /progressiveDelivery\.analysis\.successRate 0\.99 is below progressiveDelivery\.slo\.availability 0\.995, so the canary could promote a revision that misses the objective it protects; raise it to at least 0\.995, or leave it out/);
        assert.throws(() => validateProgressiveDelivery("api", { ...NO_THRESHOLDS, slo, analysis: { maxP99LatencyMs: 751 } }, true),
            /progressiveDelivery\.analysis\.maxP99LatencyMs 751 is above progressiveDelivery\.slo\.latencyP99Ms 750, .*lower it to at most 750, or leave it out/);
        assert.throws(() => validateProgressiveDelivery("api", { ...NO_THRESHOLDS, analysis: { maxP99LatencyMs: 1500 } }, true), /is above progressiveDelivery\.slo\.latencyP99Ms 1000/);
    });

    it("names the objective when a threshold derived from it is out of range", () => {
        assert.throws(() => validateProgressiveDelivery("api", { ...NO_THRESHOLDS, slo: { availability: 99.9 } }, true), /progressiveDelivery\.slo\.availability 99\.9 must be from 0\.5 to 1/);
        assert.throws(() => validateProgressiveDelivery("api", { ...NO_THRESHOLDS, slo: { latencyP99Ms: 0 } }, true), /progressiveDelivery\.slo\.latencyP99Ms 0 must be a positive number of milliseconds/);
    });
});

describe("AnalysisTemplate PromQL", () => {
    it("counts the faults the availability objective counts (5xx and resets), which the success rate is gated on", () => {
        const codes = (expr: string) => [...expr.matchAll(/response_code=~"([^"]*)"/g)].map((m) => m[1]);
        const canary = analysisQueries(validateAppArgs("api", { namespace: "apps", image: DIGEST_IMAGE }), "apps").successRate;
        assert.deepEqual(codes(canary), codes(sliQueries("apps", "api").unavailableRatio("1m")));
        assert.deepEqual(codes(canary), ["5..|0"]);
    });

    /** Positions of the parse errors of a PromQL expression, by Prometheus' own grammar (none: it parses). */
    const promqlErrors = (expr: string): number[] => {
        const errors: number[] = [];
        parser.parse(expr).iterate({ enter: (n) => { if (n.type.isError) errors.push(n.from); } });
        return errors;
    };

    it("rejects a broken expression (the check can fail)", () => {
        assert.notDeepEqual(promqlErrors("(1 - (sum(rate(istio_requests_total[1m])) / (x > 0)) or vector(1)"), []);
    });

    it("parses both queries, as recorded on the AnalysisTemplate", async () => {
        const { resources } = await record({ ...BASE, progressiveDelivery: DELIVERY });
        const metrics = one(resources, T.analysis).spec.metrics;
        assert.equal(metrics.length, 2);
        for (const m of metrics) assert.deepEqual(promqlErrors(m.provider.prometheus.query), [], `${m.name}: ${m.provider.prometheus.query}`);
    });
});

describe("rolloutReport", () => {
    /** A Rollout whose provider state (after the wait) carries `status` and metadata.generation `generation`. */
    async function reported(status: Record<string, unknown>, generation: number) {
        await pulumi.runtime.setMocks({
            newResource: (a) => ({
                id: a.name,
                state: a.type.endsWith(":Rollout") ? { ...a.inputs, metadata: { ...a.inputs.metadata, generation }, status } : a.inputs,
            }),
            call: () => { throw new Error("no calls"); },
        }, "platform", "test", false);
        const settings = validateAppArgs("api", { namespace: "apps", image: DIGEST_IMAGE, mesh: MESH });
        const parent = new pulumi.ComponentResource("test:index:Parent", "p");
        const sa = new k8s.core.v1.ServiceAccount("sa", { metadata: { name: "api" } }, { parent });
        const r = createRollout("api", { namespace: "apps", image: DIGEST_IMAGE, env: {}, settings }, sa, validateProgressiveDelivery("api", DELIVERY, true),
            { stableService: "api", canaryService: "api-canary", virtualService: "api" }, [], parent);
        return resolve(rolloutReport(r));
    }

    it("reads the phase, message and abort flag the provider returned", async () => {
        const status = { phase: "Degraded", message: "RolloutAborted: Rollout aborted update to revision 2: Metric \"success-rate\" assessed Failed\nmore", abort: true, observedGeneration: "3" };
        assert.deepEqual(await reported(status, 3), { phase: "Degraded", message: status.message.split("\n")[0], aborted: true, current: true });
    });

    it("marks a status of an earlier generation as not current, whatever its phase says", async () => {
        const r = await reported({ phase: "Healthy", message: "", observedGeneration: "2" }, 3);
        assert.equal(r.phase, "Healthy");
        assert.equal(r.current, false);
        assert.match(r.message, /status of generation 2, not the applied 3: the controller had not seen this revision/);
    });
});

describe("validateProgressiveDelivery", () => {
    const bad = (d: Partial<typeof DELIVERY> & Record<string, unknown>, meshed: boolean, re: RegExp) =>
        assert.throws(() => validateProgressiveDelivery("api", { ...DELIVERY, ...d } as typeof DELIVERY, meshed), re);
    it("needs a mesh route to shift traffic on", () => bad({}, false, /progressiveDelivery needs mesh .* for app "api"; set mesh or drop progressiveDelivery/));
    it("refuses empty, falling or out-of-range weights", () => {
        bad({ steps: [] }, true, /steps is empty/);
        bad({ steps: [25, 10] }, true, /steps\[1\] 10 does not rise above 25/);
        bad({ steps: [10, 100] }, true, /steps\[1\] 100 is out of range/);
    });
    it("refuses a failureLimit a step could never exceed, and a bad Prometheus URL", () => {
        bad({ analysis: { ...DELIVERY.analysis, failureLimit: 3 } }, true, /failureLimit 3 is out of range; use 0-2/);
        bad({ prometheusUrl: "prometheus:9090" }, true, /prometheusUrl "prometheus:9090" is not an http\(s\) URL/);
    });
    it("the App refuses progressive delivery without a mesh", async () => {
        await assert.rejects(record({ namespace: "apps", image: DIGEST_IMAGE, progressiveDelivery: DELIVERY }), /progressiveDelivery needs mesh/);
    });
    it("queries pass with no traffic (an empty result or NaN would count as errors)", () => {
        const q = analysisQueries(validateAppArgs("api", { namespace: "apps", image: DIGEST_IMAGE }), "apps");
        assert.match(q.successRate, /\) or vector\(1\)$/);
        assert.match(q.successRate, /response_code=~"5\.\.\|0"/);
        assert.match(q.p99LatencyMs, />= 0\) or vector\(0\)$/);
    });
});
