/**
 * `check`: plan environments with the offline engine (no credentials), run the policy pack
 * and schema validation, print a report and write report files for CI.
 */
import { listEnvironments } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { writeAtomically } from "../files";
import { DeploymentError, InputError, InterruptedError, PolicyError } from "../../common/errors";
import type { RunSummary } from "../pipeline/runner";
import { formatForFile, renderReport, ReportFormat } from "../reports/index";
import { hasBlockingFindings, schemaIssuesOf, violationsOf } from "../reports/model";
import { print } from "./output";
import { resolveEnvironment, resolveLayers, runLayers, withSession, type EngineArgs, type SelectionArgs } from "./run";

/** Report files a command writes besides what it prints (check and preview). */
export interface ReportArgs {
    output?: string[];
    sarif?: string;
    markdown?: string;
}

export interface CheckArgs extends EngineArgs, SelectionArgs, ReportArgs {
    env?: string;
    all: boolean;
    format: ReportFormat;
}

/** The report files to write, as [file, format]; unknown extensions are refused up front. */
export function reportTargets(args: ReportArgs): Array<[string, ReportFormat]> {
    const targets: Array<[string, ReportFormat]> = [];
    for (const file of args.output ?? []) {
        const format = formatForFile(file);
        if (!format) throw new InputError(`--output ${file}: cannot tell the format from the extension; use .sarif, .md, .json or .txt`);
        targets.push([file, format]);
    }
    if (args.sarif) targets.push([args.sarif, "sarif"]);
    if (args.markdown) targets.push([args.markdown, "markdown"]);
    return targets;
}

/** The environments to check, all loaded and validated before any is planned: --env, or every file in environments/ with --all. */
export function checkedEnvironments(args: Pick<CheckArgs, "env" | "all">): Environment[] {
    if (args.all && args.env) throw new InputError("--all and --env exclude each other; pass one of them");
    if (!args.all && !args.env) throw new InputError("name what to check: pass --env <name> or --all");
    return (args.all ? listEnvironments() : [args.env!]).map(resolveEnvironment);
}

/** Runs the check; throws on a mandatory violation or schema issue (exit 5) or a failed layer (exit 4). */
export async function runCheck(args: CheckArgs): Promise<RunSummary[]> {
    const envs = checkedEnvironments(args);
    const targets = reportTargets(args);
    const version = require("../../package.json").version as string;
    const summaries: RunSummary[] = [];
    for (const environment of envs) {
        const selected = resolveLayers(args);
        const summary = await withSession({ ...args, engine: args.engine ?? "offline" }, environment, {}, (s) => runLayers(s, { operation: "preview", selected, record: false }));
        summaries.push(summary);
        if (summary.interrupted) break;
    }
    for (const [file, format] of targets) writeAtomically(file, renderReport(format, summaries, { toolVersion: version }));
    print(args, renderReport(args.json ? "json" : args.format, summaries, { toolVersion: version }));
    if (summaries.some((s) => s.interrupted)) throw new InterruptedError("check was interrupted; the report covers what ran");
    const blocking = summaries.filter(hasBlockingFindings);
    if (blocking.length > 0) {
        const mandatory = summaries.reduce((n, s) => n + violationsOf(s).filter((v) => v.enforcement === "mandatory").length, 0);
        const schema = summaries.reduce((n, s) => n + schemaIssuesOf(s).length, 0);
        const failed = summaries.reduce((n, s) => n + s.outcomes.filter((o) => o.status === "failed" || o.status === "skipped").length, 0);
        // A failed or unrun layer is a deployment error (4); otherwise the findings are a policy failure (5).
        const Failure = failed > 0 ? DeploymentError : PolicyError;
        throw new Failure(`check failed in ${blocking.map((s) => s.env).join(", ")}: ${mandatory} mandatory policy violation(s), ${schema} schema issue(s), ${failed} layer(s) failed or not run`);
    }
    return summaries;
}
