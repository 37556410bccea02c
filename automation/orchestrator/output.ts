/**
 * Where a command's output goes. With --events, stdout carries only NDJSON (one timestamped
 * event per line) and everything for people goes to stderr; with --json, stdout carries one
 * JSON document; otherwise text.
 */
import type { RunSummary } from "../pipeline/runner";
import { renderSummary } from "../pipeline/progress";
import { renderJson } from "../reports/json";
import { violationsOf } from "../reports/model";

export interface OutputArgs {
    json: boolean;
    events: boolean;
    color?: boolean;
}

/** Writes text to stdout, or to stderr when stdout carries NDJSON events. */
export function print(args: Pick<OutputArgs, "events">, text: string): void {
    (args.events ? process.stderr : process.stdout).write(text.endsWith("\n") ? text : text + "\n");
}

/** Writes one NDJSON event on stdout when --events is on. */
export function emit(args: Pick<OutputArgs, "events">, event: Record<string, unknown>): void {
    if (args.events) process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + "\n");
}

/** Prints a finished run as JSON, or the summary table followed by policy findings. */
export function printSummary(args: OutputArgs, summary: RunSummary): void {
    if (args.json) return print(args, renderJson([summary]));
    const findings = violationsOf(summary).map((v) => `  ${v.enforcement === "mandatory" ? "MANDATORY" : "advisory "} ${v.severity.padEnd(8)} ${v.layer}: ${v.rule}${v.resourceName ? ` ${v.resourceName}` : ""}: ${v.message.split("\n")[0]}`);
    print(args, [renderSummary(summary), ...(findings.length ? ["", "Policy findings:", ...findings] : [])].join("\n"));
}
