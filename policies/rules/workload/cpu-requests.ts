import { rule } from "../util/rule";
import { containersOf, describeContainer, get, RUNNING_CONTAINER_LISTS } from "../util/podspec";

/**
 * Requires a CPU request on every container, so the scheduler reserves CPU and the HPA can
 * compute utilisation. A CPU limit is not required: CFS throttling under a limit hurts
 * latency more than it protects neighbours. Severity low, advisory. Kubescape C-0050.
 */
export const cpuRequests = rule(
    {
        name: "cpu-requests",
        description: "Containers should set resources.requests.cpu.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0050"] },
        remediationSteps: "Set resources.requests.cpu (e.g. 250m).",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod, RUNNING_CONTAINER_LISTS)
            .filter((c) => get(c.container, "resources", "requests", "cpu") === undefined)
            .map((c) => `${describeContainer(c)} does not set ${c.path}.resources.requests.cpu; set it`),
);
