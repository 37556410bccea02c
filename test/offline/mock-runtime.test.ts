import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { fabricateCall, fabricateResource } from "../../automation/offline/fabricate";
import { recordProgram, SECRET_MARKER } from "../../automation/offline/mock-runtime";

describe("offline mock runtime", () => {
    it("records type, name, URN, parent and dependencies of every resource", async () => {
        const { resources } = await recordProgram(async () => {
            const parent = new pulumi.ComponentResource("platform:test:Parent", "p");
            const key = new aws.kms.Key("k", { enableKeyRotation: true }, { parent });
            new aws.kms.Alias("a", { targetKeyId: key.keyId, name: "alias/k" }, { parent });
            return {};
        });
        const key = resources.find((r) => r.type === "aws:kms/key:Key")!;
        const alias = resources.find((r) => r.type === "aws:kms/alias:Alias")!;
        const parent = resources.find((r) => r.type === "platform:test:Parent")!;
        assert.strictEqual(key.parent, parent.urn);
        assert.ok(alias.dependencies.includes(key.urn), "the alias depends on the key it targets");
        assert.strictEqual(key.custom, true);
        assert.strictEqual(parent.custom, false);
        assert.deepStrictEqual(key.inputs, { enableKeyRotation: true });
    });

    it("masks secret inputs and applies a resource's additional secret outputs", async () => {
        const { resources, result } = await recordProgram(async () => {
            const pw = new random.RandomPassword("pw", { length: 24 });
            new aws.ssm.Parameter("param", { type: "SecureString", value: pw.result });
            return { pw: pw.result };
        });
        const param = resources.find((r) => r.type === "aws:ssm/parameter:Parameter")!;
        assert.strictEqual(param.inputs.value, SECRET_MARKER);
        assert.strictEqual(await pulumi.isSecret(pulumi.output(result.pw)), true, "RandomPassword.result stays secret as the engine would keep it");
    });

    it("serves upstream outputs to stack references, keeping secrets secret", async () => {
        const { result } = await recordProgram(async () => {
            const ref = new pulumi.StackReference("dev-cluster", { name: "organization/platform/dev-cluster" });
            return { kubeconfig: ref.getOutput("kubeconfig"), name: ref.getOutput("clusterName") };
        }, { stackReferences: { "dev-cluster": { outputs: { kubeconfig: "k", clusterName: "c" }, secretOutputNames: ["kubeconfig"] } } });
        assert.strictEqual(await pulumi.isSecret(result.kubeconfig), true);
        assert.strictEqual(await pulumi.isSecret(result.name), false);
    });

    it("fabricates deterministic outputs and refuses unmocked provider functions", () => {
        assert.deepStrictEqual(fabricateResource("aws:eks/cluster:Cluster", "c", {}), fabricateResource("aws:eks/cluster:Cluster", "c", {}));
        assert.match(fabricateResource("docker-build:index:Image", "app", { tags: ["r/app:1"] }).state.ref, /^r\/app@sha256:[a-f0-9]{64}$/);
        assert.throws(() => fabricateCall("aws:rds/getInstance:getInstance", {}), /unmocked provider function "aws:rds\/getInstance:getInstance"/);
    });
});
