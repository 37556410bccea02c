/**
 * Secret store fixtures (External Secrets Operator): an app's ExternalSecret that reads only its
 * own folder and a SecretStore that authenticates with IRSA; each variant reads outside the
 * folder or gives the store other credentials. Compliant fixtures use the default
 * secretPathPrefix ("": app "web" owns "web/"); variants set the prefix an environment sets.
 */
import type { RuleCase } from "../support";

type Props = Record<string, unknown>;

const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const SECRET_STORE = "kubernetes:external-secrets.io/v1:SecretStore";
const CLUSTER_SECRET_STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const DEV = { secretPathPrefix: "platform/dev/" };

function externalSecret(spec: Props, labels: Record<string, string> = { "app.kubernetes.io/name": "web" }, apiVersion = "external-secrets.io/v1"): Props {
    return {
        apiVersion,
        kind: "ExternalSecret",
        metadata: { name: "web-secrets", namespace: "apps", labels },
        spec: { refreshInterval: "1h", secretStoreRef: { kind: "SecretStore", name: "web" }, target: { name: "web-secrets", creationPolicy: "Owner" }, ...spec },
    };
}

const remote = (key: string, property?: string) => ({ secretKey: "DATABASE_URL", remoteRef: { key, ...(property ? { property } : {}) } });

function store(kind: "SecretStore" | "ClusterSecretStore", auth: Props | undefined, apiVersion = "external-secrets.io/v1"): Props {
    return {
        apiVersion,
        kind,
        metadata: { name: "web", ...(kind === "SecretStore" ? { namespace: "apps" } : {}) },
        spec: { provider: { aws: { service: "SecretsManager", region: "eu-west-1", ...(auth ? { auth } : {}) } } },
    };
}

const IRSA = { jwt: { serviceAccountRef: { name: "web" } } };

export const cases: RuleCase[] = [
    {
        rule: "external-secret-own-path",
        type: EXTERNAL_SECRET,
        compliant: externalSecret({
            data: [remote("web/db", "url"), { secretKey: "TOKEN", sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", name: "p" } }, remoteRef: { key: "anything" } }],
            dataFrom: [{ extract: { key: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:web/redis-AbCdEf" } }, { find: { path: "web/feature-flags/", name: { regexp: ".*" } } }],
        }),
        broken: [
            { name: "data key in another app's folder", props: externalSecret({ data: [remote("platform/dev/billing/db", "url")] }), config: DEV },
            { name: "data key of the right app without the environment's prefix", props: externalSecret({ data: [remote("web/db", "url")] }), config: DEV },
            { name: "data key climbing out with ..", props: externalSecret({ data: [remote("platform/dev/web/../billing/db")] }), config: DEV },
            { name: "data key that is the folder itself", props: externalSecret({ data: [remote("platform/dev/web/")] }), config: DEV },
            { name: "dataFrom.extract of another app's secret by ARN", props: externalSecret({ dataFrom: [{ extract: { key: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform/dev/billing/db-AbCdEf" } }] }), config: DEV },
            { name: "dataFrom.find by tags without a path", props: externalSecret({ dataFrom: [{ find: { tags: { team: "web" } } }] }), config: DEV },
            { name: "dataFrom.find with a path above the folder", props: externalSecret({ dataFrom: [{ find: { path: "platform/dev/", name: { regexp: "db" } } }] }), config: DEV },
            { name: "no app label", props: externalSecret({ data: [remote("web/db")] }, {}) },
            { name: "v1beta1 reading another app's folder", props: externalSecret({ data: [remote("billing/db")] }, undefined, "external-secrets.io/v1beta1") },
        ],
    },
    {
        rule: "secret-store-irsa",
        type: SECRET_STORE,
        compliant: store("SecretStore", IRSA),
        broken: [
            { name: "static access keys from a Secret", props: store("SecretStore", { secretRef: { accessKeyIDSecretRef: { name: "aws", key: "id" }, secretAccessKeySecretRef: { name: "aws", key: "secret" } } }) },
            { name: "no auth (the operator's own credentials)", props: store("SecretStore", undefined) },
            { name: "jwt without a ServiceAccount name", props: store("SecretStore", { jwt: { serviceAccountRef: { name: "" } } }) },
            { name: "static keys next to jwt", props: store("SecretStore", { ...IRSA, secretRef: { accessKeyIDSecretRef: { name: "aws", key: "id" } } }) },
            { name: "v1beta1 without auth", props: store("SecretStore", undefined, "external-secrets.io/v1beta1") },
        ],
    },
    {
        rule: "secret-store-irsa",
        type: CLUSTER_SECRET_STORE,
        compliant: store("ClusterSecretStore", { jwt: { serviceAccountRef: { name: "web", namespace: "apps" } } }),
        broken: [{ name: "ClusterSecretStore without auth", props: store("ClusterSecretStore", undefined) }],
    },
];
