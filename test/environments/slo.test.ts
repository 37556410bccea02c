/**
 * The SLO, dashboard, request-rate autoscaling and VPA settings of an environment file: their
 * defaults, how each is turned off, and the one-line error each bad value gets.
 */
import * as assert from "assert";
import { requestsPerSecondTarget, workloadSlo } from "../../stacks/settings";
import { accepted, errorFor, replace } from "./helpers";

const SLO_LINE = / {6}slo: \{ availability: 0\.999, errorRate: 0\.001, latencyP99Ms: 1000 \}[^\n]*\n/;
const RPS = "requestsPerSecond: 50 }";
const slo = (fields: string) => (t: string) => replace(t, SLO_LINE, `      slo: { ${fields} }\n`);

describe("environment: SLOs", () => {
    it("defaults each objective when the file leaves it out", () => {
        const env = accepted((t) => replace(t, SLO_LINE, ""));
        assert.deepStrictEqual(workloadSlo(env.apps.workloads[0]), { availability: 0.999, errorRate: 0.001, latencyP99Ms: 1000 });
        assert.strictEqual(env.apps.workloads[0].slo.alerts, true);
        assert.deepStrictEqual(workloadSlo(accepted(slo("availability: 0.995")).apps.workloads[0]), { availability: 0.995, errorRate: 0.001, latencyP99Ms: 1000 });
    });
    it("turns the alert rules off with alerts: false", () => {
        assert.strictEqual(accepted(slo("alerts: false")).apps.workloads[0].slo.alerts, false);
    });
    const bad: [string, string, RegExp][] = [
        ["availability of 100%", "availability: 1", /^environments\/dev\.yaml: apps\.workloads\.0\.slo\.availability \(1\) must be below 1 \(100% leaves no error budget\), e\.g\. 0\.999$/],
        ["availability in percent", "availability: 99.9", /apps\.workloads\.0\.slo\.availability \(99\.9\) must be below 1/],
        ["availability of 90%", "availability: 0.9", /apps\.workloads\.0\.slo\.availability \(0\.9\) must be above 0\.9/],
        ["an error rate of 0", "errorRate: 0", /apps\.workloads\.0\.slo\.errorRate \(0\) must be above 0/],
        ["an error rate in percent", "errorRate: 0.5", /apps\.workloads\.0\.slo\.errorRate \(0\.5\) must be at most 0\.1, e\.g\. 0\.001/],
        ["a negative latency", "latencyP99Ms: -5", /apps\.workloads\.0\.slo\.latencyP99Ms \(-5\) must be a positive number of milliseconds/],
        ["a misspelt objective", "availabilty: 0.99", /"availabilty" \(in apps\.workloads\.0\.slo\) is not a known field; did you mean "availability"\? rename it$/],
    ];
    for (const [what, fields, message] of bad) {
        it(`refuses ${what}`, () => assert.match(errorFor(slo(fields)), message));
    }
});

describe("environment: request-rate autoscaling", () => {
    it("uses the file's target, the default without one, and none with false", () => {
        const env = accepted((t) => t);
        assert.strictEqual(requestsPerSecondTarget(env, env.apps.workloads[0]), 50);
        const fractional = accepted((t) => replace(t, RPS, "requestsPerSecond: 2.5 }"));
        assert.strictEqual(requestsPerSecondTarget(fractional, fractional.apps.workloads[0]), 2.5);
        const unset = accepted((t) => replace(t, `, ${RPS}`, " }"));
        assert.strictEqual(requestsPerSecondTarget(unset, unset.apps.workloads[0]), 50);
        const off = accepted((t) => replace(t, RPS, "requestsPerSecond: false }"));
        assert.strictEqual(requestsPerSecondTarget(off, off.apps.workloads[0]), undefined);
    });
    it("scales on CPU only, with no error, when the adapter is off and no target is set", () => {
        const env = accepted((t) => replace(replace(t, `, ${RPS}`, " }"), /metricsAdapter:[^\n]*\n {4}enabled: true/, "metricsAdapter:\n    enabled: false"));
        assert.strictEqual(requestsPerSecondTarget(env, env.apps.workloads[0]), undefined);
    });
    it("refuses a target while the adapter that serves the metric is off", () => {
        assert.match(errorFor((t) => replace(t, /metricsAdapter:[^\n]*\n {4}enabled: true/, "metricsAdapter:\n    enabled: false")),
            /^environments\/dev\.yaml: apps\.workloads\.0\.autoscaling\.requestsPerSecond \(50\) is set while monitoring\.metricsAdapter\.enabled is false, so the metric would never exist; enable the adapter or set requestsPerSecond: false$/);
    });
    it("refuses a zero, negative or non-numeric target", () => {
        assert.match(errorFor((t) => replace(t, RPS, "requestsPerSecond: 0 }")), /apps\.workloads\.0\.autoscaling\.requestsPerSecond \(0\) must be a positive number of requests per second per pod, e\.g\. 50, or false/);
        assert.match(errorFor((t) => replace(t, RPS, "requestsPerSecond: true }")), /apps\.workloads\.0\.autoscaling\.requestsPerSecond/);
    });
    it("requires the adapter's chart pinned as an exact version", () => {
        assert.match(errorFor((t) => replace(t, "prometheusAdapter: 4.11.0", "prometheusAdapter: ^4.11.0")), /charts\.prometheusAdapter \("\^4\.11\.0"\) must be an exact chart version/);
        assert.match(errorFor((t) => replace(t, / {2}prometheusAdapter: 4\.11\.0[^\n]*\n/, "")), /charts\.prometheusAdapter/);
    });
});

describe("environment: dashboards, runbooks and the VPA", () => {
    it("turns the dashboards off and names their folder", () => {
        assert.strictEqual(accepted((t) => replace(t, "dashboards: { enabled: true, folder: Apps }", "dashboards: { enabled: false }")).apps.dashboards.enabled, false);
        assert.match(errorFor((t) => replace(t, "folder: Apps", "folder: ../x")), /apps\.dashboards\.folder \("\.\.\/x"\) must be 1-63 letters/);
    });
    it("takes a runbook base URL without an anchor", () => {
        const base = "https://git.example.com/platform/blob/main/docs/runbooks.md";
        assert.strictEqual(accepted((t) => replace(t, / {2}# runbookBaseUrl: [^\n]*\n/, `  runbookBaseUrl: ${base}\n`)).apps.runbookBaseUrl, base);
        assert.match(errorFor((t) => replace(t, / {2}# runbookBaseUrl: [^\n]*\n/, `  runbookBaseUrl: ${base}#top\n`)), /apps\.runbookBaseUrl \(".*\) must be a URL or path without "#" or spaces/);
    });
    it("creates VPAs only when enabled, and keeps them recommendation-only", () => {
        assert.deepStrictEqual(accepted((t) => t).apps.vpa, { enabled: false, updateMode: "Off" });
        assert.deepStrictEqual(accepted((t) => replace(t, "vpa: { enabled: false }", "vpa: { enabled: true }")).apps.vpa, { enabled: true, updateMode: "Off" });
        assert.match(errorFor((t) => replace(t, "vpa: { enabled: false }", "vpa: { enabled: true, updateMode: Auto }")),
            /^environments\/dev\.yaml: apps\.vpa\.updateMode \("Auto"\) must be "Off" \(recommendations only\): the workloads' HPAs scale on CPU utilization/);
    });
});
