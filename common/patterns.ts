/**
 * Name and reference patterns the whole project shares, one definition each: the environment
 * files, the components' argument checks, the stack contracts and the release code all test
 * values against these, so they cannot drift apart.
 */

/** A digest-pinned image reference, `repo@sha256:<64 hex>` (the repo as a registry path, lower case). */
export const DIGEST_REF = /^[a-z0-9]+(?:[._\-/:][a-z0-9]+)*@sha256:[a-f0-9]{64}$/;

/** An RFC 1123 label: a namespace or Secret name (length checked by callers, whose limits differ). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An RFC 1035 label of at most 63 characters, starting with a letter: what a Service name must be. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** An exact Helm chart version: a range would let a reinstall pick up a different chart. */
export const CHART_VERSION = /^\d+\.\d+\.\d+([-+][\w.]+)?$/;

/** An environment name: it becomes part of stack names, file names and lock files. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * A secret named by an environment file: `<key>` or `<key>#<property>`, where key is a path
 * below the app's own folder in the secret store (lower-case segments, "/" between them) and
 * property a field of the JSON value stored there. A reference, never the secret itself.
 */
export const SECRET_REF = /^([a-z0-9][a-z0-9_.-]*(?:\/[a-z0-9][a-z0-9_.-]*)*)(?:#([A-Za-z0-9_.-]+))?$/;

/**
 * The secret store's folder of one app: `platform/<env>/<app>/`. One owner for the
 * convention: the app's IAM policy, its ExternalSecret keys and the pack's
 * `secretPathPrefix` (`platform/<env>/`) are all built from it.
 */
export function secretStoreFolder(env: string, app?: string): string {
    return app === undefined ? `platform/${env}/` : `platform/${env}/${app}/`;
}

/**
 * Where the platform writes a secret it generated (the Grafana admin password):
 * `platform/<env>/_generated/<name>`. App names are DNS labels, which cannot start with "_",
 * so no app's folder, and no app's IAM role, ever covers it.
 */
export function generatedSecretName(env: string, name: string): string {
    return `${secretStoreFolder(env)}_generated/${name}`;
}

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), as a Velero
 * Schedule takes it: each field `*`, a number or a range, optionally `/step`, comma-separated.
 * Names (MON, JAN) and Velero's `@every` form are not taken: one form, readable at a glance.
 */
const CRON_FIELD = String.raw`(?:\*|\d{1,2}(?:-\d{1,2})?)(?:\/\d{1,2})?`;
export const CRON = new RegExp(String.raw`^${CRON_FIELD}(?:,${CRON_FIELD})*(?: ${CRON_FIELD}(?:,${CRON_FIELD})*){4}$`);
