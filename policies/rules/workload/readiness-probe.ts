import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/** Batch kinds run to completion and serve no traffic; probes do not apply. */
const BATCH_KINDS = ["Job", "CronJob"];

/**
 * Requires a readinessProbe on every long-running container: without one, nothing keeps traffic away from a container until it can serve.
 * Severity low, advisory (a reliability best practice). Kubescape C-0018.
 */
export const readinessProbe = rule(
    {
        name: "readiness-probe",
        description: "Long-running containers should define a readinessProbe.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { kubescape: ["C-0018"] },
        remediationSteps: "Add a readinessProbe (httpGet on the health endpoint, e.g. /healthz) to each container.",
        scope: "pods",
    },
    (pod) =>
        BATCH_KINDS.includes(pod.kind)
            ? []
            : containersOf(pod, ["containers"])
                  .filter((c) => c.container.readinessProbe === undefined)
                  .map((c) => `${describeContainer(c)} has no readinessProbe; add one at ${c.path}.readinessProbe`),
);
