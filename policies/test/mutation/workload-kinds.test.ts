/**
 * One table of workload kinds (rules/util/podspec.ts WORKLOAD_KINDS) and the rules that pick
 * controllers or pod templates by kind: each rule follows the table, so a kind added there is
 * checked everywhere, and a rule that went back to a list of its own would fail here.
 */
import { strict as assert } from "assert";
import type { Rule } from "../../rules/types";
import { INTERCHANGEABLE_POD_CONTROLLERS, podTemplatePath, REPLICATED_POD_CONTROLLERS, WORKLOAD_KINDS } from "../../rules/util/podspec";
import { minReplicas } from "../../rules/workload/min-replicas";
import { topologySpread } from "../../rules/workload/topology-spread";
import { pdbCoverage } from "../../rules/stack/pdb-coverage";
import { meshWorkloadSidecarInjection } from "../../rules/mesh/workload-injection";
import { runRules, type FixtureResource } from "../support";

const CR = "kubernetes:apiextensions.k8s.io/v1:CustomResource";
const LABELS = { app: "api" };

/** An object of `kind` from `group` with `pod` (metadata + spec) at the kind's template path and `spec` merged in. */
function workload(kind: string, group: string, pod: Record<string, unknown>, spec: Record<string, unknown> = {}): FixtureResource {
    const path = WORKLOAD_KINDS[kind].template;
    const props: Record<string, unknown> = { apiVersion: group === "" ? "v1" : `${group}/v1`, kind, metadata: { name: "api", namespace: "apps" } };
    if (path.length === 0) Object.assign(props, { ...pod, metadata: { ...(pod.metadata as object), ...(props.metadata as object) } });
    else {
        let cur = props;
        for (const key of path.slice(0, -1)) cur = (cur[key] ??= {}) as Record<string, unknown>;
        cur[path[path.length - 1]] = pod;
    }
    props.spec = { ...(props.spec as object | undefined), ...spec };
    return { type: CR, name: `${kind.toLowerCase()}-r`, props };
}

const POD = { metadata: { labels: LABELS }, spec: { containers: [{ name: "app", image: "r/app@sha256:1" }] } };
const run = (rule: Rule, resources: FixtureResource[], config: Record<string, unknown> = {}) => runRules([rule], resources, config);
const flagged = async (rule: Rule, kind: string, config: Record<string, unknown> = {}) =>
    (await run(rule, [workload(kind, WORKLOAD_KINDS[kind].groups[0], POD, { replicas: 3, selector: { matchLabels: LABELS } })], { minReplicas: 4, ...config })).length > 0;

describe("mutation: one table of workload kinds", () => {
    it("lists the replicated controllers, and of them the interchangeable ones", () => {
        assert.deepStrictEqual([...REPLICATED_POD_CONTROLLERS].sort(), ["Deployment", "Rollout", "StatefulSet"]);
        assert.deepStrictEqual([...INTERCHANGEABLE_POD_CONTROLLERS].sort(), ["Deployment", "Rollout"]);
    });

    it("gives each kind's pod template path, from the kind's own API groups only", () => {
        assert.deepStrictEqual(podTemplatePath("Rollout", "argoproj.io"), ["spec", "template"]);
        assert.strictEqual(podTemplatePath("Rollout", "example.io"), undefined);
        assert.deepStrictEqual(podTemplatePath("Rollout"), ["spec", "template"]);
        assert.deepStrictEqual(podTemplatePath("CronJob", "batch"), ["spec", "jobTemplate", "spec", "template"]);
        assert.deepStrictEqual(podTemplatePath("Pod", ""), []);
        assert.strictEqual(podTemplatePath("Deployment", "extensions"), undefined);
        assert.strictEqual(podTemplatePath("Widget", "apps"), undefined);
        // A name of Object.prototype is no kind.
        assert.strictEqual(podTemplatePath("constructor", ""), undefined);
        assert.strictEqual(podTemplatePath("toString"), undefined);
    });

    it("min-replicas holds every interchangeable controller, and no other kind, to the floor", async () => {
        for (const kind of Object.keys(WORKLOAD_KINDS)) {
            assert.strictEqual(await flagged(minReplicas, kind), INTERCHANGEABLE_POD_CONTROLLERS.includes(kind), kind);
        }
    });

    it("topology-spread and pdb-coverage hold every replicated controller, and no other kind", async () => {
        for (const kind of Object.keys(WORKLOAD_KINDS)) {
            assert.strictEqual(await flagged(topologySpread, kind), REPLICATED_POD_CONTROLLERS.includes(kind), `topology-spread ${kind}`);
            assert.strictEqual(await flagged(pdbCoverage, kind), REPLICATED_POD_CONTROLLERS.includes(kind), `pdb-coverage ${kind}`);
        }
    });

    it("mesh-workload-sidecar-injection reads the opt-out at every kind's template path, from each of its groups", async () => {
        const optOut = { ...POD, metadata: { ...POD.metadata, annotations: { "sidecar.istio.io/inject": "false" } } };
        for (const [kind, { groups }] of Object.entries(WORKLOAD_KINDS)) {
            for (const group of groups) {
                const found = await run(meshWorkloadSidecarInjection, [workload(kind, group, optOut)]);
                assert.strictEqual(found.length, 1, `${kind} from "${group}"`);
                assert.match(found[0].message, new RegExp(`^${kind} apps/api disables sidecar injection with the sidecar.istio.io/inject annotation`));
            }
            assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [workload(kind, groups[0], POD)]), [], `${kind} without the opt-out`);
        }
    });
});
