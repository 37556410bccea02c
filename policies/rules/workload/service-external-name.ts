import { rule } from "../util/rule";

/**
 * Discourages ExternalName Services: they turn a cluster DNS name into a CNAME to any host,
 * so whoever can edit the Service silently redirects in-cluster clients (and an Ingress
 * controller or mesh that trusts it, CVE-2021-25740) to a destination outside policy.
 * Severity medium, advisory. No benchmark control covers it.
 */
export const serviceExternalName = rule(
    {
        name: "service-external-name",
        description: "Services should not be of type ExternalName.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation" },
        remediationSteps: "Reach external hosts through an egress gateway or a ServiceEntry, or use a ClusterIP Service with explicit EndpointSlices.",
        scope: { kinds: ["Service"] },
    },
    (svc) => {
        if (svc.props.spec?.type !== "ExternalName") return [];
        // Stryker disable next-line OptionalChaining: spec is an object here, as spec?.type was ExternalName
        return [`spec.type is ExternalName (spec.externalName "${String(svc.props.spec?.externalName ?? "")}"); use a ClusterIP Service or an egress gateway`];
    },
);
