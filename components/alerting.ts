/**
 * What every alerting rule the platform ships has in common (the apps' in monitoring/alerts.ts,
 * the backups' in backup/alerts.ts): the rule's shape and its `runbook_url` into docs/runbooks.md.
 */

/** Where the runbooks live in this repository; the default base of every runbook_url. */
export const RUNBOOKS_PATH = "docs/runbooks.md";

/** One Prometheus alerting rule. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

/** The anchor of an alert's section in the runbooks: its heading ("## AppPodRestarting") as GitHub and most renderers slug it. */
export function runbookAnchor(alert: string): string {
    return alert.toLowerCase();
}

/** The rules with each one's runbook_url: `<base>#<anchor>`. */
export function withRunbooks(rules: AlertRule[], base: string = RUNBOOKS_PATH): AlertRule[] {
    return rules.map((r) => ({ ...r, annotations: { ...r.annotations, runbook_url: `${base}#${runbookAnchor(r.alert)}` } }));
}
