/** Kubernetes label selectors, matched the way the API server's controllers match them. */

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * True when `v` has the shape the API server accepts for a LabelSelector: string matchLabels,
 * and matchExpressions with a string key and operator and a list of string values. Inputs that
 * fail it are rejected at apply time, so a rule reading them treats them as selecting nothing.
 */
export function isLabelSelector(v: unknown): v is LabelSelector {
    if (!isPlainObject(v)) return false;
    const { matchLabels, matchExpressions } = v;
    if (matchLabels !== undefined && matchLabels !== null && !(isPlainObject(matchLabels) && Object.values(matchLabels).every((x) => typeof x === "string"))) return false;
    if (matchExpressions === undefined || matchExpressions === null) return true;
    return Array.isArray(matchExpressions) && matchExpressions.every((e) =>
        isPlainObject(e) && typeof e.key === "string" && typeof e.operator === "string" && (e.values === undefined || e.values === null || isStrings(e.values)));
}

/** True when `selector` (matchLabels and matchExpressions) selects an object with `labels`. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    if (!byLabels) return false;
    return (selector.matchExpressions ?? []).every((e) => {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        switch (e.operator) {
            case "In": return has && (e.values ?? []).includes(labels[e.key]);
            case "NotIn": return !has || !(e.values ?? []).includes(labels[e.key]);
            case "Exists": return has;
            case "DoesNotExist": return !has;
            default: return false;
        }
    });
}

/** True for a selector with no terms, which selects every object (of its namespace). */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
    return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}
