import { strict as assert } from "assert";
import { InputError } from "../../common/errors";
import { lastRun, recordRun, resumeSelection, runProblem } from "../../automation/state/runs";
import { sandbox, summaryOf, type Sandbox } from "./support";

describe("run records and resume", () => {
    let sb: Sandbox;
    beforeEach(() => { sb = sandbox(); });
    afterEach(() => sb.cleanup());

    it("resume after a failed layer selects only the layers that did not finish", () => {
        recordRun(sb.projectDir, summaryOf("dev", { cluster: "succeeded", images: "succeeded", monitoring: "succeeded", mesh: "failed", apps: "skipped" }));
        const run = lastRun(sb.projectDir, "dev")!;
        assert.deepEqual(run.outcomes.find((o) => o.layer === "mesh"), { layer: "mesh", status: "failed", error: "mesh exploded" });
        assert.deepEqual(resumeSelection(run), ["mesh", "apps"]);
    });

    it("layers skipped by change detection are recorded as unchanged and not resumed", () => {
        recordRun(sb.projectDir, summaryOf("dev", { cluster: "unchanged", images: "succeeded", monitoring: "unchanged", mesh: "unchanged", apps: "cancelled" }, { interrupted: true }));
        const run = lastRun(sb.projectDir, "dev")!;
        assert.equal(run.outcomes.find((o) => o.layer === "cluster")!.status, "unchanged");
        assert.deepEqual(resumeSelection(run), ["apps"]);
    });

    it("refuses to resume a run that fully succeeded, or when there is none", () => {
        assert.throws(() => resumeSelection(lastRun(sb.projectDir, "dev"), "dev"), (e: unknown) => e instanceof InputError && /no recorded run/.test((e as Error).message));
        recordRun(sb.projectDir, summaryOf("dev", { cluster: "succeeded", images: "succeeded" }));
        assert.throws(() => resumeSelection(lastRun(sb.projectDir, "dev")), /finished every selected layer/);
    });

    it("counts mandatory policy violations and reports them as a problem", () => {
        const s = summaryOf("dev", { apps: "succeeded" });
        s.outcomes.find((o) => o.layer === "apps")!.result = { policy: [{ enforcement: "mandatory" }, { enforcement: "advisory" }] } as any;
        const rec = recordRun(sb.projectDir, s);
        assert.equal(rec.policyMandatory, 1);
        assert.match(runProblem(rec)!, /1 mandatory policy violation/);
        assert.equal(runProblem(recordRun(sb.projectDir, summaryOf("dev", { apps: "succeeded" }))), undefined);
    });

    it("lastRun filters by operation", () => {
        recordRun(sb.projectDir, summaryOf("dev", { apps: "failed" }));
        recordRun(sb.projectDir, { ...summaryOf("dev", { apps: "succeeded" }), operation: "refresh" });
        assert.equal(lastRun(sb.projectDir, "dev")!.operation, "refresh");
        assert.equal(lastRun(sb.projectDir, "dev", ["up", "preview"])!.outcomes.find((o) => o.layer === "apps")!.status, "failed");
    });
});
