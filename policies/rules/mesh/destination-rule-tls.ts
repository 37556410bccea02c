import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { metaOf, qualifiedName } from "../util/kind";
import { DESTINATION_RULE, isKind } from "./util";

const WEAK = ["DISABLE", "SIMPLE"];

interface TrafficPolicy {
    tls?: { mode?: string };
    portLevelSettings?: { port?: { number?: number }; tls?: { mode?: string } }[];
}

/**
 * True for hosts served by the mesh: short names, *.svc, *.svc.<cluster domain>, and
 * name.namespace when `namespace` (the DestinationRule's own) is that namespace. A two-label
 * host naming another namespace cannot be told from an external domain (example.com,
 * httpbin.org) by its spelling, so it is left alone rather than flag TLS origination.
 */
export function isMeshHost(host: string, clusterDomain: string, namespace?: string): boolean {
    const h = host.toLowerCase();
    if (!h.includes(".")) return true;
    if (h.endsWith(".svc") || h.endsWith(`.svc.${clusterDomain}`)) return true;
    const labels = h.split(".");
    return labels.length === 2 && labels[0] !== "" && namespace !== undefined && labels[1] === namespace.toLowerCase();
}

/** Every TLS mode set in a DestinationRule, with its path. */
interface DestinationRuleSpec {
    host?: string;
    trafficPolicy?: TrafficPolicy;
    subsets?: { name?: string; trafficPolicy?: TrafficPolicy }[];
}

function tlsModes(spec: DestinationRuleSpec) {
    const out: { where: string; mode: string }[] = [];
    const visit = (tp: TrafficPolicy | undefined, prefix: string) => {
        if (typeof tp?.tls?.mode === "string") out.push({ where: `${prefix}.tls.mode`, mode: tp.tls.mode });
        // Stryker disable next-line ArrayDeclaration: a string entry has no tls.mode, so visiting it reports nothing
        (tp?.portLevelSettings ?? []).forEach((p, i) => {
            if (typeof p?.tls?.mode === "string") out.push({ where: `${prefix}.portLevelSettings[${i}].tls.mode`, mode: p.tls.mode });
        });
    };
    visit(spec.trafficPolicy, "spec.trafficPolicy");
    // Stryker disable next-line ArrayDeclaration: a string subset has no trafficPolicy, so visiting it reports nothing
    (spec.subsets ?? []).forEach((s, i) => visit(s?.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
    return out;
}

/**
 * Flags DestinationRules for in-mesh hosts that set client TLS to DISABLE (plaintext) or SIMPLE
 * (TLS without the client certificate, so the server's STRICT mTLS rejects it or the call loses
 * its mesh identity). In-mesh traffic should use ISTIO_MUTUAL or leave tls unset for auto mTLS.
 * External hosts (TLS origination to a ServiceEntry) are not in scope; see isMeshHost for the
 * name.namespace form.
 * Severity medium; Istio security best practices (DestinationRule TLS settings).
 */
export const meshDestinationRuleIstioMutual = rule(
    {
        name: "mesh-destination-rule-istio-mutual",
        description: "DestinationRules for in-mesh hosts should not set TLS mode DISABLE or SIMPLE.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation" },
        settings: { clusterDomain: { type: "string", default: "cluster.local", description: "Kubernetes cluster DNS domain." } },
        remediationSteps: "Set trafficPolicy.tls.mode to ISTIO_MUTUAL, or remove the tls block to use auto mTLS.",
        scope: "resource",
    },
    (args, reportViolation) => {
        if (!isKind(args.type, args.props, DESTINATION_RULE.group, DESTINATION_RULE.kind)) return;
        const { clusterDomain } = configWithDefaults(args, { clusterDomain: "cluster.local" });
        const spec = (args.props.spec ?? {}) as DestinationRuleSpec;
        // Unset, the DestinationRule lands in the provider's namespace: "default" unless configured otherwise.
        const namespace = metaOf(args.props).namespace || "default";
        if (typeof spec.host !== "string" || !isMeshHost(spec.host, clusterDomain, namespace)) return;
        for (const { where, mode } of tlsModes(spec)) {
            if (!WEAK.includes(mode.toUpperCase())) continue;
            reportViolation(
                `DestinationRule ${qualifiedName(args.props, args.name)} sets ${where}=${mode} for in-mesh host ` +
                    `${spec.host}: use ISTIO_MUTUAL or remove the tls block to use auto mTLS.`,
            );
        }
    },
);
