/** Text for people: the release history table and the result of a promotion or rollback. */
import type { Release } from "./history";
import { displayPath } from "../../environments/load";
import { environmentFile, type PinChange } from "./pins";
import type { ReleaseResult } from "./write";
import { renderRollouts } from "./rollouts";

/** `repo@sha256:<64 hex>` -> `sha256:<12 hex>`; chart versions are shown whole. */
export function shortRef(ref: string | undefined): string {
    if (!ref) return "-";
    const m = /@sha256:([a-f0-9]{12})[a-f0-9]*$/.exec(ref);
    return m ? `sha256:${m[1]}` : ref;
}

export function describeChange(c: PinChange): string {
    return `${c.name} ${shortRef(c.from)} -> ${shortRef(c.to)}`;
}

/** A release's status, saying where it came from when the state, not the history file, told it. */
export function statusText(r: Release): string {
    return r.statusFrom === "state" ? `${r.status} (from state)` : r.status;
}

/** The `infra releases` table, newest first. */
export function renderReleases(env: string, releases: readonly Release[]): string {
    if (releases.length === 0) return `${env}: no releases recorded`;
    // "rollouts": how each app's canary ended in the apply (release/rollouts.ts), shown once any release has one.
    const withRollouts = releases.some((r) => r.rollouts && r.rollouts.length > 0);
    const rows = [...releases].reverse().map((r) => [
        r.at.replace("T", " ").slice(0, 19), r.id, r.by, r.kind, r.from ?? "-", statusText(r),
        ...(withRollouts ? [r.rollouts?.join(", ") || "-"] : []),
        r.changed.map(describeChange).join(", ") || "-",
    ]);
    const head = ["when (UTC)", "release", "who", "kind", "from", "status", ...(withRollouts ? ["rollouts"] : []), "changed"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
    return [line(head), ...rows.map(line)].join("\n");
}

/** One paragraph on what a promotion or rollback wrote and ran. */
export function renderReleaseResult(r: ReleaseResult): string {
    const p = r.plan;
    const title = p.kind === "rollback" ? `rollback of ${p.env}${p.from ? ` to ${p.from}` : ""}` : `${p.kind} ${p.from} -> ${p.env}`;
    if (r.status === "unchanged") return `${title}: ${p.env} already runs these pins; nothing written`;
    const lines = [`${title}: release ${r.id} ${r.status}${r.resumed ? " (continued from an unfinished attempt)" : ""}`];
    if (p.forced) lines.push(`  forced: ${p.forced}`);
    for (const c of p.changed) lines.push(`  ${c.kind} ${describeChange(c)}`);
    if (r.status === "written") lines.push(`  pins written to ${displayPath(environmentFile(p.env))}; apply with \`infra up --env ${p.env}\` after review`);
    if (r.unchanged.length > 0) lines.push(`  unchanged (skipped): ${r.unchanged.join(", ")}`);
    for (const o of r.summary?.outcomes ?? []) {
        if (o.status !== "not-selected") lines.push(`  ${o.layer}: ${o.status}${o.error ? ` - ${o.error.split("\n")[0]}` : ""}`);
    }
    for (const line of renderRollouts(r.rollouts ?? [])) lines.push(`  ${line}`);
    return lines.join("\n");
}

/** The JSON form of a result: no layer outputs (they can hold secrets). */
export function releaseResultJson(r: ReleaseResult): Record<string, unknown> {
    return {
        id: r.id ?? null, status: r.status, resumed: r.resumed ?? false, kind: r.plan.kind, env: r.plan.env, from: r.plan.from ?? null,
        forced: r.plan.forced ?? null, changed: r.plan.changed, affected: r.affected, unchanged: r.unchanged,
        layers: (r.summary?.outcomes ?? []).map((o) => ({ layer: o.layer, status: o.status, error: o.error ?? null })),
        rollouts: (r.rollouts ?? []).map((x) => ({ app: x.app, outcome: x.outcome, phase: x.phase, message: x.message })),
    };
}
