/**
 * Secrets from the secret store: an app's IRSA role, SecretStore, ExternalSecret and secret
 * files (components/workload/secrets.ts), the operator's chart (components/secrets/operator.ts)
 * and a generated secret written to Secrets Manager (components/secrets/stored-secret.ts), under
 * the SDK mock runtime, with the External Secrets objects validated against their CRD schemas.
 */
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { RecordedResource } from "../../automation/engine";
import { loadCustomResourceModels, modelFor, objectIdentity } from "../../automation/offline/k8s-schema";
import { ofType, recordProgram, SECRET_MARKER } from "../../automation/offline/mock-runtime";
import { SecretsOperator } from "../../components/secrets/operator";
import { HARDENED_CONTAINER } from "../../components/secrets/values";
import { StoredSecret, validateStoredSecretArgs } from "../../components/secrets/stored-secret";
import { App, AppArgs, validateAppArgs } from "../../components/workload/app";
import { parseOidcProviderArn, readPolicy, trustPolicy } from "../../components/workload/secrets";
import { oneInputs as one } from "./recorded";

const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app@sha256:${"ab".repeat(32)}`;
const SECRETS = { refs: { DATABASE_URL: "db#url", SIGNING_KEY: "keys/signing" } as Record<string, string>, folder: "platform/dev/api/", region: "eu-west-1", oidcProviderArn: OIDC };
const BASE: AppArgs = { namespace: "apps", image: IMAGE, env: { LOG_LEVEL: "info" }, secrets: SECRETS };

async function recordApp(args: AppArgs) {
    return recordProgram(() => {
        const k8sProvider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const awsProvider = new aws.Provider("aws", { region: "eu-west-1" });
        new App("api", args, { providers: [k8sProvider, awsProvider] });
        return {};
    });
}

describe("app secrets from the secret store", function () {
    let resources: RecordedResource[];
    before(async () => {
        resources = (await recordApp(BASE)).resources;
        await loadCustomResourceModels(resources.map(objectIdentity).filter((id) => id !== undefined));
    });

    it("trusts exactly the app's ServiceAccount through the cluster's OIDC provider", () => {
        const role = one(resources, "aws:iam/role:Role");
        const statement = JSON.parse(role.assumeRolePolicy).Statement;
        assert.equal(statement.length, 1);
        assert.deepEqual(statement[0].Principal, { Federated: OIDC });
        assert.equal(statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(statement[0].Condition, { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:apps:api", [`${ISSUER}:aud`]: "sts.amazonaws.com" } });
    });

    it("allows reading only the app's own folder, and nothing but reads", () => {
        const policy = JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy").policy);
        assert.deepEqual(policy.Statement.map((s: any) => [s.Effect, s.Action, s.Resource]), [
            ["Allow", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform/dev/api/*"],
        ]);
    });

    it("puts the role on the ServiceAccount, whose token stays unmounted", async () => {
        const sa = one(resources, "kubernetes:core/v1:ServiceAccount");
        assert.match(sa.metadata.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::123456789012:role\/api-secrets-role/);
        assert.equal(sa.automountServiceAccountToken, false);
    });

    it("makes a SecretStore for Secrets Manager with jwt auth of the app's ServiceAccount, and no static keys", () => {
        const store = one(resources, "kubernetes:external-secrets.io/v1:SecretStore");
        assert.equal(store.metadata.namespace, "apps");
        assert.deepEqual(store.spec.provider, { aws: { service: "SecretsManager", region: "eu-west-1", auth: { jwt: { serviceAccountRef: { name: "api" } } } } });
    });

    it("makes an ExternalSecret that writes api-secrets from keys inside the folder", () => {
        const es = one(resources, "kubernetes:external-secrets.io/v1:ExternalSecret");
        assert.equal(es.spec.target.name, "api-secrets");
        assert.deepEqual(es.spec.secretStoreRef, { kind: "SecretStore", name: "api" });
        assert.equal(es.spec.refreshInterval, "1h");
        assert.deepEqual(es.spec.data, [
            { secretKey: "DATABASE_URL", remoteRef: { key: "platform/dev/api/db", property: "url" } },
            { secretKey: "SIGNING_KEY", remoteRef: { key: "platform/dev/api/keys/signing" } },
        ]);
        assert.equal(es.metadata.labels["app.kubernetes.io/name"], "api");
    });

    it("validates the SecretStore and ExternalSecret against the External Secrets CRD schemas", () => {
        for (const type of ["kubernetes:external-secrets.io/v1:SecretStore", "kubernetes:external-secrets.io/v1:ExternalSecret"]) {
            const obj = one(resources, type);
            const Model = modelFor(obj.apiVersion, obj.kind);
            assert.ok(Model, `no schema for ${type}`);
            new Model(obj).validate();
            // The schema can fail: a remoteRef without its key is refused.
            const broken = JSON.parse(JSON.stringify(obj));
            if (broken.kind === "ExternalSecret") delete broken.spec.data[0].remoteRef.key;
            else broken.spec.provider.aws.service = 42;
            assert.throws(() => new Model(broken).validate());
        }
    });

    it("mounts the Secret read-only as files and keeps the pod hardened", () => {
        const pod = one(resources, "kubernetes:apps/v1:Deployment").spec.template.spec;
        const c = pod.containers[0];
        assert.deepEqual(pod.volumes.find((v: any) => v.name === "secrets"), {
            name: "secrets",
            secret: { secretName: "api-secrets", defaultMode: 0o440, items: [{ key: "DATABASE_URL", path: "DATABASE_URL" }, { key: "SIGNING_KEY", path: "SIGNING_KEY" }] },
        });
        assert.deepEqual(c.volumeMounts.find((m: any) => m.name === "secrets"), { name: "secrets", mountPath: "/var/run/secrets/app", readOnly: true });
        assert.deepEqual(c.env.filter((e: any) => e.name.endsWith("_FILE")), [
            { name: "DATABASE_URL_FILE", value: "/var/run/secrets/app/DATABASE_URL" },
            { name: "SIGNING_KEY_FILE", value: "/var/run/secrets/app/SIGNING_KEY" },
        ]);
        assert.ok(c.env.every((e: any) => e.valueFrom === undefined), "no secret is read into an env value");
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.equal(pod.automountServiceAccountToken, false);
    });

    it("creates no role, store or ExternalSecret for an app without secrets", async () => {
        const { resources: plain } = await recordApp({ ...BASE, secrets: undefined });
        for (const type of ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "kubernetes:external-secrets.io/v1:SecretStore", "kubernetes:external-secrets.io/v1:ExternalSecret"]) {
            assert.equal(ofType(plain, type).length, 0, type);
        }
        const pod = one(plain, "kubernetes:apps/v1:Deployment").spec.template.spec;
        assert.deepEqual(pod.volumes.map((v: any) => v.name), ["tmp"]);
        assert.equal(one(plain, "kubernetes:core/v1:ServiceAccount").metadata.annotations, undefined);
    });
});

describe("app secrets: validation", () => {
    const bad = (secrets: Partial<typeof SECRETS>, env: Record<string, string> = {}) => () => validateAppArgs("api", { ...BASE, env, secrets: { ...SECRETS, ...secrets } });
    it("refuses a value that is no reference, without printing it", () => {
        const value = "postgres://app:hunter2@db/app";
        assert.throws(bad({ refs: { DATABASE_URL: value } }), (e: Error) => /secret DATABASE_URL is not a reference "key" or "key#property" below platform\/dev\/api\/; name the store key, never the value/.test(e.message) && !e.message.includes("hunter2"));
        assert.throws(bad({ refs: { DATABASE_URL: "../other/db" } }), /is not a reference/);
    });
    it("refuses a variable that clashes with plain env or its _FILE twin", () => {
        assert.throws(bad({}, { DATABASE_URL_FILE: "/x" }), /secret DATABASE_URL clashes with env DATABASE_URL_FILE; rename one of them/);
        assert.throws(bad({ refs: { "bad-name": "db" } }), /secret variable "bad-name" is not a valid variable name/);
    });
    it("refuses a folder without its trailing slash and a malformed region", () => {
        assert.throws(bad({ folder: "platform/dev/api" }), /secrets\.folder "platform\/dev\/api" must be a store path ending in "\/"/);
        assert.throws(bad({ region: "Ireland" }), /secrets\.region "Ireland" is not an AWS region/);
    });
    it("reads the OIDC issuer, partition and account from the provider ARN, and refuses anything else", () => {
        assert.deepEqual(parseOidcProviderArn("arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X"), { partition: "aws-cn", account: "123456789012", issuer: "oidc.eks.cn-north-1.amazonaws.com.cn/id/X" });
        assert.throws(() => trustPolicy("arn:aws:iam::123456789012:role/x", "apps", "api"), /is not arn:<partition>:iam::<account>:oidc-provider\/<issuer>; it comes from the cluster layer's oidcProviderArn output/);
        assert.match(readPolicy(OIDC, "us-east-1", "platform/prod/web/"), /"arn:aws:secretsmanager:us-east-1:123456789012:secret:platform\/prod\/web\/\*"/);
    });
});

describe("External Secrets Operator", () => {
    it("installs the pinned chart with its CRDs into a restricted namespace, every pod hardened", async () => {
        const { resources } = await recordProgram(() => {
            new SecretsOperator("secrets", { version: "0.20.2" }, { provider: new k8s.Provider("cluster", { kubeconfig: "{}" }) });
            return {};
        });
        const ns = one(resources, "kubernetes:core/v1:Namespace");
        assert.equal(ns.metadata.name, "external-secrets");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const release = one(resources, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.chart, "external-secrets");
        assert.equal(release.version, "0.20.2");
        assert.equal(release.repositoryOpts.repo, "https://charts.external-secrets.io");
        assert.equal(release.atomic, true);
        const v = release.values;
        assert.equal(v.installCRDs, true);
        assert.deepEqual([v.processClusterStore, v.processClusterExternalSecret, v.processPushSecret], [false, false, false]);
        for (const ctx of [v.securityContext, v.webhook.securityContext, v.certController.securityContext]) assert.deepEqual(ctx, HARDENED_CONTAINER);
        assert.equal(HARDENED_CONTAINER.readOnlyRootFilesystem, true);
        assert.equal(v.replicaCount, 2);
        assert.equal(v.leaderElect, true);
    });
    it("refuses a chart version range", () => {
        assert.throws(() => new SecretsOperator("secrets", { version: "^0.20" }), /version "\^0\.20" is not an exact chart version/);
    });
});

describe("generated secrets in Secrets Manager", () => {
    it("stores the value as a Pulumi secret, encrypted under a rotated KMS key of its own", async () => {
        const { resources } = await recordProgram(() => {
            const s = new StoredSecret("grafana-admin", { name: "platform/dev/_generated/grafana-admin", description: "Grafana", value: { username: "admin", password: pulumi.secret("unguessable-generated-value") } }, { provider: new aws.Provider("aws", { region: "eu-west-1" }) });
            return { arn: s.secretArn };
        });
        const key = one(resources, "aws:kms/key:Key");
        assert.equal(key.enableKeyRotation, true);
        const secret = one(resources, "aws:secretsmanager/secret:Secret");
        assert.equal(secret.name, "platform/dev/_generated/grafana-admin");
        assert.match(secret.kmsKeyId, /^arn:aws:kms:eu-west-1:123456789012:key\//);
        assert.equal(secret.recoveryWindowInDays, 30);
        const version = one(resources, "aws:secretsmanager/secretVersion:SecretVersion");
        assert.equal(version.secretString, SECRET_MARKER, "the value is recorded only as a secret");
        assert.ok(!JSON.stringify(resources).includes("unguessable-generated-value"), "the value appears nowhere in plain text");
    });
    it("refuses a name Secrets Manager would refuse and a recovery window outside 7-30 days", () => {
        assert.throws(() => validateStoredSecretArgs({ name: "platform dev", description: "", value: {} }), /name "platform dev" is not a Secrets Manager name/);
        assert.throws(() => validateStoredSecretArgs({ name: "a/b", description: "", value: {}, recoveryWindowInDays: 3 }), /recoveryWindowInDays 3 is out of range; use 7-30/);
    });
});
