import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Prevents Unmasked /proc mounts, which expose kernel interfaces the runtime normally
 * hides. Severity medium, mandatory. PSS baseline "/proc Mount Type".
 */
export const procMount = rule(
    {
        name: "proc-mount",
        description: "Containers must use the Default /proc mount type.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "proc-mount" }, nsaCisa: "pod-security" },
        remediationSteps: "Remove securityContext.procMount or set it to Default.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod)
            // A null field (procMount: null in YAML, a cleared Helm value) is unset, like an absent one: the Default mount.
            .filter((c) => c.securityContext.procMount !== undefined && c.securityContext.procMount !== null && c.securityContext.procMount !== "Default")
            .map((c) => `${describeContainer(c)} sets ${c.path}.securityContext.procMount to "${String(c.securityContext.procMount)}"; set it to Default`),
);
