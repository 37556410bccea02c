/** Pure decisions of the CLI, tested without spawning it: gates, exit codes, report targets, outputs. */
import { strict as assert } from "assert";
import { destroyGate, promptYes, upGate } from "../../automation/orchestrator/confirm";
import { exitFor } from "../../automation/cli/main";
import { reportTargets } from "../../automation/orchestrator/check";
import { formatOutputs } from "../../automation/orchestrator/outputs";
import { driftOf } from "../../automation/orchestrator/operations";
import { validateParallel } from "../../automation/orchestrator/run";
import { maskOutputs } from "../../automation/reports/model";
import { formatForFile } from "../../automation/reports";
import { AuthError, DeploymentError, DriftError, InputError, InterruptedError, LockHeldError, PolicyError, StackMissingError } from "../../common/errors";
import { summary } from "./fixtures";

describe("cli decisions", () => {
    describe("destroy gate", () => {
        it("proceeds for a normal environment with --yes", () => {
            assert.equal(destroyGate({ protectedEnv: false, env: "dev", yes: true, interactive: false }), "proceed");
        });
        it("asks on a terminal without --yes, even for prod", () => {
            assert.equal(destroyGate({ protectedEnv: false, env: "dev", yes: false, interactive: true }), "prompt");
            assert.equal(destroyGate({ protectedEnv: true, env: "prod", yes: false, interactive: true }), "prompt");
        });
        it("prod needs --yes AND --confirm prod without a terminal", () => {
            assert.throws(() => destroyGate({ protectedEnv: true, env: "prod", yes: true, interactive: false }), (e: Error) => e instanceof InputError && /--yes --confirm prod/.test(e.message));
            assert.throws(() => destroyGate({ protectedEnv: true, env: "prod", yes: false, confirm: "prod", interactive: false }), InputError);
            assert.equal(destroyGate({ protectedEnv: true, env: "prod", yes: true, confirm: "prod", interactive: false }), "proceed");
        });
        it("prod with --yes but no --confirm on a terminal still asks for the name", () => {
            assert.equal(destroyGate({ protectedEnv: true, env: "prod", yes: true, interactive: true }), "prompt");
        });
        it("refuses a --confirm that names another environment", () => {
            assert.throws(() => destroyGate({ protectedEnv: true, env: "prod", yes: true, confirm: "staging", interactive: true }), /does not match --env "prod"/);
        });
        it("refuses without --yes when no terminal can be asked", () => {
            assert.throws(() => destroyGate({ protectedEnv: false, env: "dev", yes: false, interactive: false }), /no terminal to ask on; pass --yes/);
        });
    });

    describe("up gate", () => {
        const gate = (env: string, protectedEnv: boolean, yes: boolean, interactive: boolean, skipPreview = false) => upGate({ env, protectedEnv, yes, interactive, skipPreview });
        it("on a terminal previews first and asks yes, or the name for a protected environment", () => {
            assert.deepEqual(gate("dev", false, false, true), { preview: true, ask: "yes" });
            assert.deepEqual(gate("prod", true, false, true), { preview: true, ask: "name" });
        });
        it("--yes skips the question, --skip-preview the preview", () => {
            assert.deepEqual(gate("prod", true, true, true), { preview: true, ask: "none" });
            assert.deepEqual(gate("dev", false, false, true, true), { preview: false, ask: "yes" });
        });
        it("without a terminal applies ordinary environments and holds protected ones for --yes", () => {
            assert.deepEqual(gate("dev", false, false, false), { preview: false, ask: "none" });
            assert.deepEqual(gate("prod", true, true, false), { preview: false, ask: "none" });
            assert.throws(() => gate("prod", true, false, false), /pass --yes/);
        });
    });

    describe("prompts", () => {
        it("a yes/no question applies only on y or yes", async () => {
            const { PassThrough } = await import("stream");
            const ask = async (answer: string) => {
                const input = new PassThrough();
                const output = new PassThrough();
                const pending = promptYes("Apply?", input, output);
                input.end(`${answer}\n`);
                return pending;
            };
            assert.equal(await ask("y"), true);
            assert.equal(await ask("YES"), true);
            assert.equal(await ask(""), false);
            assert.equal(await ask("no"), false);
        });
    });

    describe("exit codes", () => {
        it("maps each error class to its code and keeps messages on one line", () => {
            assert.deepEqual(exitFor(new InputError("bad\nvalue")).code, 2);
            assert.equal(exitFor(new InputError("bad\nvalue")).message, "bad value");
            assert.equal(exitFor(new InputError("x")).detail, undefined, "no stack for bad input");
            assert.equal(exitFor(new LockHeldError("held")).code, 1);
            // Pulumi's own exit-code table, so scripts mixing `pulumi` and `infra` read one set of numbers.
            assert.equal(exitFor(new AuthError("creds")).code, 3);
            assert.equal(exitFor(new DeploymentError("layer failed")).code, 4);
            assert.equal(exitFor(new PolicyError("mandatory violation")).code, 5);
            assert.equal(exitFor(new StackMissingError("no stack")).code, 6);
            assert.equal(exitFor(new DriftError("drift")).code, 7);
            assert.equal(exitFor(new InterruptedError()).code, 8);
            const other = exitFor(new Error("boom"));
            assert.equal(other.code, 1);
            assert.match(other.detail ?? "", /boom\n\s+at /, "stack kept for --verbose");
        });
    });

    describe("check report targets", () => {
        it("takes the format from the extension and adds --sarif/--markdown", () => {
            assert.deepEqual(reportTargets({ output: ["a.sarif", "b.md", "c.json", "d.txt"], sarif: "e.sarif", markdown: "f.md" }),
                [["a.sarif", "sarif"], ["b.md", "markdown"], ["c.json", "json"], ["d.txt", "table"], ["e.sarif", "sarif"], ["f.md", "markdown"]]);
            assert.equal(formatForFile("x.sarif.json"), "sarif");
        });
        it("refuses an extension it cannot map, naming the file", () => {
            assert.throws(() => reportTargets({ output: ["report.html"] }), (e: Error) => e instanceof InputError && /--output report.html/.test(e.message));
        });
    });

    describe("--parallel", () => {
        it("accepts 1..16 and refuses others with the range", () => {
            assert.equal(validateParallel(4), 4);
            for (const bad of [0, 17, 1.5, NaN]) assert.throws(() => validateParallel(bad), /1 to 16/);
        });
    });

    describe("outputs", () => {
        const cluster = { kubeconfig: { value: { clusters: ["token-abc"] }, secret: true }, name: { value: "dev-eks", secret: false } };
        it("prints secrets as [secret] and never their value", () => {
            const text = formatOutputs({ cluster: maskOutputs(cluster) });
            assert.match(text, /^cluster.kubeconfig\s+\[secret\]$/m);
            assert.match(text, /^cluster.name\s+dev-eks$/m);
            assert.doesNotMatch(text, /token-abc/);
        });
        it("prints them with --show-secrets", () => {
            assert.match(formatOutputs({ cluster: maskOutputs(cluster, true) }), /cluster.kubeconfig\s+\{"clusters":\["token-abc"\]\}/);
        });
    });

    describe("drift", () => {
        it("names the layers whose refresh would change something", () => {
            const s = summary();
            s.outcomes[0].result!.changes = { create: 0, update: 2, replace: 0, delete: 1, same: 27 };
            s.outcomes[3].result!.changes = { create: 0, update: 0, replace: 0, delete: 0, same: 13 };
            assert.deepEqual(driftOf(s), [{ layer: "cluster", changes: "2 to update, 1 to delete", resources: [] }]);
        });

        it("names the drifted resources and properties the engine reported", () => {
            const s = summary();
            s.outcomes[0].result!.changes = { create: 0, update: 1, replace: 0, delete: 0, same: 29 };
            s.outcomes[0].result!.changed = [{ urn: "urn:pulumi:dev-cluster::platform::aws:ec2/vpc:Vpc::cluster-vpc", type: "aws:ec2/vpc:Vpc", name: "cluster-vpc", op: "update", properties: ["enableDnsHostnames"] }];
            assert.deepEqual(driftOf(s)[0].resources, ["cluster-vpc (aws:ec2/vpc:Vpc): enableDnsHostnames"]);
        });
    });
});
