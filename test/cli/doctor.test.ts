/** `infra doctor`: what a Pulumi-engine run would use, shown before anything runs. */
import { strict as assert } from "assert";
import * as path from "path";
import { requireEngine } from "../e2e/harness";
import { runCli } from "./run-cli";

describe("infra doctor", () => {
    it("without a CLI it says how to get one, and still lists the locks", async () => {
        const r = await runCli(["doctor"], { env: { PATH: path.dirname(process.execPath), INFRA_TOOLS_DIR: "/nonexistent" } });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^pulumi\s+the Pulumi CLI is not installed: run `npm run setup:engine`/m);
        assert.match(r.stdout, /^lock dev\s+free$/m);
    });

    describe("with the CLI", () => {
        before(function () { requireEngine(this); });

        it("names the CLI version, our language host, the backend and where it came from", async () => {
            const r = await runCli(["doctor", "--providers", "standin", "--json"], { env: { PULUMI_BACKEND_URL: "file:///tmp/doctor-state", CI: "true" } });
            assert.equal(r.code, 0, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.match(doc.cli.version, /^v3\.\d+\.\d+$/);
            assert.match(doc.languageHost.kind, /tools\/language-host/);
            assert.deepEqual(doc.backend, { url: "file:///tmp/doctor-state", source: "PULUMI_BACKEND_URL" });
            assert.match(doc.providers.plugins.aws, /^provider stand-in/);
        });

        it("under CI=true with no declared backend it says the implicit one is refused", async () => {
            const r = await runCli(["doctor"], { env: { PULUMI_BACKEND_URL: "", CI: "true", PULUMI_HOME: "/nonexistent-pulumi-home" } });
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^state backend\s+no state backend is declared and CI=true: set PULUMI_BACKEND_URL or backend.url in Pulumi.yaml/m);
        });
    });
});
