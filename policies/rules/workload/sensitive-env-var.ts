import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/** Name fragments that mark a variable as carrying a credential. */
const SENSITIVE = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIAL)/;
/** Suffixes that name where a credential is or how it behaves, not the credential itself (DB_PASSWORD_FILE, TOKEN_TTL). */
const NOT_A_VALUE = /_(FILE|PATH|DIR|NAME|REF|URL|URI|ENDPOINT|HEADER|TTL|EXPIRY|EXPIRATION|LENGTH|TYPE|ALGORITHM|ENABLED)$/;
/** `$(OTHER_VAR)` expands another variable at start-up; the literal holds no secret. */
const EXPANSION = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;
/**
 * How masked Pulumi secrets read in offline runs and previews. The value is not visible
 * there, so the rule does not guess; the Deployment spec still holds it in plain text.
 */
const MASKED = "[secret]";

/** Values that are credentials whatever the variable is called. */
const SECRET_CONTENT: readonly { what: string; pattern: RegExp }[] = [
    { what: "a PEM private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
    { what: "an AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
    { what: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
];

/** What kind of credential `value` holds by its content, or undefined. */
export function secretContent(value: string): string | undefined {
    return SECRET_CONTENT.find((c) => c.pattern.test(value))?.what;
}

/** True for an env var name that looks like it holds a credential. */
export function isSensitiveEnvName(name: string): boolean {
    const upper = name.toUpperCase();
    return SENSITIVE.test(upper) && !NOT_A_VALUE.test(upper);
}

/**
 * Prevents credentials written as literal env values, recognised by the variable's name or by
 * the value itself (PEM private keys, AWS access key ids, JWTs, under any name): they sit in plain text in the pod
 * spec (etcd, `kubectl get -o yaml`, Pulumi state and diffs) and in every log that dumps
 * the environment. Severity high, mandatory. Kubescape C-0012 "Applications credentials in
 * configuration files"; Polaris sensitiveContainerEnvVar.
 */
export const sensitiveEnvVar = rule(
    {
        name: "sensitive-env-var",
        description: "Containers must not set credentials (PASSWORD, TOKEN, API_KEY, ..., or values that are keys or tokens) as literal env values.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0012"] },
        remediationSteps: "Store the credential in a Kubernetes Secret and mount it as a file (or reference it with valueFrom.secretKeyRef); never put it in env[].value.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod).flatMap((c) => {
            // Stryker disable next-line ArrayDeclaration: the fallback's contents never matter: a non-object entry has no string name and is skipped
            const env: unknown[] = Array.isArray(c.container.env) ? c.container.env : [];
            return env.flatMap((e, i) => {
                const entry = e as { name?: unknown; value?: unknown } | null;
                if (!entry || typeof entry.name !== "string" || typeof entry.value !== "string") return [];
                if (entry.value === "" || entry.value === MASKED || EXPANSION.test(entry.value)) return [];
                const content = secretContent(entry.value);
                if (content) {
                    return [`${describeContainer(c)} sets "${entry.name}" at ${c.path}.env[${i}].value to ${content}; move it to a Secret mounted as a file`];
                }
                if (!isSensitiveEnvName(entry.name)) return [];
                return [
                    `${describeContainer(c)} sets credential "${entry.name}" as a literal at ${c.path}.env[${i}].value; ` +
                        "move it to a Secret mounted as a file",
                ];
            });
        }),
);
