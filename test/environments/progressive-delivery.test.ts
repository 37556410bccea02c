/**
 * apps.progressiveDelivery and charts.argoRollouts in the environment files: shipped settings,
 * defaults, and one case per rule, each naming the file, the field and the fix in one line.
 */
import * as assert from "assert";
import { ABORT_BUDGET_SECONDS, abortBoundSeconds } from "../../environments/schema";
import { loadEnvironment } from "../../environments/load";
import { accepted, errorFor, replace } from "./helpers";

const DEV_ANALYSIS = "analysis: { intervalSeconds: 20, count: 2, failureLimit: 1 }";
const analysis = (text: string) => (t: string) => replace(t, DEV_ANALYSIS, `analysis: { ${text} }`);

describe("environment schema: progressive delivery", () => {
    it("ships it off for local and on elsewhere, every environment with the chart pinned", () => {
        assert.strictEqual(loadEnvironment("local").apps.progressiveDelivery.enabled, false);
        for (const env of ["dev", "staging", "prod"]) assert.strictEqual(loadEnvironment(env).apps.progressiveDelivery.enabled, true, env);
        for (const env of ["local", "dev", "staging", "prod"]) assert.match(loadEnvironment(env).charts.argoRollouts, /^\d+\.\d+\.\d+$/, env);
        assert.strictEqual(loadEnvironment("prod").apps.progressiveDelivery.perApp.app?.maxP99LatencyMs, 300);
    });

    it("ships no threshold that merely repeats the SLO: every shipped one is tighter", () => {
        for (const env of ["local", "dev", "staging", "prod"]) {
            const e = loadEnvironment(env);
            const pd = e.apps.progressiveDelivery;
            assert.strictEqual(pd.analysis.successRate, undefined, `${env}: successRate comes from the SLO`);
            assert.strictEqual(pd.analysis.maxP99LatencyMs, undefined, `${env}: maxP99LatencyMs comes from the SLO`);
            for (const w of e.apps.workloads) {
                const own = pd.perApp[w.name]?.maxP99LatencyMs;
                if (own !== undefined) assert.ok(own < w.slo.latencyP99Ms, `${env}: perApp.${w.name} ${own} ms is not tighter than its SLO`);
            }
        }
    });

    it("keeps every shipped environment's worst-case abort inside the 2 minute rollback target", () => {
        for (const env of ["dev", "staging", "prod"]) {
            const bound = abortBoundSeconds(loadEnvironment(env).apps.progressiveDelivery.analysis);
            assert.ok(bound <= ABORT_BUDGET_SECONDS, `${env}: ${bound} s`);
        }
        // 15 s scrape + (1 + 1) x 20 s + 10 s push
        assert.strictEqual(abortBoundSeconds({ intervalSeconds: 20, failureLimit: 1 }), 65);
    });

    it("defaults to off and 10/25/50 when the section is absent, leaving the thresholds to each workload's SLO", () => {
        const env = accepted((t) => replace(t, / {2}progressiveDelivery:[^\n]*\n( {4}[^\n]*\n)+/, ""));
        assert.deepStrictEqual(env.apps.progressiveDelivery, {
            enabled: false, steps: [10, 25, 50], perApp: {}, timeoutSeconds: 900,
            analysis: { intervalSeconds: 20, count: 3, failureLimit: 1 },
        });
    });

    it("refuses a threshold looser than the SLO of a workload it applies to, naming the file, both fields and the fix", () => {
        assert.match(errorFor(analysis("intervalSeconds: 20, count: 2, failureLimit: 1, successRate: 0.99")),
            /^environments\/dev\.yaml: apps\.progressiveDelivery\.analysis\.successRate \(0\.99\) is below apps\.workloads\.0\.slo\.availability 0\.999, so the canary could promote a revision that misses the objective it protects; raise it to at least 0\.999, or leave it out to gate on the objective itself$/);
        assert.match(errorFor(analysis("intervalSeconds: 20, count: 2, failureLimit: 1, maxP99LatencyMs: 1500")),
            /^environments\/dev\.yaml: apps\.progressiveDelivery\.analysis\.maxP99LatencyMs \(1500\) is above apps\.workloads\.0\.slo\.latencyP99Ms 1000, so the canary could promote a revision slower than the bound it protects; lower it to at most 1000, or leave it out to gate on the bound itself$/);
        // perApp is checked against its own workload's bound, and a lowered SLO makes a shipped gate looser.
        assert.match(errorFor((t) => replace(t, "latencyP99Ms: 1000 }", "latencyP99Ms: 250 }"), "prod"),
            /^environments\/prod\.yaml: apps\.progressiveDelivery\.perApp\.app\.maxP99LatencyMs \(300\) is above apps\.workloads\.0\.slo\.latencyP99Ms 250, .*lower it to at most 250/);
    });

    it("accepts a threshold as tight as the SLO or tighter", () => {
        for (const t of ["successRate: 0.999", "successRate: 0.9999", "maxP99LatencyMs: 1000", "maxP99LatencyMs: 200"]) {
            const env = accepted(analysis(`intervalSeconds: 20, count: 2, failureLimit: 1, ${t}`));
            const [field, value] = t.split(": ");
            assert.strictEqual((env.apps.progressiveDelivery.analysis as Record<string, unknown>)[field], Number(value), t);
        }
        // Without an override, a stricter objective is simply the new gate (test/stacks/layers.test.ts reads it off the AnalysisTemplate).
        accepted((t) => replace(t, "availability: 0.999,", "availability: 0.9995,"), "prod");
    });

    it("requires the argo-rollouts chart pin, exact", () => {
        assert.match(errorFor((t) => replace(t, / {2}argoRollouts: [^\n]*\n/, "")), /charts\.argoRollouts/);
        assert.match(errorFor((t) => replace(t, /argoRollouts: 2\.40\.2/, "argoRollouts: ^2.40.0")), /charts\.argoRollouts \("\^2\.40\.0"\) must be an exact chart version/);
    });

    it("refuses an abort slower than the rollback target, naming the arithmetic and the fix", () => {
        assert.match(errorFor(analysis("intervalSeconds: 60, count: 3, failureLimit: 1")),
            /^environments\/dev\.yaml: apps\.progressiveDelivery\.analysis\.intervalSeconds .*lets an abort take up to 145 s \(15 \+ \(failureLimit 1 \+ 1\) x 60 \+ 10\), over the 120 s rollback target; lower intervalSeconds or failureLimit$/);
        accepted(analysis("intervalSeconds: 30, count: 3, failureLimit: 1"));
    });

    it("refuses a failureLimit a step can never exceed, and a timeout shorter than the analyses", () => {
        assert.match(errorFor(analysis("intervalSeconds: 20, count: 2, failureLimit: 2")), /apps\.progressiveDelivery\.analysis\.failureLimit .*not below count 2, so a step could never fail; lower it or raise count/);
        assert.match(errorFor((t) => replace(t, DEV_ANALYSIS, `${DEV_ANALYSIS}\n    timeoutSeconds: 60`)), /apps\.progressiveDelivery\.timeoutSeconds .*shorter than the 80 s the steps' analyses take \(2 steps x 2 x 20 s\); raise it/);
    });

    it("refuses falling, empty and out-of-range weights", () => {
        assert.match(errorFor((t) => replace(t, "steps: [20, 50]", "steps: [50, 20]")), /apps\.progressiveDelivery\.steps .*must rise step by step/);
        assert.match(errorFor((t) => replace(t, "steps: [20, 50]", "steps: []")), /apps\.progressiveDelivery\.steps .*is empty; list rising canary weights/);
        assert.match(errorFor((t) => replace(t, "steps: [20, 50]", "steps: [20, 100]")), /apps\.progressiveDelivery\.steps\.1 .*must be at most 99/);
    });

    it("refuses it on where a workload has no mesh route, and a perApp entry for no workload", () => {
        assert.match(errorFor((t) => replace(t, "      hosts: [app.dev.example.com]\n", "")),
            /apps\.workloads\.0\.hosts .*is empty, so workload "app" has no mesh route to shift canary traffic on; add its hosts or set apps\.progressiveDelivery\.enabled: false/);
        accepted((t) => replace(replace(t, "      hosts: [app.dev.example.com]\n", ""), /( {2}progressiveDelivery:[^\n]*\n {4})enabled: true\n/, "$1enabled: false\n"));
        assert.match(errorFor((t) => replace(t, DEV_ANALYSIS, `${DEV_ANALYSIS}\n    perApp: { web: { maxP99LatencyMs: 200 } }`)),
            /apps\.progressiveDelivery\.perApp\.web .*names workload "web", which is not under apps\.workloads; fix the name or remove it/);
    });

    it("refuses a success rate above 1 and unknown keys", () => {
        assert.match(errorFor(analysis("intervalSeconds: 20, count: 2, failureLimit: 1, successRate: 99.9")), /apps\.progressiveDelivery\.analysis\.successRate .*must be at most 1/);
        assert.match(errorFor(analysis("intervalSeconds: 20, count: 2, failureLimit: 1, interval: 5")), /"interval".*is not a known field/);
    });
});
