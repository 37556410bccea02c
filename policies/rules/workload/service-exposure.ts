import { rule } from "../util/rule";

/**
 * Prevents Services that open workloads to networks outside the cluster: NodePort opens a
 * port on every node, LoadBalancer provisions a cloud load balancer, and externalIPs lets
 * a Service claim arbitrary IPs (CVE-2020-8554 traffic interception). Ingress goes through
 * the mesh gateway, whose namespace is exempt. Severity high, mandatory. Kubescape C-0256.
 */
export const serviceExposure = rule(
    {
        name: "service-exposure",
        description: "Services must be ClusterIP without externalIPs; ingress goes through the mesh gateway.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0256"] },
        remediationSteps: "Use type ClusterIP without externalIPs and expose the service through the Istio ingress gateway.",
        scope: { kinds: ["Service"] },
    },
    (svc) => {
        const out: string[] = [];
        const type = svc.props.spec?.type;
        if (type === "LoadBalancer" || type === "NodePort") {
            out.push(`spec.type is ${type}; use ClusterIP and route external traffic through the mesh gateway`);
        }
        const ips = svc.props.spec?.externalIPs;
        if (Array.isArray(ips) && ips.length > 0) {
            out.push(`spec.externalIPs is set (${ips.join(", ")}); remove it`);
        }
        return out;
    },
);
