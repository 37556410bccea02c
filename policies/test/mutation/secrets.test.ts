/**
 * The secret store rules with an environment's settings: the environment's own prefix passes,
 * and the messages name the field, the key and the folder it should be in.
 */
import * as assert from "assert";
import { externalSecretOwnPath } from "../../rules/secrets/external-secret-own-path";
import { secretStoreIrsa } from "../../rules/secrets/secret-store-irsa";
import { parseConfig } from "../../config";
import { runRules } from "../support";

const es = (key: string) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "app-secrets", namespace: "apps", labels: { "app.kubernetes.io/name": "app" } },
    spec: { secretStoreRef: { kind: "SecretStore", name: "app" }, data: [{ secretKey: "DATABASE_URL", remoteRef: { key, property: "url" } }] },
});
const ES_TYPE = "kubernetes:external-secrets.io/v1:ExternalSecret";

describe("secret store rules with an environment's prefix", () => {
    it("passes the app's own folder under the prefix", async () => {
        assert.deepStrictEqual(await runRules([externalSecretOwnPath], [{ type: ES_TYPE, name: "app", props: es("platform/dev/app/db") }], { secretPathPrefix: "platform/dev/" }), []);
    });
    it("names the field, the key and the folder", async () => {
        const findings = await runRules([externalSecretOwnPath], [{ type: ES_TYPE, name: "app", props: es("platform/prod/app/db") }], { secretPathPrefix: "platform/dev/" });
        assert.deepStrictEqual(findings.map((f) => f.message), [
            'ExternalSecret "app-secrets": spec.data[0].remoteRef.key "platform/prod/app/db" is outside app app\'s folder platform/dev/app/; read a secret under platform/dev/app/',
        ]);
    });
    it("ignores objects of other API groups with the same kinds", async () => {
        const legacy = { ...es("anything"), apiVersion: "kubernetes-client.io/v1" };
        assert.deepStrictEqual(await runRules([externalSecretOwnPath], [{ type: "kubernetes:kubernetes-client.io/v1:ExternalSecret", name: "x", props: legacy }]), []);
        const vault = { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "v", namespace: "apps" }, spec: { provider: { vault: { server: "https://vault" } } } };
        assert.deepStrictEqual(await runRules([secretStoreIrsa], [{ type: "kubernetes:external-secrets.io/v1:SecretStore", name: "v", props: vault }]), []);
    });
    it("refuses a prefix without its trailing slash", () => {
        assert.throws(() => parseConfig({ secretPathPrefix: "platform/dev" }), /secretPathPrefix is "platform\/dev"; set it to a store folder ending in "\/"/);
        assert.strictEqual(parseConfig({}).secretPathPrefix, "");
    });

    const ownPath = async (spec: Record<string, unknown>, labels: Record<string, string> = { "app.kubernetes.io/name": "app" }) =>
        (await runRules([externalSecretOwnPath], [{ type: ES_TYPE, name: "app", props: { ...es("x"), metadata: { name: "app-secrets", namespace: "apps", labels }, spec } }], { secretPathPrefix: "platform/dev/" })).map((f) => f.message);
    const P = 'ExternalSecret "app-secrets": ';

    it("words each ExternalSecret finding with the field and the fix", async () => {
        assert.deepStrictEqual(await ownPath({}, {}), [`${P}has no app.kubernetes.io/name label, so the folder it may read is unknown; label it with its app's name`]);
        assert.deepStrictEqual(await ownPath({}, { "app.kubernetes.io/name": "" }), [`${P}has no app.kubernetes.io/name label, so the folder it may read is unknown; label it with its app's name`]);
        assert.deepStrictEqual(await ownPath({ dataFrom: [{ extract: { key: "platform/dev/other/x" } }] }), [`${P}spec.dataFrom[0].extract.key "platform/dev/other/x" is outside app app's folder platform/dev/app/; read a secret under platform/dev/app/`]);
        assert.deepStrictEqual(await ownPath({ dataFrom: [{ find: { name: { regexp: "." } } }] }), [`${P}spec.dataFrom[0].find has no path, so it searches the whole store; set find.path to platform/dev/app/`]);
        assert.deepStrictEqual(await ownPath({ dataFrom: [{ find: { path: "" } }] }), [`${P}spec.dataFrom[0].find has no path, so it searches the whole store; set find.path to platform/dev/app/`]);
        assert.deepStrictEqual(await ownPath({ dataFrom: [{ find: { path: "platform/dev/app/../b/" } }] }), [`${P}spec.dataFrom[0].find.path "platform/dev/app/../b/" is outside app app's folder platform/dev/app/; set it to platform/dev/app/ or below`]);
        assert.deepStrictEqual(await ownPath({ dataFrom: [{ find: { path: "platform/dev/" } }] }), [`${P}spec.dataFrom[0].find.path "platform/dev/" is outside app app's folder platform/dev/app/; set it to platform/dev/app/ or below`]);
    });

    it("accepts the app's folder in every form, and skips generators and entries without a key", async () => {
        assert.deepStrictEqual(await ownPath({
            data: [
                { secretKey: "A", remoteRef: { key: "platform/dev/app/a" } },
                { secretKey: "B", remoteRef: { key: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:platform/dev/app/b-AbCdEf" } },
                { secretKey: "G", sourceRef: { generatorRef: { kind: "Password", name: "p" } }, remoteRef: { key: "elsewhere" } },
                { secretKey: "N", remoteRef: {} },
            ],
            dataFrom: [
                { find: { path: "platform/dev/app/" } },
                { find: { path: "platform/dev/app/flags/" } },
                { extract: { key: "platform/dev/app/c" } },
                { sourceRef: { generatorRef: { kind: "Password", name: "p" } }, extract: { key: "elsewhere" } },
                { rewrite: [] },
            ],
        }), []);
        // An ARN names the secret after ":secret:"; an ARN of another service does not count as one.
        assert.equal((await ownPath({ data: [{ secretKey: "A", remoteRef: { key: "arn:aws:ssm:eu-west-1:123456789012:parameter/platform/dev/app/a" } }] })).length, 1);
        assert.equal((await ownPath({ data: [{ secretKey: "A", remoteRef: { key: "xplatform/dev/app/a" } }] })).length, 1);
    });

    const irsa = async (aws: Record<string, unknown> | undefined, provider?: Record<string, unknown>) =>
        (await runRules([secretStoreIrsa], [{ type: "kubernetes:external-secrets.io/v1:SecretStore", name: "s", props: { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "s", namespace: "apps" }, spec: { provider: provider ?? { aws } } } }])).map((f) => f.message);

    it("words each SecretStore finding with the field and the fix", async () => {
        assert.deepStrictEqual(await irsa({ service: "SecretsManager", auth: { secretRef: { accessKeyIDSecretRef: { name: "k" } } } }), [
            'SecretStore "s": spec.provider.aws.auth.secretRef authenticates with static AWS access keys; use auth.jwt.serviceAccountRef (IRSA) and delete the keys',
        ]);
        const none = ['SecretStore "s": spec.provider.aws.auth sets no jwt.serviceAccountRef, so the operator uses its own credentials, shared by every store; set auth.jwt.serviceAccountRef.name to the app\'s IRSA ServiceAccount'];
        assert.deepStrictEqual(await irsa({ service: "ParameterStore" }), none);
        assert.deepStrictEqual(await irsa({ service: "SecretsManager", auth: { jwt: {} } }), none);
        assert.deepStrictEqual(await irsa({ service: "SecretsManager", auth: { jwt: { serviceAccountRef: { name: 7 } } } }), none);
        assert.deepStrictEqual(await irsa({ service: "SecretsManager", auth: { secretRef: null, jwt: { serviceAccountRef: { name: "app" } } } }), []);
        assert.deepStrictEqual(await irsa(undefined, { gcpsm: {} }), [], "other providers are not this rule's");
    });
});
