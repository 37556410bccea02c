import { rule } from "../util/rule";
import { containersOf, describeContainer, get } from "../util/podspec";

/**
 * Discourages reading Secrets into environment variables (env[].valueFrom.secretKeyRef,
 * envFrom[].secretRef): the environment leaks into child processes, crash dumps and debug
 * endpoints, and is not updated when the Secret rotates; a mounted file is. Severity low,
 * advisory. CIS Kubernetes 5.4.1 "Prefer using secrets as files over secrets as environment
 * variables"; Kyverno disallow-secrets-from-env-vars.
 */
export const secretsFromEnv = rule(
    {
        name: "secrets-from-env",
        description: "Containers should mount Secrets as files rather than read them into environment variables.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { cisKubernetes: ["5.4.1"], cisEks: ["4.4.1"], nsaCisa: "network-separation" },
        remediationSteps: "Replace env[].valueFrom.secretKeyRef and envFrom[].secretRef with a secret volume mounted read-only (volumes[].secret + volumeMounts).",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod).flatMap((c) => {
            const out: string[] = [];
            // Stryker disable next-line ArrayDeclaration: the fallback's contents never matter: a non-object entry has no valueFrom.secretKeyRef and is skipped
            const env: unknown[] = Array.isArray(c.container.env) ? c.container.env : [];
            env.forEach((e, i) => {
                const ref = get(e, "valueFrom", "secretKeyRef");
                if (ref === undefined || ref === null) return;
                out.push(
                    `${describeContainer(c)} reads Secret "${String(get(ref, "name") ?? "")}" into env ` +
                        `"${String(get(e, "name") ?? "")}" at ${c.path}.env[${i}].valueFrom.secretKeyRef; mount the Secret as a file instead`,
                );
            });
            // Stryker disable next-line ArrayDeclaration: the fallback's contents never matter: a non-object entry has no secretRef and is skipped
            const envFrom: unknown[] = Array.isArray(c.container.envFrom) ? c.container.envFrom : [];
            envFrom.forEach((e, i) => {
                const ref = get(e, "secretRef");
                if (ref === undefined || ref === null) return;
                out.push(
                    `${describeContainer(c)} loads Secret "${String(get(ref, "name") ?? "")}" as env at ` +
                        `${c.path}.envFrom[${i}].secretRef; mount the Secret as a file instead`,
                );
            });
            return out;
        }),
);
