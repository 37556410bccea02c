import * as assert from "assert";
import { ancestors, buildGraph, descendants, LAYER_NEEDS, topoOrder, waves, type Layer } from "../../stacks/graph";

describe("layer graph", () => {
    it("orders every layer after the layers it needs", () => {
        const order = topoOrder();
        for (const [layer, needs] of Object.entries(LAYER_NEEDS) as Array<[Layer, readonly Layer[]]>) {
            for (const need of needs) assert.ok(order.indexOf(need) < order.indexOf(layer), `${need} before ${layer}`);
        }
    });

    it("runs cluster and images in the first wave, apps last", () => {
        assert.deepStrictEqual(waves(), [["cluster", "images"], ["monitoring"], ["mesh"], ["apps"]]);
    });

    it("knows each layer's ancestors and descendants", () => {
        assert.deepStrictEqual(ancestors("apps"), ["cluster", "images", "monitoring", "mesh"]);
        assert.deepStrictEqual(descendants("images"), ["apps"]);
        assert.deepStrictEqual(descendants("cluster"), ["monitoring", "mesh", "apps"]);
    });

    it("rejects cycles and unknown layers", () => {
        assert.throws(() => buildGraph({ a: ["b"], b: ["a"] }), /cycle/);
        assert.throws(() => buildGraph({ a: ["nope"] }), /layer "a" needs unknown layer "nope"/);
    });
});
