/**
 * What loadEnvironment refuses before it validates a single field: a file over the size limit,
 * something that is not a regular file, a document the YAML parser refuses, and keys the schema
 * does not know (named, escaped when not ASCII, with the expected key suggested).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";
import { loadEnvironment, MAX_ENVIRONMENT_FILE_BYTES } from "../../environments/load";
import { errorFor, replace, shipped, tempEnvDir } from "./helpers";

/** loadEnvironment's one-line InputError for `name` in `dir`. */
function loadError(name: string, dir: string): string {
    try {
        loadEnvironment(name, dir);
    } catch (err) {
        assert.ok(err instanceof InputError, `expected InputError, got ${err}`);
        assert.ok(!err.message.includes("\n"), `error must be one line: ${err.message}`);
        return err.message;
    }
    assert.fail(`expected ${name} to be refused`);
}

describe("environment files: size, kind, YAML refusals", () => {
    it("refuses a file over 1 MiB at once, naming the file, without parsing it", () => {
        assert.strictEqual(MAX_ENVIRONMENT_FILE_BYTES, 1024 * 1024);
        // A valid file padded with a comment: only the size is wrong, and nothing may read it whole.
        const big = shipped("dev") + "#" + "x".repeat(MAX_ENVIRONMENT_FILE_BYTES) + "\n";
        const { dir, cleanup } = tempEnvDir({ "dev.yaml": big });
        try {
            const started = process.hrtime.bigint();
            const msg = loadError("dev", dir);
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            assert.match(msg, new RegExp(`^${path.join(dir, "dev.yaml").replace(/[.\\/]/g, "\\$&")}: is 1\\.0 MiB \\(\\d+ bytes\\), over the 1 MiB limit for an environment file; remove what does not belong in it$`));
            assert.ok(ms < 200, `refused in ${ms} ms`);
        } finally {
            cleanup();
        }
    });

    it("accepts a file just under the limit", () => {
        const pad = MAX_ENVIRONMENT_FILE_BYTES - Buffer.byteLength(shipped("dev")) - 2;
        const { dir, cleanup } = tempEnvDir({ "dev.yaml": shipped("dev") + "#" + "x".repeat(pad) + "\n" });
        try {
            assert.strictEqual(fs.statSync(path.join(dir, "dev.yaml")).size, MAX_ENVIRONMENT_FILE_BYTES);
            assert.strictEqual(loadEnvironment("dev", dir).name, "dev");
        } finally {
            cleanup();
        }
    });

    it("refuses an environment path that is not a regular file (a directory here), naming it", () => {
        const { dir, cleanup } = tempEnvDir({});
        fs.mkdirSync(path.join(dir, "dev.yaml"));
        try {
            assert.match(loadError("dev", dir), /dev\.yaml: is not a regular file; an environment is one YAML file/);
        } finally {
            cleanup();
        }
    });

    it("refuses an alias bomb through loadEnvironment as bad input naming the file", () => {
        const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
        for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
        const { dir, cleanup } = tempEnvDir({ "dev.yaml": lines.join("\n") + "\nname: dev\n" });
        try {
            assert.match(loadError("dev", dir), /dev\.yaml: the YAML parser refused it \(Excessive alias count/);
        } finally {
            cleanup();
        }
    });
});

describe("environment files: unknown keys", () => {
    it("names a homoglyph key (Cyrillic а in apps) escaped, and suggests the expected one", () => {
        const msg = errorFor((t) => replace(t, /^apps:/m, "\u0430pps:"));
        assert.strictEqual(msg, 'environments/dev.yaml: "\\u0430pps" (top level) is not a known field (it has non-ASCII characters); did you mean "apps"? rename it');
    });

    it("names an unknown key nested in a mapping and suggests the closest known one", () => {
        assert.match(errorFor((t) => replace(t, "minSize: 2", "minSise: 2")), /^environments\/dev\.yaml: "minSise" \(in cluster\.nodes\) is not a known field; did you mean "minSize"\? rename it$/);
    });

    it("names an unknown key in a list entry", () => {
        assert.match(errorFor((t) => replace(t, "      replicas: 3\n", "      replicas: 3\n      replica: 3\n")), /"replica" \(in apps\.workloads\.0\) is not a known field; did you mean "replicas"\? rename it/);
    });

    it("names an unknown key inside a choice of shapes (the VPC network) instead of 'invalid input'", () => {
        assert.match(errorFor((t) => replace(t, "natGateways: single", "natGateway: single")), /"natGateway" \(in cluster\.network\) is not a known field; did you mean "natGateways"\? rename it/);
    });

    it("names an unknown key of an existing cluster", () => {
        assert.match(errorFor((t) => replace(t, "context: kind-platform", "context: kind-platform\n  kubeconfig: ~/.kube/config"), "local"), /"kubeconfig" \(in cluster\) is not a known field; did you mean "kubeconfigPath"\? rename it/);
    });

    it("names an unknown chart among the release pins, where any key used to pass", () => {
        assert.strictEqual(errorFor((t) => `${t}release:\n  charts:\n    lok\u0456: 6.16.1\n`),
            'environments/dev.yaml: "lok\\u0456" (in release.charts) is not a known field (it has non-ASCII characters); did you mean "loki"? rename it');
    });

    it("shows a non-ASCII key in a field path escaped (an env variable with a Cyrillic Р)", () => {
        assert.match(errorFor((t) => replace(t, "      hosts: [app.dev.example.com]", "      hosts: [app.dev.example.com]\n      env: { DB_\u0420ORT: x }")),
            /apps\.workloads\.0\.env\."DB_\\u0420ORT" is not a valid variable name/);
    });

    it("lists the known fields when nothing is close", () => {
        assert.match(errorFor((t) => t + "\nzzzzzzzz: 3\n"), /"zzzzzzzz" \(top level\) is not a known field; remove it, or use one of: name, promotesFrom, protected, aws, cluster, /);
    });
});
