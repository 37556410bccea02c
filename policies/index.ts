/**
 * The platform-security CrossGuard pack. This file only constructs the pack; rules live in
 * rules/. The pack version is read by PolicyPack from package.json in the working
 * directory (the CLI runs packs from their own folder), so it is not passed here.
 */
import { PolicyPack } from "@pulumi/policy";
import { allRules } from "./rules";
import { controlTags } from "./rules/util/controls";
import { shareDeserializedInputs } from "./inputs-cache";
import { installDispatch } from "./dispatch";

// Before the pack serves: every rule of a request then reads one copy of the inputs, and the
// pack's own dispatch (dispatch.ts) runs the rules with the request set up once.
shareDeserializedInputs();
installDispatch();

new PolicyPack("platform-security", {
    description: "Pod Security Standards, workload hygiene, RBAC, service mesh and AWS rules for the platform.",
    displayName: "Platform security",
    enforcementLevel: "advisory",
    // Controls travel as tags so Analyzer clients see them in GetAnalyzerInfo.
    policies: allRules.map((rule) => ({ ...rule, tags: [...(rule.tags ?? []), ...controlTags(rule.controls)] })),
});
