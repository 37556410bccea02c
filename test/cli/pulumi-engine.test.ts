/**
 * The Automation API engine. Unit tests cover what runs without a CLI (PATH check, backend
 * choice, error and event mapping); the stack tests run only where a `pulumi` binary is on PATH.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";
import { createEngine } from "../../automation/engines";
import { mapPulumiError, toChangeSummary, PulumiEngine } from "../../automation/engines/pulumi";
import { declaredBackend, resolveBackend } from "../../automation/engines/backend";
import { assertPulumiInstalled, findOnPath, PULUMI_MISSING } from "../../automation/engines/pulumi-cli";
import { parseUrn, PulumiEventMapper } from "../../automation/engines/pulumi-events";
import type { EngineEvent } from "../../automation/engine";
import { InputError, InterruptedError, TransientError } from "../../common/errors";
import { PROJECT_DIR } from "./run-cli";
import { requireEngine, TOOLS_BIN } from "../e2e/harness";

/** The SDK's CommandError constructors are internal; build one the way the SDK does. */
function commandError<T>(cls: new (...args: any[]) => T, stderr: string): T {
    return new cls({ stdout: "", stderr, code: 255, err: undefined, toString: () => `code: 255\n stdout: \n stderr: ${stderr}\n` });
}

describe("pulumi engine", () => {
    describe("without the CLI", () => {
        it("a missing pulumi binary is an InputError with the install hint", () => {
            assert.throws(() => assertPulumiInstalled("/nonexistent"), (e: Error) => e instanceof InputError && e.message === PULUMI_MISSING);
            const before = process.env.INFRA_TOOLS_DIR;
            process.env.INFRA_TOOLS_DIR = "/nonexistent";
            try {
                if (!findOnPath("pulumi")) {
                    assert.throws(() => createEngine("pulumi", { projectDir: PROJECT_DIR }), (e: Error) => e instanceof InputError && /npm run setup:engine/.test(e.message));
                }
            } finally {
                if (before === undefined) delete process.env.INFRA_TOOLS_DIR;
                else process.env.INFRA_TOOLS_DIR = before;
            }
        });

        it("finds an executable on PATH and ignores non-executables", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-path-"));
            fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\n", { mode: 0o644 });
            assert.equal(findOnPath("pulumi", dir), undefined);
            fs.chmodSync(path.join(dir, "pulumi"), 0o755);
            assert.equal(findOnPath("pulumi", dir), path.join(dir, "pulumi"));
        });

        it("uses the project's file backend when nothing is declared or logged in, and requires a passphrase for it", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-backend-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            const nobody = async () => undefined;
            await assert.rejects(resolveBackend(dir, {}, nobody), (e: Error) => e instanceof InputError && /PULUMI_CONFIG_PASSPHRASE/.test(e.message));
            const b = await resolveBackend(dir, { PULUMI_CONFIG_PASSPHRASE: "x" }, nobody);
            assert.deepEqual([b.source, b.env], ["project default", { PULUMI_BACKEND_URL: `file://${dir}/.pulumi-state` }]);
            assert.equal((await resolveBackend(dir, { PULUMI_CONFIG_PASSPHRASE_FILE: "/f" }, nobody)).source, "project default");
        });

        it("refuses the implicit file backend under CI=true, naming both ways to declare one", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-backend-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            await assert.rejects(resolveBackend(dir, { CI: "true", PULUMI_CONFIG_PASSPHRASE: "x" }, async () => undefined),
                (e: Error) => e instanceof InputError && /PULUMI_BACKEND_URL or backend.url in Pulumi.yaml/.test(e.message) && !e.message.includes("\n"));
        });

        it("takes PULUMI_BACKEND_URL, then Pulumi.yaml backend.url, then the CLI's login, without reading credential files", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-backend-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            let asked = 0;
            const loggedIn = async () => { asked++; return "https://api.pulumi.com"; };
            assert.deepEqual(await resolveBackend(dir, { PULUMI_BACKEND_URL: "s3://bucket" }, loggedIn), { url: "s3://bucket", source: "PULUMI_BACKEND_URL", env: {} });
            assert.equal(asked, 0, "a declared backend needs no login check");
            assert.equal((await resolveBackend(dir, { CI: "true" }, loggedIn)).source, "pulumi login");
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nbackend:\n  url: s3://team-state\n");
            assert.deepEqual(declaredBackend(dir, {}), { url: "s3://team-state", source: "Pulumi.yaml", env: {} });
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nbackend:\n  url: 7\n");
            assert.throws(() => declaredBackend(dir, {}), (e: Error) => e instanceof InputError && /backend.url must be a URL/.test(e.message));
        });

        it("maps a concurrent update to a retryable TransientError naming the stack", () => {
            const err = mapPulumiError(commandError(ConcurrentUpdateError, "error: the stack is currently locked by 1 lock(s)"), "dev-cluster");
            assert.ok(err instanceof TransientError);
            assert.match(err.message, /stack dev-cluster is locked by another update/);
        });

        it("maps a missing stack and missing AWS credentials to one line each", () => {
            const missing = mapPulumiError(commandError(StackNotFoundError, "error: no stack named 'dev-apps' found"), "dev-apps");
            assert.equal(missing.message.includes("\n"), false);
            assert.match(missing.message, /stack dev-apps does not exist/);
            const creds = mapPulumiError(new Error("code: 255\n stderr: error: NoCredentialProviders: no valid providers in chain"), "dev-cluster");
            assert.match(creds.message, /^dev-cluster: AWS credentials are missing or expired; run `aws sso login`/);
        });

        it("reports an aborted operation as interrupted", () => {
            const ac = new AbortController();
            ac.abort();
            assert.ok(mapPulumiError(new Error("killed"), "dev-mesh", ac.signal) instanceof InterruptedError);
        });

        it("folds CLI op counts into the change summary", () => {
            assert.deepEqual(toChangeSummary({ create: 2, "create-replacement": 1, update: 3, delete: 1, same: 9, read: 1 }),
                { create: 2, update: 3, replace: 1, delete: 1, same: 10 });
        });

        it("turns typed engine events into progress and policy events", () => {
            const events: EngineEvent[] = [];
            const mapper = new PulumiEventMapper("apps", (e) => events.push(e), { "k8s-drop-all-capabilities": "high" });
            const urn = "urn:pulumi:dev-apps::platform::platform:apps:Workload$kubernetes:apps/v1:Deployment::app";
            const meta = { op: "create" as const, urn, type: "kubernetes:apps/v1:Deployment", provider: "", new: { type: "kubernetes:apps/v1:Deployment", urn, id: "", parent: "", inputs: { spec: {} }, outputs: {}, provider: "" } };
            mapper.handle({ sequence: 1, timestamp: 0, resourcePreEvent: { metadata: meta } });
            mapper.handle({ sequence: 2, timestamp: 0, resOutputsEvent: { metadata: meta } });
            mapper.handle({ sequence: 3, timestamp: 0, policyEvent: { resourceUrn: urn, message: "drop ALL capabilities", color: "never", policyName: "k8s-drop-all-capabilities", policyPackName: "platform-security", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel: "mandatory" } });
            assert.deepEqual(events.filter((e) => e.kind === "progress").map((e: any) => [e.done, e.total]), [[0, 1], [1, 1]]);
            const [v] = mapper.violations();
            assert.equal(v.enforcement, "mandatory");
            assert.equal(v.severity, "high");
            assert.equal(v.resourceName, "app");
            assert.equal(v.resourceType, "kubernetes:apps/v1:Deployment");
            assert.deepEqual(mapper.resources().map((r) => [r.type, r.name]), [["kubernetes:apps/v1:Deployment", "app"]]);
            assert.deepEqual(parseUrn(urn), { type: "kubernetes:apps/v1:Deployment", name: "app" });
        });
    });

    describe("with the CLI (temporary file backend)", function () {
        this.timeout(300_000);
        let stateDir: string;

        before(function () {
            requireEngine(this);
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-state-"));
        });

        it("outputs of a stack that does not exist is a one-line error naming the stack", async () => {
            const engine = new PulumiEngine({
                projectDir: PROJECT_DIR,
                env: { ...process.env, PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: "test-passphrase" },
            });
            await assert.rejects(engine.outputs("dev", "cluster"), (e: Error) => /dev-cluster/.test(e.message) && !e.message.includes("\n"));
        });

        it("a stack that does not exist has no fingerprint, so its layer runs", async () => {
            const engine = new PulumiEngine({
                projectDir: PROJECT_DIR,
                env: { ...process.env, PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: "test-passphrase" },
            });
            assert.equal(await engine.fingerprints.read("dev", "cluster"), undefined);
        });

        it("the CLI built for the project is the SDK's exact version", () => {
            const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8"));
            assert.equal(execFileSync(path.join(TOOLS_BIN, "pulumi"), ["version"]).toString().trim(), `v${lock.packages["node_modules/@pulumi/pulumi"].version}`);
        });
    });
});
