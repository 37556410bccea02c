/**
 * The secret store rules with an environment's settings: the environment's own prefix passes,
 * and the messages name the field, the key and the folder it should be in.
 */
import * as assert from "assert";
import { externalSecretOwnPath } from "../rules/secrets/external-secret-own-path";
import { secretStoreIrsa } from "../rules/secrets/secret-store-irsa";
import { parseConfig } from "../config";
import { runRules } from "./support";

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
});
