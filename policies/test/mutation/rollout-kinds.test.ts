/**
 * Argo Rollouts run an app's pods instead of a Deployment when progressive delivery is on, so
 * the availability rules that read a Deployment's replicas, spread, disruption budget and mesh
 * injection must read a Rollout the same way: otherwise turning canaries on would switch those
 * checks off unseen.
 */
import { strict as assert } from "assert";
import type { Rule } from "../../rules/types";
import { minReplicas } from "../../rules/workload/min-replicas";
import { topologySpread } from "../../rules/workload/topology-spread";
import { pdbCoverage } from "../../rules/stack/pdb-coverage";
import { meshWorkloadSidecarInjection } from "../../rules/mesh/workload-injection";
import { runRules, urnOf, type FixtureResource } from "../support";

const CR = "kubernetes:apiextensions.k8s.io/v1:CustomResource";
const LABELS = { app: "api" };
const SPREAD = [{ topologyKey: "kubernetes.io/hostname" }, { topologyKey: "topology.kubernetes.io/zone" }];

function rollout(spec: Record<string, unknown>, meta: Record<string, unknown> = {}, apiVersion = "argoproj.io/v1alpha1"): FixtureResource {
    return {
        type: CR,
        name: "api-rollout",
        props: {
            apiVersion,
            kind: "Rollout",
            metadata: { name: "api", namespace: "apps", ...meta },
            spec: { selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec: { containers: [{ name: "app", image: "r/app@sha256:1" }], topologySpreadConstraints: SPREAD } }, ...spec },
        },
    };
}

const pdb: FixtureResource = { type: "kubernetes:policy/v1:PodDisruptionBudget", name: "api-pdb", props: { metadata: { name: "api", namespace: "apps" }, spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } } } };
const run = (rule: Rule, resources: FixtureResource[], config: Record<string, unknown> = {}) => runRules([rule], resources, config);
const at = (r: FixtureResource, rule: string, message: string) => ({ rule, message, urn: urnOf(r.type, r.name) });

describe("mutation: Argo Rollouts under the availability rules", () => {
    it("min-replicas reads a Rollout's replicas like a Deployment's", async () => {
        const one = rollout({ replicas: 1 });
        assert.deepStrictEqual(await run(minReplicas, [one], { minReplicas: 3 }), [at(one, "min-replicas", 'Rollout "api": spec.replicas is 1; set it to at least 3')]);
        assert.deepStrictEqual(await run(minReplicas, [rollout({ replicas: 3 })], { minReplicas: 3 }), []);
    });

    it("topology-spread needs both keys on a replicated Rollout", async () => {
        const bare = rollout({ replicas: 3 });
        (bare.props.spec as { template: { spec: Record<string, unknown> } }).template.spec.topologySpreadConstraints = [{ topologyKey: "kubernetes.io/hostname" }];
        assert.deepStrictEqual((await run(topologySpread, [bare])).map((x) => x.message), [
            'Rollout "api": spec.replicas is 3 but spec.template.spec.topologySpreadConstraints does not spread over topology.kubernetes.io/zone; add a constraint per key so one node or one zone failure cannot take every replica',
        ]);
        assert.deepStrictEqual(await run(topologySpread, [rollout({ replicas: 3 })]), []);
    });

    it("pdb-coverage asks a replicated Rollout for a budget that selects its pods", async () => {
        const r = rollout({ replicas: 3 });
        assert.deepStrictEqual(await run(pdbCoverage, [r]), [at(r, "pdb-coverage", 'Rollout "api": spec.replicas is 3 but no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1')]);
        assert.deepStrictEqual(await run(pdbCoverage, [r, pdb]), []);
        assert.deepStrictEqual(await run(pdbCoverage, [rollout({ replicas: 1 })]), []);
    });

    it("mesh-workload-sidecar-injection reads a Rollout's pod template", async () => {
        const off = rollout({ replicas: 3 });
        (off.props.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.annotations = { "sidecar.istio.io/inject": "false" };
        assert.deepStrictEqual((await run(meshWorkloadSidecarInjection, [off])).map((x) => x.message), [
            'Rollout apps/api disables sidecar injection with the sidecar.istio.io/inject annotation: remove it so the pod joins the mesh with mTLS, or move the workload to an exempt namespace.',
        ]);
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [rollout({ replicas: 3 })]), []);
        // A Rollout of another group is not Argo's and has no known template path.
        const other = rollout({ replicas: 3 }, {}, "example.io/v1");
        (other.props.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.annotations = { "sidecar.istio.io/inject": "false" };
        assert.deepStrictEqual(await run(meshWorkloadSidecarInjection, [other]), []);
    });
});
