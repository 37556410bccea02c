import { rule } from "../util/rule";
import { containersOf, describeContainer, get, podSecurityContext } from "../util/podspec";

/**
 * Prevents Windows HostProcess containers, which run as processes on the host with full
 * host access. Severity critical, mandatory. PSS baseline "HostProcess", CIS Kubernetes
 * 5.2.11, Kubescape C-0202.
 */
export const hostProcess = rule(
    {
        name: "host-process",
        description: "Pods and containers must not run as Windows HostProcess.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-process" }, cisKubernetes: ["5.2.11"], nsaCisa: "pod-security", kubescape: ["C-0202"] },
        remediationSteps: "Remove securityContext.windowsOptions.hostProcess (pod and containers) or set it to false.",
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        if (get(podSecurityContext(pod), "windowsOptions", "hostProcess") === true) {
            out.push(`${pod.specPath}.securityContext.windowsOptions.hostProcess is true; set it to false`);
        }
        for (const c of containersOf(pod)) {
            if (get(c.securityContext, "windowsOptions", "hostProcess") === true) {
                out.push(`${describeContainer(c)} sets ${c.path}.securityContext.windowsOptions.hostProcess to true; set it to false`);
            }
        }
        return out;
    },
);
