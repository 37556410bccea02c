/**
 * Build once, promote by digest: a promotion copies the exact image digests the source
 * environment runs (its images layer outputs) and its effective chart versions into the
 * target's release pins. Nothing is rebuilt: a pinned environment's images layer exports
 * exactly the pinned digests.
 */
import type { Engine } from "../engine";
import { InputError } from "../../common/errors";
import { DIGEST_REF } from "../../common/patterns";
import { loadEnvironment } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { diffPins, effectiveCharts, environmentsDir, type Pins, readPins } from "./pins";
import { lastRun, markedRun, newerRun, runProblem } from "../state/runs";
import type { ReleasePlan } from "./write";


export interface PromotionRequest {
    /** The run-state folder whose run records say how the source last ran. */
    stateDir: string;
    from: string;
    to: string;
    /** Reads the source's images layer outputs. */
    engine: Engine;
    /** Override the promotion order and the clean-run rule; needs `reason`. */
    force?: boolean;
    reason?: string;
    /** Environments folder; default INFRA_ENVIRONMENTS_DIR or environments/. */
    dir?: string;
    /** The two environments' files, when the caller has already loaded them. */
    source?: Environment;
    target?: Environment;
}

export interface PromotionPlan extends ReleasePlan {
    from: string;
    /** Rules --force overrode (empty for an ordinary promotion). */
    overridden: string[];
}

/** Checks the request's own fields; one line naming the bad value and the fix. */
export function validatePromotionRequest(req: Pick<PromotionRequest, "from" | "to" | "force" | "reason">): void {
    if (!req.from) throw new InputError("--from is required: name the environment to promote from (e.g. --from staging)");
    if (!req.to) throw new InputError("--to is required: name the environment to promote into (e.g. --to prod)");
    if (req.from === req.to) throw new InputError(`--from and --to are both "${req.from}"; promote into a different environment`);
    if (req.force && !(req.reason ?? "").trim()) throw new InputError('--force needs --reason "<why>"; the reason is kept in the release history');
    if (!req.force && req.reason) throw new InputError("--reason is only used with --force; drop it or add --force");
}

/**
 * Plans a promotion: checks the declared order (to.promotesFrom === from) and that the source's
 * last up/check ran clean (as this machine's run records say, or the marks an up kept with the
 * state, whichever is newer) (both refusable only with --force and a reason), then reads the
 * source's digests and chart versions. Throws InputError naming what to do on refusal.
 */
export async function planPromotion(req: PromotionRequest): Promise<PromotionPlan> {
    validatePromotionRequest(req);
    const dir = req.dir ?? environmentsDir();
    const source = req.source ?? loadEnvironment(req.from, dir);
    const target = req.target ?? loadEnvironment(req.to, dir);
    const overridden: string[] = [];

    if (target.promotesFrom !== req.from) {
        const rule = target.promotesFrom === null
            ? `${req.to} declares no promotesFrom (it builds its own images)`
            : `${req.to} is promoted from ${target.promotesFrom}, not ${req.from}`;
        if (!req.force) throw new InputError(`refused: ${rule}; promote ${target.promotesFrom ?? "<source>"} -> ${req.to} in order, or pass --force --reason "<why>"`);
        overridden.push(rule);
    }
    // This machine's last up or preview of the source, or the last up kept with the state, whichever is newer.
    const kept = req.engine.runMarks ? await markedRun(req.engine.runMarks, req.from, req.engine.name) : undefined;
    const run = newerRun(lastRun(req.stateDir, req.from, ["up", "preview"]), kept);
    const problem = run ? runProblem(run) : `${req.from} has no recorded up or check`;
    if (problem) {
        const rule = run ? `${req.from}: ${problem}` : problem;
        if (!req.force) throw new InputError(`refused: ${rule}; fix and re-run \`infra up --env ${req.from}\`, or pass --force --reason "<why>"`);
        overridden.push(rule);
    }

    const outputs = await req.engine.outputs(req.from, "images");
    const digests = (outputs.images?.value ?? {}) as Record<string, unknown>;
    const images: Record<string, string> = {};
    for (const img of target.images) {
        const ref = digests[img.name];
        if (typeof ref !== "string" || !DIGEST_REF.test(ref)) {
            throw new InputError(`cannot promote ${req.from} -> ${req.to}: ${req.from} exports no digest-pinned reference for image "${img.name}" (got ${ref === undefined ? "nothing" : JSON.stringify(ref)}); run \`infra up --env ${req.from} --layer images\` first`);
        }
        images[img.name] = ref;
    }
    const pins: Pins = { images, charts: effectiveCharts(source) };
    const previous = readPins(req.to, dir);
    return {
        kind: overridden.length > 0 ? "forced-promote" : "promote",
        env: req.to,
        from: req.from,
        previous,
        pins,
        changed: diffPins(previous, pins),
        overridden,
        ...(overridden.length > 0 ? { forced: `${req.reason!.trim()} (overrode: ${overridden.join("; ")})` } : {}),
    };
}
