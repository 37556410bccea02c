import { portRange } from "../../config";
import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";

/**
 * Prevents containers binding host ports, which bypass network policy and pin pods to
 * nodes; ports in `allowedHostPorts` ("9100", "30000-32767") are allowed, for agents that must
 * listen on the node (PSS baseline allows a known list too). Severity medium, mandatory. PSS baseline "Host Ports", CIS Kubernetes 5.2.13,
 * Kubescape C-0044.
 */
export const hostPorts = rule(
    {
        name: "host-ports",
        description: "Containers must not use hostPort outside the allowedHostPorts ranges.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-ports" }, cisKubernetes: ["5.2.13"], nsaCisa: "pod-security", kubescape: ["C-0044"] },
        remediationSteps: "Remove ports[].hostPort and expose the pod through a Service, or add the port to allowedHostPorts if a node agent must listen on it.",
        configKeys: ["allowedHostPorts"],
        scope: "pods",
    },
    (pod, config) => {
        const allowed = config.allowedHostPorts.map((r) => portRange(r)!);
        const out: string[] = [];
        for (const c of containersOf(pod)) {
            // Stryker disable next-line ArrayDeclaration: a string entry in the fallback has no hostPort, so it is skipped like an empty list
            const ports: unknown[] = Array.isArray(c.container.ports) ? c.container.ports : [];
            ports.forEach((p, i) => {
                const hostPort = (p as { hostPort?: unknown })?.hostPort;
                if (typeof hostPort === "number" && hostPort !== 0 && !allowed.some(([low, high]) => hostPort >= low && hostPort <= high)) {
                    const ranges = config.allowedHostPorts.length > 0 ? ` (allowed: ${config.allowedHostPorts.join(", ")})` : "";
                    out.push(`${describeContainer(c)} sets ${c.path}.ports[${i}].hostPort to ${hostPort}${ranges}; remove it and use a Service`);
                }
            });
        }
        return out;
    },
);
