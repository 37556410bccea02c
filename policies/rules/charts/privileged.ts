import type { ResourceRule } from "../types";
import { exemptionsSchema, reportValues, truthy } from "./util";

/**
 * Prevents Helm releases whose values turn on privileged containers (any `privileged: true` in
 * the values tree). A privileged container has every capability and all host devices: it is
 * root on the node.
 * Severity critical; Pod Security Standards baseline/privileged, CIS Kubernetes 5.2.2, Kubescape C-0057.
 */
export const chartNoPrivileged: ResourceRule = {
    name: "chart-no-privileged",
    description: "Helm values must not enable privileged containers.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { pss: "baseline/privileged", cis: "CIS-K8s-5.2.2", kubescape: "C-0057" },
    configSchema: { properties: { ...exemptionsSchema } },
    validateResource: (args, reportViolation) =>
        reportValues(
            args,
            reportViolation,
            (h) => h.key === "privileged" && truthy(h.value),
            "which runs a privileged container",
            "set it to false, or add a reviewed { chart, path } exemption.",
        ),
};
