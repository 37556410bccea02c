import { rule } from "../util/rule";
import { containersOf, describeContainer, RUNNING_CONTAINER_LISTS } from "../util/podspec";

/**
 * Requires readOnlyRootFilesystem: true, so an attacker cannot drop tools or alter binaries
 * inside a running container (writable paths go to emptyDir). Severity medium, advisory
 * (a hardening best practice, not a PSS control). Kubescape C-0017.
 */
export const readOnlyRootFilesystem = rule(
    {
        name: "read-only-root-filesystem",
        description: "Containers should mount their root filesystem read-only.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "pod-security", kubescape: ["C-0017"] },
        remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod, RUNNING_CONTAINER_LISTS)
            .filter((c) => c.securityContext.readOnlyRootFilesystem !== true)
            .map((c) => `${describeContainer(c)} has a writable root filesystem; set ${c.path}.securityContext.readOnlyRootFilesystem to true`),
);
