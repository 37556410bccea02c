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
