/**
 * The real Pulumi engine keeps how a release's apply ended with the stacks (the tag
 * `infra:release`), so a second workspace that shares only the git-tracked files (environments/,
 * with the history's pending and written records) and the state backend sees a release that the
 * first one applied as applied, and does not take it up again.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { explain, infra, json, makeWorkspace, pulumi, removeWorkspace, requireEngine, type Workspace } from "./harness";

const MINUTE = 60_000;

describe("release history kept with the state (Pulumi CLI, provider stand-in)", function () {
    this.timeout(20 * MINUTE);
    before(function () { requireEngine(this); });
    let a: Workspace | undefined;
    let b: Workspace | undefined;
    after(() => { removeWorkspace(a); removeWorkspace(b); });

    it("a release written in a pull request and applied from workspace A reads as applied in workspace B", async () => {
        a = makeWorkspace("release-a");
        const up = await infra(a, "up", "--env", "dev", "--layer", "images", "--yes");
        assert.equal(up.code, 0, explain(up));
        const written = await infra(a, "promote", "--from", "dev", "--to", "staging", "--write-only", "--json");
        assert.equal(written.code, 0, explain(written));
        const id = json(written).id as string;

        // B: a clone of what the pull request committed, with the same backend and nothing else.
        b = makeWorkspace("release-b");
        b.env.PULUMI_BACKEND_URL = a.env.PULUMI_BACKEND_URL;
        fs.rmSync(path.join(b.dir, "environments"), { recursive: true });
        fs.cpSync(path.join(a.dir, "environments"), path.join(b.dir, "environments"), { recursive: true });
        const committed = fs.readFileSync(path.join(b.dir, "environments", "history", "staging.jsonl"), "utf8");
        assert.deepEqual(committed.trim().split("\n").map((l) => JSON.parse(l).status), ["pending", "written"]);

        const unapplied = await infra(b, "releases", "--env", "staging");
        assert.equal(unapplied.code, 0, explain(unapplied));
        assert.match(unapplied.stdout, new RegExp(`${id} .* written `));
        assert.doesNotMatch(unapplied.stdout + unapplied.stderr, /from state|not read/, "nothing applied yet, and the state was read");
        // dev's images stack exists and holds no release mark: that is no mark, not a state that cannot be read.
        const devReleases = await infra(b, "releases", "--env", "dev");
        assert.equal(devReleases.code, 0, explain(devReleases));
        assert.doesNotMatch(devReleases.stderr, /not read/, explain(devReleases));

        // A applies it, as deploy-prod's `infra up` does after the merge.
        const apply = await infra(a, "up", "--env", "staging", "--yes");
        assert.equal(apply.code, 0, explain(apply));
        const tag = await pulumi(a, "stack", "tag", "get", "infra:release", "-s", "staging-apps");
        assert.equal(tag.code, 0, explain(tag));
        assert.match(tag.stdout.trim(), new RegExp(`^${id} applied \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z -$`));
        const onA = await infra(a, "releases", "--env", "staging");
        assert.match(onA.stdout, new RegExp(`${id} .* applied `));
        assert.doesNotMatch(onA.stdout, /from state/, "where it was applied, the history file says so itself");

        const seen = await infra(b, "releases", "--env", "staging", "--json");
        assert.equal(seen.code, 0, explain(seen));
        assert.deepEqual(json(seen).map((r: { id: string; status: string; statusFrom?: string }) => [r.id, r.status, r.statusFrom]), [[id, "applied", "state"]]);
        const text = await infra(b, "releases", "--env", "staging");
        assert.match(text.stdout, new RegExp(`${id} .* applied \\(from state\\) `));
        assert.equal(fs.readFileSync(path.join(b.dir, "environments", "history", "staging.jsonl"), "utf8"), committed, "reading changes no file");

        // B's rerun of the promotion finds the release applied: nothing to write, nothing to continue.
        const again = await infra(b, "promote", "--from", "dev", "--to", "staging", "--write-only");
        assert.equal(again.code, 0, explain(again));
        assert.match(again.stdout, /staging already runs these pins; nothing written/);
    });
});
