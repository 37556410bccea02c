/**
 * The layer commands: preview, refresh, up (preview, ask, apply), drift and destroy. Each opens
 * one session on its environment and runs layers through it; the gates decide before anything
 * is touched.
 */
import type { Operation, PassThrough, ReleaseMark } from "../engine";
import type { Layer } from "../../stacks/graph";
import { stackName } from "../../stacks/names";
import { DriftError, InputError, InterruptedError } from "../../common/errors";
import type { RunSummary } from "../pipeline/runner";
import { readReleaseMarks } from "../release/marks";
import { layersLeft, unfinishedRelease } from "../release/progress";
import { lastRun, resumeSelection } from "../state/runs";
import { statePaths } from "../state/workspace";
import { writeAtomically } from "../files";
import { renderReport } from "../reports/index";
import { reportTargets, type ReportArgs } from "./check";
import { destroyGate, promptForName, promptYes, upGate } from "./confirm";
import { print, printSummary } from "./output";
import { reportRollouts } from "./rollouts";
import { failureOf, resolveEnvironment, resolveLayers, runLayers, withSession, type EngineArgs, type SelectionArgs } from "./run";

/** Arguments of a command over one environment's layers. */
export interface LayerArgs extends EngineArgs, SelectionArgs {
    env: string;
}

/** Pulumi flags, checked by the CLI (cli/options.ts passThroughOf), with the layers --target names. */
export interface PassThroughSelection {
    passThrough?: PassThrough;
    targetLayers?: string[];
}

/** The selected layers, narrowed to those --target names. */
function targeted(selected: Layer[], pass: PassThroughSelection): Layer[] {
    if (!pass.targetLayers) return selected;
    const narrowed = selected.filter((l) => pass.targetLayers!.includes(l));
    if (narrowed.length === 0) throw new InputError(`--target names resources of ${pass.targetLayers.join(", ")}, which the layer selection leaves out; drop --layer or select them`);
    return narrowed;
}

/**
 * `preview` and `refresh`: run, print, exit non-zero on failure. A preview also writes the report
 * files it is asked for (`--markdown` for the pull-request comment, `--sarif`, `--output`), as
 * `check` does, before its exit code is decided, so a failing preview still leaves its report.
 */
export async function runOperation(args: LayerArgs & ReportArgs, operation: Extract<Operation, "preview" | "refresh">, pass: PassThroughSelection = {}): Promise<void> {
    const environment = resolveEnvironment(args.env);
    const selected = targeted(resolveLayers(args), pass);
    // Bad report names are refused before anything runs.
    const targets = reportTargets(args);
    const lock = operation === "refresh" ? `infra refresh --env ${args.env}` : undefined;
    const summary = await withSession(args, environment, { lock }, (s) => runLayers(s, { operation, selected, passThrough: pass.passThrough }));
    const version = require("../../package.json").version as string;
    for (const [file, format] of targets) writeAtomically(file, renderReport(format, [summary], { toolVersion: version }, "preview"));
    printSummary(args, summary);
    failureOf(summary);
}

export interface UpArgs extends LayerArgs {
    yes: boolean;
    resume?: boolean;
    forceAll?: boolean;
    skipPreview?: boolean;
}

/**
 * The layers `up --resume` runs: what an unfinished release still has to apply (a promotion or
 * rollback killed part-way), else what the last `up` left undone. `marks` are the release marks
 * kept with the state: a release another machine finished applying has nothing left here.
 */
export function resumeLayers(env: string, marks: readonly ReleaseMark[] = []): Layer[] {
    const release = unfinishedRelease(env, undefined, marks);
    if (release) {
        const left = layersLeft(statePaths().root, release);
        if (left.length > 0) return left;
    }
    return resumeSelection(lastRun(statePaths().root, env, ["up"]), env);
}

/**
 * `up`: on a terminal, preview the selected layers and ask before applying (protected environments
 * need their name typed); without one, apply (protected environments only with --yes). The lock is
 * held from the preview to the end, so what was previewed is what gets applied.
 */
export async function runUp(args: UpArgs, pass: PassThroughSelection = {}, interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)): Promise<void> {
    const environment = resolveEnvironment(args.env);
    if (args.resume && args.layer?.length) throw new InputError("--resume picks the layers itself; drop --layer or --resume");
    const chosen = args.resume ? undefined : targeted(resolveLayers(args), pass);
    const gate = upGate({ env: args.env, yes: args.yes, interactive, protectedEnv: environment.protected, skipPreview: Boolean(args.skipPreview) });
    // --resume already names exactly the layers left undone; --force-all applies every selected layer.
    const skipUnchanged = !args.resume && !args.forceAll;
    const summary = await withSession(args, environment, { lock: `infra up --env ${args.env}` }, async (s) => {
        // What is left to resume is read under the lock, with the releases the state says are applied.
        const selected = chosen ?? targeted(resumeLayers(args.env, (await readReleaseMarks(s.engine, args.env)).marks), pass);
        if (gate.preview) {
            const preview = await runLayers(s, { operation: "preview", selected, record: false, skipUnchanged, passThrough: pass.passThrough });
            printSummary(args, preview);
            if (preview.interrupted) throw new InterruptedError(`up of ${args.env} was interrupted during its preview; nothing was applied`);
            const unpreviewed = preview.outcomes.filter((o) => o.status === "failed" || o.status === "skipped").map((o) => o.layer);
            if (unpreviewed.length) print(args, `Could not preview ${unpreviewed.join(", ")} (a layer they read may not be applied yet); they are applied after it.`);
        }
        if (gate.ask === "name" && !(await promptForName(args.env, selected, "updates"))) {
            throw new InputError(`up of "${args.env}" not confirmed: the typed name did not match; nothing was touched`);
        }
        if (gate.ask === "yes" && !(await promptYes(`Apply these changes to ${args.env}?`))) {
            throw new InputError(`up of "${args.env}" not confirmed; nothing was touched`);
        }
        return runLayers(s, { operation: "up", selected, skipUnchanged, passThrough: pass.passThrough });
    });
    printSummary(args, summary);
    // Before failureOf: an apps layer that timed out waiting for its Rollout says so per app.
    try {
        await reportRollouts(args, environment, summary);
    } finally {
        failureOf(summary);
    }
}

/** The layers whose refresh would change something, with what it would change and, where known, which properties. */
export function driftOf(summary: RunSummary): Array<{ layer: Layer; changes: string; resources: string[] }> {
    return summary.outcomes.flatMap((o) => {
        const c = o.result?.changes;
        if (!c || c.create + c.update + c.replace + c.delete === 0) return [];
        const parts = (["update", "replace", "delete", "create"] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} to ${k}`);
        const resources = (o.result?.changed ?? []).map((r) => `${r.name} (${r.type})${r.properties.length ? `: ${r.properties.join(", ")}` : ""}`);
        return [{ layer: o.layer, changes: parts.join(", "), resources }];
    });
}

/** `drift`: a preview-only refresh expecting no changes; exit 7 with what drifted. */
export async function runDrift(args: LayerArgs): Promise<void> {
    const environment = resolveEnvironment(args.env);
    const selected = resolveLayers(args);
    const summary = await withSession(args, environment, { lock: `infra drift --env ${args.env}` }, (s) => runLayers(s, { operation: "refresh", selected, expectNoChanges: true }));
    printSummary(args, summary);
    failureOf(summary);
    const drift = driftOf(summary);
    if (drift.length > 0) {
        if (!args.json) print(args, ["Drift found:", ...drift.flatMap((d) => [`  ${stackName(summary.env, d.layer)}: ${d.changes}`, ...d.resources.map((r) => `    ${r}`)])].join("\n"));
        throw new DriftError(`drift in ${args.env}: ${drift.map((d) => `${d.layer} (${d.changes})`).join("; ")}; run \`infra refresh --env ${args.env}\` to accept it or \`infra up --env ${args.env} --force-all\` to restore the code's state`);
    }
}

export interface DestroyArgs extends LayerArgs {
    yes: boolean;
    confirm?: string;
}

/** `destroy`: refuses without the required confirmation before any engine or lock is touched, then runs in reverse order. */
export async function runDestroy(args: DestroyArgs, interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)): Promise<void> {
    const environment = resolveEnvironment(args.env);
    const selected = resolveLayers(args);
    const gate = destroyGate({ env: args.env, yes: args.yes, confirm: args.confirm, interactive, protectedEnv: environment.protected });
    if (gate === "prompt" && !(await promptForName(args.env, [...selected].reverse(), "destroys (in reverse order)"))) {
        throw new InputError(`destroy of "${args.env}" not confirmed: the typed name did not match; nothing was touched`);
    }
    const summary = await withSession(args, environment, { lock: `infra destroy --env ${args.env}` }, (s) => runLayers(s, { operation: "destroy", selected }));
    printSummary(args, summary);
    failureOf(summary);
}
