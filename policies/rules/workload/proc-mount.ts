import { podRule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Prevents Unmasked /proc mounts, which expose kernel interfaces the runtime normally
 * hides. Severity medium, mandatory. PSS baseline "/proc Mount Type".
 */
export const procMount = podRule(
    {
        name: "proc-mount",
        description: "Containers must use the Default /proc mount type.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: "baseline/proc-mount" },
        remediationSteps: "Remove securityContext.procMount or set it to Default.",
    },
    (pod) =>
        containersOf(pod)
            .filter((c) => c.securityContext.procMount !== undefined && c.securityContext.procMount !== "Default")
            .map((c) => `${describeContainer(c)} sets ${c.path}.securityContext.procMount to "${String(c.securityContext.procMount)}"; set it to Default`),
);
