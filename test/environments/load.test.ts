import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { listEnvironments, loadEnvironment, parseEnvironment } from "../../environments/load";

const DIR = path.resolve(__dirname, "../../environments");
const devText = fs.readFileSync(path.join(DIR, "dev.yaml"), "utf8");

/** Parses dev.yaml after `edit` and returns the one-line error (or fails when none is thrown). */
function errorFor(edit: (text: string) => string): string {
    try {
        parseEnvironment(edit(devText), "environments/dev.yaml", "dev");
    } catch (err) {
        assert.ok(err instanceof InputError, `expected InputError, got ${err}`);
        assert.ok(!err.message.includes("\n"), `error must be one line: ${err.message}`);
        return err.message;
    }
    assert.fail("expected the edited file to be rejected");
}

describe("environments", () => {
    it("has the four environments, each valid against the schema", () => {
        assert.deepStrictEqual(listEnvironments(DIR), ["dev", "local", "prod", "staging"]);
        for (const name of listEnvironments(DIR)) assert.strictEqual(loadEnvironment(name, DIR).name, name);
    });

    it("gets stricter towards prod", () => {
        const [dev, staging, prod] = ["dev", "staging", "prod"].map((e) => loadEnvironment(e, DIR));
        const local = loadEnvironment("local", DIR);
        assert.strictEqual(local.cluster.kind, "existing");
        assert.strictEqual(local.registry.kind, "local");
        for (const e of [dev, staging, prod]) {
            assert.strictEqual(e.cluster.kind, "eks");
            assert.ok(e.apps.workloads.every((w) => w.replicas >= 3), `${e.name} runs at least 3 replicas`);
            assert.ok(e.policy.requireDigest, `${e.name} requires digest-pinned images`);
        }
        assert.ok(prod.cluster.kind === "eks" && prod.cluster.endpoint.publicAccess === false, "prod API endpoint is private");
        assert.ok(prod.apps.workloads[0].replicas > dev.apps.workloads[0].replicas, "prod runs more replicas than dev");
        assert.deepStrictEqual([dev.promotesFrom, staging.promotesFrom, prod.promotesFrom], [null, "dev", "staging"]);
    });

    it("declares protection in the file: prod is protected, the others are not; a non-boolean is refused", () => {
        assert.deepEqual(listEnvironments().map((n) => [n, loadEnvironment(n).protected]), [["dev", false], ["local", false], ["prod", true], ["staging", false]]);
        assert.match(errorFor((t) => t.replace("promotesFrom: null", "promotesFrom: null\nprotected: yes-please")), /protected/);
    });

    it("an alias bomb is bad input naming the file, not a crash", () => {
        const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
        for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
        assert.throws(() => parseEnvironment(lines.join("\n") + "\nname: dev\n", "environments/dev.yaml", "dev"),
            (e: Error) => e instanceof InputError && /^environments\/dev.yaml: the YAML parser refused it \(Excessive alias count/.test(e.message));
    });

    it("names an unknown environment and lists the valid ones", () => {
        assert.throws(() => loadEnvironment("qa", DIR), (e: Error) => e instanceof InputError && /unknown environment "qa".*valid: dev, local, prod, staging/.test(e.message));
    });

    it("rejects broken YAML with the file and line", () => {
        const msg = errorFor((t) => t.replace("name: dev", "name: [dev"));
        assert.match(msg, /^environments\/dev\.yaml: line \d+ is not valid YAML/);
    });

    it("names a repeated key and its line", () => {
        const msg = errorFor((t) => t.replace("name: dev\n", "name: dev\npromotesFrom: null\n"));
        const line = devText.split("\n").findIndex((l) => l.startsWith("promotesFrom:")) + 2;
        assert.strictEqual(msg, `environments/dev.yaml: line ${line} is not valid YAML: Map keys must be unique ("promotesFrom"); fix the syntax`);
    });

    it("rejects an unknown field naming it and the fix", () => {
        assert.match(errorFor((t) => t + "\nreplicaz: 3\n"), /^environments\/dev\.yaml: "replicaz" \(top level\) is not a known field; remove it, or use one of: name, promotesFrom, /);
    });

    it("rejects a missing required field", () => {
        assert.match(errorFor((t) => t.replace(/^charts:\n( {2}.*\n)+/m, "")), /charts \(missing\) is required/);
    });

    it("rejects a bad value naming the field, the value and the fix", () => {
        assert.match(errorFor((t) => t.replace("kubePrometheusStack: 65.1.1", "kubePrometheusStack: ^65")), /charts\.kubePrometheusStack \("\^65"\) must be an exact chart version/);
        assert.match(errorFor((t) => t.replace("region: eu-west-1", "region: europe")), /aws\.region \("europe"\) must be an AWS region/);
        assert.match(errorFor((t) => t.replace("kind: eks", "kind: gke")), /cluster\.kind \("gke"\) must be one of "eks", "existing"/);
    });

    it("rejects an API endpoint open to the internet", () => {
        assert.match(errorFor((t) => t.replace("[203.0.113.0/24]", "[0.0.0.0/0]")), /cluster\.endpoint\.publicAccessCidrs\.0 \("0\.0\.0\.0\/0"\) is 0\.0\.0\.0\/0, which opens the API to the internet/);
        assert.match(errorFor((t) => t.replace("[203.0.113.0/24]", "[]")), /publicAccessCidrs.*is empty while publicAccess is true/);
    });

    it("rejects cross-field mistakes", () => {
        assert.match(errorFor((t) => t.replace("      image: app", "      image: web")), /apps\.workloads\.0\.image \("web"\) names image "web", which is not under images/);
        assert.match(errorFor((t) => t.replace("minReplicas: 3, maxReplicas: 6", "minReplicas: 8, maxReplicas: 6")), /autoscaling\.minReplicas \(8\) is 8, above maxReplicas 6/);
        assert.match(errorFor((t) => t.replace("      replicas: 3\n", "      replicas: 2\n")), /replicas \(2\) is 2, below policy\.minReplicas 3/);
        assert.match(errorFor((t) => t.replace("desiredSize: 3", "desiredSize: 9")), /cluster\.nodes.*minSize <= desiredSize <= maxSize/);
    });

    it("requires the file name and the name field to agree", () => {
        assert.match(errorFor((t) => t.replace("name: dev", "name: staging")), /name \("staging"\) must match the file name; set name: dev/);
    });

    it("reads environment files from INFRA_ENVIRONMENTS_DIR-style directories", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "envs-"));
        fs.writeFileSync(path.join(dir, "dev.yaml"), devText.replace("natGateways: single", "natGateways: everywhere"));
        assert.throws(() => loadEnvironment("dev", dir), /dev\.yaml: cluster\.network/);
        fs.rmSync(dir, { recursive: true });
    });
});
