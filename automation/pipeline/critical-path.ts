/**
 * The longest chain of layer durations through the graph: no schedule, however parallel, can
 * finish a run faster, so it is the yardstick for the pipeline's own overhead.
 */
import { LAYER_NEEDS, topoOrder } from "../../stacks/graph";

export interface CriticalPath {
    layers: string[];
    ms: number;
}

/** Computes the critical path; throws when a layer of the graph has no duration. */
export function criticalPath(
    durations: Readonly<Record<string, number>>,
    needs: Readonly<Record<string, readonly string[]>> = LAYER_NEEDS,
): CriticalPath {
    const finish = new Map<string, { ms: number; via?: string }>();
    for (const layer of topoOrder(needs)) {
        const own = durations[layer];
        if (own === undefined || !(own >= 0)) throw new Error(`no duration for layer "${layer}"; give every layer a duration >= 0`);
        let best: { ms: number; via?: string } = { ms: 0 };
        for (const need of needs[layer]) {
            const f = finish.get(need)!;
            if (f.ms > best.ms) best = { ms: f.ms, via: need };
        }
        finish.set(layer, { ms: best.ms + own, via: best.via });
    }
    let end: string | undefined;
    for (const [layer, f] of finish) if (end === undefined || f.ms > finish.get(end)!.ms) end = layer;
    const layers: string[] = [];
    for (let at = end; at !== undefined; at = finish.get(at)!.via) layers.unshift(at);
    return { layers, ms: end === undefined ? 0 : finish.get(end)!.ms };
}
