import { rule } from "../util/rule";
import { containersOf, describeContainer, get, RUNNING_CONTAINER_LISTS } from "../util/podspec";

/**
 * Requires a CPU limit on every container, so one busy pod cannot starve its neighbours on
 * a shared node and the namespace's ResourceQuota can account for it. Kept separate from
 * cpu-requests (and low, advisory) because a limit throttles latency-sensitive services;
 * teams that measured that may disable this rule alone. Kubescape C-0270 "Ensure CPU limits
 * are set"; Polaris cpuLimitsMissing.
 */
export const cpuLimits = rule(
    {
        name: "cpu-limits",
        description: "Containers should set resources.limits.cpu.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0270"] },
        remediationSteps: "Set resources.limits.cpu (e.g. 500m, at least the CPU request).",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod, RUNNING_CONTAINER_LISTS)
            .filter((c) => get(c.container, "resources", "limits", "cpu") === undefined)
            .map((c) => `${describeContainer(c)} does not set ${c.path}.resources.limits.cpu; set it`),
);
