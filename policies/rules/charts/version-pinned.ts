import { rule } from "../util/rule";
import { chartName, isHelm } from "./util";

/** True for an exact chart version ("1.2.3", "v1.2.3-rc.1"), false for ranges ("^1.2", "~1", "1.x", "*", ">=1"). */
export function isExactVersion(v: unknown): boolean {
    return typeof v === "string" && /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(v.trim());
}

/**
 * Flags Helm releases from a repository without an exact chart version. Without one every
 * deployment may pull a newer chart, so an environment can change without a reviewed diff and
 * promotion cannot guarantee that prod runs what staging ran. Local chart paths are skipped.
 * Severity low; advisory.
 */
export const chartVersionPinned = rule(
    {
        name: "chart-version-pinned",
        description: "Helm releases should pin an exact chart version.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Set version to an exact chart version (e.g. 65.1.1), not a range or nothing.",
        scope: "resource",
    },
    (args, reportViolation) => {
        if (!isHelm(args.type)) return;
        const chart = typeof args.props.chart === "string" ? args.props.chart : "";
        if (/^(\.{0,2}\/|file:\/\/)/.test(chart)) return;
        const version = args.props.version;
        if (isExactVersion(version)) return;
        reportViolation(
            `Helm release ${args.name} (chart ${chartName(args.props) || "unknown"}) ` +
                `${version === undefined || version === "" ? "has no version" : `uses version range "${String(version)}"`}: ` +
                `set version to the exact chart version (e.g. "1.2.3") and let promotion update it.`,
        );
    },
);
