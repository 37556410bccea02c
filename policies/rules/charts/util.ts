/**
 * Helpers shared by the Helm chart rules: recognising Helm releases, walking a release's values
 * tree generically (any nesting, any key) and applying per-chart exemptions keyed by chart name
 * and value path.
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type { ResourceRule } from "../types";
import { rule, type RuleMeta } from "../util/rule";

/** One value found in a values tree: its dotted path ("a.b[0].c"), own key, parent key and value. */
export interface ValueHit {
    path: string;
    key: string;
    parentKey: string;
    value: unknown;
}

/** An exemption: values at `path` (dotted; "*" matches one segment, "**" any run) in chart `chart`. */
export interface Exemption {
    chart: string;
    path: string;
    reason?: string;
}

/**
 * Exemptions that ship with the pack. Node exporter reads host metrics, so it needs the host's
 * network and PID namespaces, both as its own chart and as kube-prometheus-stack's subchart.
 */
export const DEFAULT_EXEMPTIONS: Exemption[] = [
    { chart: "kube-prometheus-stack", path: "prometheus-node-exporter.hostNetwork", reason: "node exporter reads host network metrics" },
    { chart: "kube-prometheus-stack", path: "prometheus-node-exporter.hostPID", reason: "node exporter reads host process metrics" },
    { chart: "prometheus-node-exporter", path: "hostNetwork", reason: "node exporter reads host network metrics" },
    { chart: "prometheus-node-exporter", path: "hostPID", reason: "node exporter reads host process metrics" },
];

/**
 * The chart rules' own setting, `chartExemptions` (chart + values path). Pack-wide exemptions by
 * namespace, name prefix, image or URN are `exemptions` (config.ts), which these rules honour too.
 */
export const chartExemptionsSchema = {
    chartExemptions: {
        type: "array" as const,
        items: {
            type: "object" as const,
            properties: { chart: { type: "string" as const }, path: { type: "string" as const }, reason: { type: "string" as const } },
            required: ["chart", "path"],
        },
        default: DEFAULT_EXEMPTIONS,
        description: "Chart name + values path pairs allowed to set this value; replaces the default list (node exporter host namespaces).",
    },
};

/** True for Helm v3 Releases and Helm charts (v3 component, v4 Chart). */
export function isHelm(type: string): boolean {
    return /^kubernetes:helm\.sh\/v\d+:(Release|Chart)$/.test(type);
}

/** The chart's name without repository, OCI registry path or packaged-version suffix. */
export function chartName(props: Record<string, unknown>): string {
    const chart = typeof props.chart === "string" ? props.chart : "";
    return chart.replace(/\/+$/, "").split("/").pop()!.replace(/\.tgz$/, "").replace(/-v?\d+\.\d+\.\d+.*$/, "");
}

/** Every scalar or array value in a values tree, depth first. */
export function walkValues(values: unknown, path = "", key = "", parentKey = ""): ValueHit[] {
    if (values && typeof values === "object" && !Array.isArray(values)) {
        return Object.entries(values as Record<string, unknown>).flatMap(([k, v]) =>
            walkValues(v, path ? `${path}.${k}` : k, k, key),
        );
    }
    const hits: ValueHit[] = [{ path, key, parentKey, value: values }];
    if (Array.isArray(values)) {
        values.forEach((v, i) => {
            if (v && typeof v === "object") hits.push(...walkValues(v, `${path}[${i}]`, key, parentKey));
        });
    }
    return hits;
}

function pathPattern(pattern: string): RegExp {
    const esc = pattern
        .split(".")
        .map((seg) => (seg === "**" ? ".*" : seg.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^.]*")))
        .join("\\.");
    return new RegExp(`^${esc}$`);
}

/** True when `path` of chart `chart` matches one of `exemptions`. */
export function isExempt(chart: string, path: string, exemptions: Exemption[]): boolean {
    return exemptions.some((e) => e.chart === chart && pathPattern(e.path).test(path));
}

/** true or "true" (values passed as strings, e.g. from --set). */
export { isTrue as truthy } from "../util/values";

/**
 * The shared body of the values rules: for a Helm release or chart, reports each non-exempt
 * value that `matches`, naming its path, what it does (`what`) and the `fix`.
 */
function reportValues(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    matches: (hit: ValueHit) => boolean,
    what: string,
    fix: string,
): void {
    if (!isHelm(args.type)) return;
    const chart = chartName(args.props);
    const exemptions = args.getConfig<{ chartExemptions?: Exemption[] }>()?.chartExemptions ?? DEFAULT_EXEMPTIONS;
    for (const hit of walkValues(args.props.values ?? {})) {
        if (!matches(hit) || isExempt(chart, hit.path, exemptions)) continue;
        reportViolation(
            `Helm release ${args.name} (chart ${chart || "unknown"}) sets values.${hit.path}=${JSON.stringify(hit.value)}, ${what}: ${fix}`,
        );
    }
}

/** What a values rule looks for: which values match, what a match does, and the fix messages suggest. */
export interface ValuesCheck {
    matches: (hit: ValueHit) => boolean;
    what: string;
    fix: string;
}

/**
 * A rule over Helm releases that reports each value of the values tree `check.matches`, outside
 * the chartExemptions it takes as its setting (see reportValues).
 */
export function chartValuesRule(meta: Omit<RuleMeta<"resource">, "scope" | "settings">, check: ValuesCheck): ResourceRule {
    return rule({ ...meta, settings: { ...chartExemptionsSchema }, scope: "resource" }, (args, reportViolation) =>
        reportValues(args, reportViolation, check.matches, check.what, check.fix),
    );
}
