import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../../automation/engine";
import { ofType, recordProgram, resolve } from "../../automation/offline/mock-runtime";
import { contextHash, hashEntries, isIgnored, listContextFiles, parseDockerignore } from "../../components/registry/context-hash";
import { Image, validateImageArgs } from "../../components/registry/image";
import { lifecyclePolicyDocument, Repository, validateRepositoryArgs } from "../../components/registry/repository";

function one(resources: RecordedResource[], type: string): RecordedResource {
    const found = ofType(resources, type);
    assert.strictEqual(found.length, 1, `expected one ${type}, got ${found.length}`);
    return found[0];
}

/** Writes `files` (relative path -> content) into a fresh temp directory. */
function makeContext(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-"));
    for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
}

const APP = {
    "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
    "app/main.py": "print('hi')\n",
    "app/util.py": "X = 1\n",
    ".dockerignore": "# local junk\n.git\n**/__pycache__\n*.log\n",
    "debug.log": "noise\n",
    "app/__pycache__/main.pyc": "bytes",
};

const dirs: string[] = [];
const ctx = (files: Record<string, string>) => { const d = makeContext(files); dirs.push(d); return d; };
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("Repository", () => {
    let res: RecordedResource[];
    let out: { repositoryUrl: string; registryId: string; arn: string };
    before(async () => {
        const rec = await recordProgram(async () => {
            const r = new Repository("app", { tags: { env: "test" } });
            return { repositoryUrl: await resolve(r.repositoryUrl), registryId: await resolve(r.registryId), arn: await resolve(r.arn) };
        });
        res = rec.resources;
        out = rec.result;
    });
    const repo = () => one(res, "aws:ecr/repository:Repository").inputs as any;

    it("registers as platform:registry:Repository with children named app-<role>", () => {
        const comp = one(res, "platform:registry:Repository");
        assert.deepStrictEqual(res.filter((r) => r.parent === comp.urn).map((r) => r.name).sort(), ["app-lifecycle", "app-repo"]);
    });
    it("scans every image on push", () => assert.deepStrictEqual(repo().imageScanningConfiguration, { scanOnPush: true }));
    it("makes tags immutable", () => assert.strictEqual(repo().imageTagMutability, "IMMUTABLE"));
    it("encrypts with KMS", () => assert.deepStrictEqual(repo().encryptionConfigurations, [{ encryptionType: "KMS" }]));
    it("never force-deletes images", () => assert.strictEqual(repo().forceDelete, false));

    it("attaches a lifecycle policy: untagged expire after 14 days, last 30 tagged kept", () => {
        const lp = one(res, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.ok(lp.dependencies.includes(one(res, "aws:ecr/repository:Repository").urn), "policy is not attached to the repository");
        const rules = JSON.parse(String((lp.inputs as any).policy)).rules;
        const untagged = rules.find((r: any) => r.selection.tagStatus === "untagged");
        assert.deepStrictEqual(untagged.selection, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 });
        assert.deepStrictEqual(untagged.action, { type: "expire" });
        const tagged = rules.find((r: any) => r.selection.tagStatus === "tagged");
        assert.strictEqual(tagged.selection.countType, "imageCountMoreThan");
        assert.strictEqual(tagged.selection.countNumber, 30);
    });

    it("outputs the repository URL, registry id and ARN", () => {
        assert.match(out.repositoryUrl, /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/.+/);
        assert.strictEqual(out.registryId, "123456789012");
        assert.match(out.arn, /^arn:aws:ecr:/);
    });

    it("uses a given name, KMS key and lifecycle numbers", async () => {
        const { resources } = await recordProgram(() => {
            new Repository("svc", { name: "platform/dev/svc", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc", untaggedExpiryDays: 3, keepTagged: 5 });
        });
        assert.strictEqual((one(resources, "aws:ecr/repository:Repository").inputs as any).name, "platform/dev/svc");
        assert.deepStrictEqual((one(resources, "aws:ecr/repository:Repository").inputs as any).encryptionConfigurations,
            [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/abc" }]);
        const rules = JSON.parse(String((one(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs as any).policy)).rules;
        assert.deepStrictEqual(rules.map((r: any) => r.selection.countNumber), [3, 5]);
    });

    it("rejects non-positive lifecycle numbers", () => {
        assert.throws(() => validateRepositoryArgs({ keepTagged: 0 }), /keepTagged is 0; use a whole number >= 1/);
        assert.throws(() => validateRepositoryArgs({ untaggedExpiryDays: 1.5 }), /untaggedExpiryDays is 1.5/);
        assert.strictEqual(JSON.parse(lifecyclePolicyDocument(1, 1)).rules.length, 2);
    });
});

describe("Image", () => {
    it("builds for linux/amd64, pushes a content-hash tag to ECR with secret credentials, and outputs a digest-pinned ref", async () => {
        const dir = ctx(APP);
        const { resources, result } = await recordProgram(async () => {
            const repo = new Repository("app", {});
            const img = new Image("app", { context: dir, registry: { kind: "ecr", registryId: repo.registryId }, repositoryUrl: repo.repositoryUrl });
            return { ref: await resolve(img.ref), digest: await resolve(img.digest), tag: await resolve(img.tag), url: await resolve(repo.repositoryUrl) };
        });
        const comp = one(resources, "platform:registry:Image");
        const image = one(resources, "docker-build:index:Image");
        const inputs = image.inputs as any;
        assert.strictEqual(image.parent, comp.urn);
        assert.strictEqual(image.name, "app-image");
        assert.strictEqual(inputs.push, true);
        assert.deepStrictEqual(inputs.platforms, ["linux/amd64"]);
        assert.deepStrictEqual(inputs.context, { location: dir });
        assert.deepStrictEqual(inputs.dockerfile, { location: path.join(dir, "Dockerfile") });
        const expectedTag = contextHash(dir).slice(0, 32);
        assert.strictEqual(result.tag, expectedTag);
        assert.deepStrictEqual(inputs.tags, [`${result.url}:${expectedTag}`]);
        assert.strictEqual(inputs.registries.length, 1);
        assert.strictEqual(inputs.registries[0].address, result.url.split("/")[0]);
        assert.strictEqual(inputs.registries[0].username, "AWS");
        assert.strictEqual(inputs.registries[0].password, "[secret]", "the registry password must be a secret");
        assert.match(result.digest, /^sha256:[a-f0-9]{64}$/);
        assert.strictEqual(result.ref, `${result.url}@${result.digest}`);
        assert.match(result.ref, /@sha256:[a-f0-9]{64}$/);
    });

    it("pushes to a local registry without credentials", async () => {
        const dir = ctx({ ...APP, "build/Containerfile": "FROM scratch\n" });
        const { resources, result } = await recordProgram(async () => {
            const img = new Image("app", { context: dir, dockerfile: "build/Containerfile", registry: { kind: "local", server: "localhost:5001" }, tag: "v1" });
            return { ref: await resolve(img.ref), tag: await resolve(img.tag) };
        });
        const inputs = one(resources, "docker-build:index:Image").inputs as any;
        assert.strictEqual(inputs.push, true);
        assert.deepStrictEqual(inputs.tags, ["localhost:5001/app:v1"]);
        assert.deepStrictEqual(inputs.registries ?? [], []);
        assert.deepStrictEqual(inputs.dockerfile, { location: path.join(dir, "build/Containerfile") });
        assert.strictEqual(result.tag, "v1");
        assert.match(result.ref, /^localhost:5001\/app@sha256:[a-f0-9]{64}$/);
        assert.strictEqual(ofType(resources, "aws:ecr/repository:Repository").length, 0);
    });
});

describe("validateImageArgs", () => {
    const local = { kind: "local" as const, server: "localhost:5001" };
    it("names a missing context directory", () => {
        const missing = path.join(os.tmpdir(), "no-such-context-dir");
        assert.throws(() => validateImageArgs({ context: missing, registry: local }),
            (e: Error) => pulumi.InputPropertyError.isInstance(e) && e.message.includes(missing) && /is not a directory/.test(e.message));
    });
    it("names a missing Dockerfile inside the context", () => {
        const dir = ctx({ "main.py": "" });
        assert.throws(() => validateImageArgs({ context: dir, registry: local }), (e: Error) => e.message.includes(path.join(dir, "Dockerfile")) && /does not exist/.test(e.message));
    });
    it("rejects a Dockerfile outside the context", () => {
        const dir = ctx(APP);
        assert.throws(() => validateImageArgs({ context: dir, dockerfile: "../Dockerfile", registry: local }), /is outside the context/);
    });
    it("rejects a bad tag, empty platforms, and ECR without a repository URL", () => {
        const dir = ctx(APP);
        assert.throws(() => validateImageArgs({ context: dir, registry: local, tag: "has space" }), /not a valid image tag/);
        assert.throws(() => validateImageArgs({ context: dir, registry: local, platforms: [] }), /platforms is empty/);
        assert.throws(() => validateImageArgs({ context: dir, registry: { kind: "ecr", registryId: "1" } }), /repositoryUrl is required/);
        assert.throws(() => validateImageArgs({ context: dir, registry: { kind: "local", server: "http://x" } }), /not host:port/);
        validateImageArgs({ context: dir, registry: local });
    });
});

describe("contextHash", () => {
    it("is the same for the same content, whatever the order files were written in", () => {
        const a = ctx(APP);
        const b = ctx(Object.fromEntries(Object.entries(APP).reverse()));
        assert.match(contextHash(a), /^[a-f0-9]{64}$/);
        assert.strictEqual(contextHash(a), contextHash(b));
    });
    it("changes when a file's content changes, or a file is renamed or added", () => {
        const base = contextHash(ctx(APP));
        assert.notStrictEqual(contextHash(ctx({ ...APP, "app/main.py": "print('bye')\n" })), base);
        const { ["app/util.py"]: util, ...rest } = APP;
        assert.notStrictEqual(contextHash(ctx({ ...rest, "app/utils.py": util })), base);
        assert.notStrictEqual(contextHash(ctx({ ...APP, "app/new.py": "" })), base);
        assert.notStrictEqual(contextHash(ctx({ ...APP, Dockerfile: "FROM python:3.13-slim\nCOPY . /app\n" })), base);
    });
    it("ignores what .dockerignore excludes", () => {
        const base = contextHash(ctx(APP));
        assert.strictEqual(contextHash(ctx({ ...APP, "debug.log": "other noise" })), base);
        assert.strictEqual(contextHash(ctx({ ...APP, "app/__pycache__/util.pyc": "x", ".git/HEAD": "ref" })), base);
    });
    it("still hashes the Dockerfile when .dockerignore lists it", () => {
        const files = { ...APP, ".dockerignore": "Dockerfile\n" };
        assert.notStrictEqual(contextHash(ctx(files)), contextHash(ctx({ ...files, Dockerfile: "FROM scratch\n" })));
    });
    it("honours comments, ! exceptions, ** and directory patterns", () => {
        const rules = parseDockerignore("# comment\n\n/docs/\n*.md\n!README.md\n**/*.tmp\nsecret?.txt\n");
        assert.strictEqual(rules.length, 5);
        assert.ok(isIgnored("docs/a/b.txt", rules));
        assert.ok(isIgnored("NOTES.md", rules));
        assert.ok(!isIgnored("README.md", rules));
        assert.ok(!isIgnored("sub/NOTES.md", rules), "*.md matches only at the root, as in Docker");
        assert.ok(isIgnored("a/b/c.tmp", rules) && isIgnored("c.tmp", rules));
        assert.ok(isIgnored("secret1.txt", rules) && !isIgnored("secret12.txt", rules));
        const dir = ctx({ Dockerfile: "FROM scratch\n", "keep/a.txt": "", "skip/b.txt": "", "skip/keep.txt": "" });
        assert.deepStrictEqual(listContextFiles(dir, parseDockerignore("skip\n!skip/keep.txt\n")), ["Dockerfile", "keep/a.txt", "skip/keep.txt"]);
    });
    it("cannot be fooled by moving bytes between a path and its content", () => {
        assert.notStrictEqual(
            hashEntries([{ path: "a", content: Buffer.from("bc") }]),
            hashEntries([{ path: "ab", content: Buffer.from("c") }]),
        );
    });
});
