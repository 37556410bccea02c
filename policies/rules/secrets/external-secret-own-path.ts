import { rule } from "../util/rule";
import { asList, asObj, isExternalSecretsObject } from "./util";

/** A Secrets Manager ARN `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>` names the secret <name>. */
function secretName(key: string): string {
    const m = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(key);
    return m ? m[1] : key;
}

/** True when `key` is a secret below `folder` (no ".." segment climbing out of it). */
function inside(key: string, folder: string): boolean {
    const name = secretName(key);
    return name.startsWith(folder) && name.length > folder.length && !name.split("/").includes("..");
}

/**
 * Flags ExternalSecrets (External Secrets Operator) that read outside their app's folder of the
 * secret store. Each app owns `<secretPathPrefix><app>/` (pack setting `secretPathPrefix`, e.g.
 * "platform/dev/"); the app is the ExternalSecret's `app.kubernetes.io/name` label. Checked:
 * `data[].remoteRef.key`, `dataFrom[].extract.key` (names or ARNs), and `dataFrom[].find`,
 * which must set a `path` inside the folder (a find by name or tags alone searches the whole
 * store). Generator sources read no store and are skipped. The app's IAM role (IRSA) limits
 * what the operator can fetch; this rule keeps the objects honest too, so a copied manifest or
 * a broad role is caught in review instead of at run time. Severity high, mandatory.
 * CIS Kubernetes 5.4.2 / CIS EKS 4.4.2 "Consider external secret storage" (and least privilege).
 */
export const externalSecretOwnPath = rule(
    {
        name: "external-secret-own-path",
        description: "ExternalSecrets may read only their own app's folder of the secret store.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.4.2"], cisEks: ["4.4.2"], nsaCisa: "network-separation" },
        remediationSteps:
            "Label the ExternalSecret app.kubernetes.io/name=<app>; point every data[].remoteRef.key and dataFrom[].extract.key at a secret under <secretPathPrefix><app>/, and give every dataFrom[].find a path under it.",
        scope: { kinds: ["ExternalSecret"] },
        configKeys: ["secretPathPrefix"],
    },
    (obj, config) => {
        if (!isExternalSecretsObject(obj.props)) return [];
        const labels = asObj(asObj(obj.props.metadata)?.labels) ?? {};
        const app = labels["app.kubernetes.io/name"];
        if (typeof app !== "string" || app === "") {
            return ["has no app.kubernetes.io/name label, so the folder it may read is unknown; label it with its app's name"];
        }
        const folder = `${config.secretPathPrefix}${app}/`;
        const spec = asObj(obj.props.spec) ?? {};
        const out: string[] = [];
        const outside = (at: string, key: unknown) => {
            if (typeof key === "string" && !inside(key, folder)) out.push(`${at} "${key}" is outside app ${app}'s folder ${folder}; read a secret under ${folder}`);
        };
        asList(spec.data).forEach((d, i) => {
            if (asObj(asObj(d)?.sourceRef)?.generatorRef) return;
            outside(`spec.data[${i}].remoteRef.key`, asObj(asObj(d)?.remoteRef)?.key);
        });
        asList(spec.dataFrom).forEach((d, i) => {
            const entry = asObj(d) ?? {};
            if (asObj(entry.sourceRef)?.generatorRef) return;
            if (entry.extract !== undefined) outside(`spec.dataFrom[${i}].extract.key`, asObj(entry.extract)?.key);
            const find = asObj(entry.find);
            if (entry.find === undefined) return;
            const path = find?.path;
            if (typeof path !== "string" || path === "") out.push(`spec.dataFrom[${i}].find has no path, so it searches the whole store; set find.path to ${folder}`);
            else if (!(path.startsWith(folder) && !path.split("/").includes(".."))) out.push(`spec.dataFrom[${i}].find.path "${path}" is outside app ${app}'s folder ${folder}; set it to ${folder} or below`);
        });
        return out;
    },
);
