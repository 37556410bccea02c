import type { ResourceRule } from "../types";
import { exemptionsSchema, reportValues } from "./util";

/**
 * Prevents Helm releases whose values run containers as root: runAsUser 0 anywhere in the values
 * tree, or runAsNonRoot false (which removes the kubelet's refusal to start a root container).
 * Severity high; Pod Security Standards restricted/running-as-non-root, CIS Kubernetes 5.2.7, Kubescape C-0013.
 */
export const chartNoRootUser: ResourceRule = {
    name: "chart-no-root-user",
    description: "Helm values must not set runAsUser: 0 or runAsNonRoot: false.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { pss: "restricted/running-as-non-root", cis: "CIS-K8s-5.2.7", kubescape: "C-0013" },
    configSchema: { properties: { ...exemptionsSchema } },
    validateResource: (args, reportViolation) =>
        reportValues(
            args,
            reportViolation,
            (h) => (h.key === "runAsUser" && (h.value === 0 || h.value === "0")) || (h.key === "runAsNonRoot" && (h.value === false || h.value === "false")),
            "which lets the container run as root",
            "use a non-zero runAsUser and runAsNonRoot: true.",
        ),
};
