import { podRule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Prevents containers binding host ports, which bypass network policy and pin pods to
 * nodes. Severity medium, mandatory. PSS baseline "Host Ports", CIS Kubernetes 5.2.13,
 * Kubescape C-0044.
 */
export const hostPorts = podRule(
    {
        name: "host-ports",
        description: "Containers must not use hostPort.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: "baseline/host-ports", cis: "CIS-K8s-5.2.13", kubescape: "C-0044" },
        remediationSteps: "Remove ports[].hostPort; expose the pod through a Service instead.",
    },
    (pod) => {
        const out: string[] = [];
        for (const c of containersOf(pod)) {
            const ports: unknown[] = Array.isArray(c.container.ports) ? c.container.ports : [];
            ports.forEach((p, i) => {
                const hostPort = (p as { hostPort?: unknown })?.hostPort;
                if (typeof hostPort === "number" && hostPort !== 0) {
                    out.push(`${describeContainer(c)} sets ${c.path}.ports[${i}].hostPort to ${hostPort}; remove it and use a Service`);
                }
            });
        }
        return out;
    },
);
