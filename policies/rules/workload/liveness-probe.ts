import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/** Batch kinds run to completion and serve no traffic; probes do not apply. */
const BATCH_KINDS = ["Job", "CronJob"];

/**
 * Requires a livenessProbe on every long-running container: without one, nothing restarts a container that has hung.
 * Severity low, advisory (a reliability best practice). Kubescape C-0056.
 */
export const livenessProbe = rule(
    {
        name: "liveness-probe",
        description: "Long-running containers should define a livenessProbe.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { kubescape: ["C-0056"] },
        remediationSteps: "Add a livenessProbe (httpGet on the health endpoint, e.g. /healthz) to each container.",
        scope: "pods",
    },
    (pod) =>
        BATCH_KINDS.includes(pod.kind)
            ? []
            : containersOf(pod, ["containers"])
                  .filter((c) => c.container.livenessProbe === undefined)
                  .map((c) => `${describeContainer(c)} has no livenessProbe; add one at ${c.path}.livenessProbe`),
);
