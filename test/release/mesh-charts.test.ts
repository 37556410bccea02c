/** A bump of a chart the mesh layer installs (Istio, Argo Rollouts) touches mesh and apps, never monitoring. */
import * as assert from "assert";
import { affectedLayers } from "../../automation/release/write";
import { LAYER_SETTINGS } from "../../automation/state/fingerprint";
import { loadEnvironment } from "../../environments/load";

describe("charts of the mesh layer", () => {
    it("a promoted argoRollouts or istio pin applies mesh and apps; another chart applies monitoring too", () => {
        const change = (name: string) => [{ kind: "chart" as const, name, from: "1.0.0", to: "1.0.1" }];
        assert.deepStrictEqual(affectedLayers(change("argoRollouts")), ["mesh", "apps"]);
        assert.deepStrictEqual(affectedLayers(change("istio")), ["mesh", "apps"]);
        assert.deepStrictEqual(affectedLayers(change("loki")), ["monitoring", "mesh", "apps"]);
    });

    it("the argoRollouts version is in the mesh layer's settings slice, not monitoring's", () => {
        const env = loadEnvironment("dev");
        const bumped = { ...env, charts: { ...env.charts, argoRollouts: "2.40.3" } };
        assert.deepStrictEqual(LAYER_SETTINGS.monitoring(bumped), LAYER_SETTINGS.monitoring(env));
        assert.notDeepStrictEqual(LAYER_SETTINGS.mesh(bumped), LAYER_SETTINGS.mesh(env));
        const off = { ...env, apps: { ...env.apps, progressiveDelivery: { ...env.apps.progressiveDelivery, enabled: false } } };
        assert.notDeepStrictEqual(LAYER_SETTINGS.mesh(off), LAYER_SETTINGS.mesh(env), "turning delivery off reruns mesh (the controller goes)");
    });
});
