/** Kubernetes label selectors, matched the way the API server's controllers match them. */

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
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
