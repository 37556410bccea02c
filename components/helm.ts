/**
 * Settings every Helm release the components install shares: a failed install or upgrade rolls
 * back (atomic) and removes what it created, so a half-installed chart never lingers; history
 * stays bounded; namespaces are created by the components (with their labels), never by Helm.
 */

/** The release options, with the time a chart gets to become ready before it is rolled back. */
export function helmReleaseSafety(timeoutSeconds: number) {
    return { atomic: true, cleanupOnFail: true, timeout: timeoutSeconds, maxHistory: 10, createNamespace: false } as const;
}
