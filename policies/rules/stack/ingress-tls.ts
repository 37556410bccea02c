import { rule } from "../util/rule";

/** True when TLS host `pattern` ("*.example.com" or exact) covers `host`. */
function covers(pattern: string, host: string): boolean {
    if (pattern === host) return true;
    return pattern.startsWith("*.") && host.endsWith(pattern.slice(1)) && !host.slice(0, -pattern.length + 1).includes(".");
}

/**
 * Requires the hosts an Ingress or an Istio Gateway serves to use TLS: every Ingress rule host
 * is listed under spec.tls, and every plain-HTTP Gateway server redirects to HTTPS
 * (tls.httpsRedirect). Traffic from outside the cluster otherwise crosses networks in clear
 * text, credentials and session cookies included.
 * Severity high, advisory; Kubescape C-0263 "Ingress uses TLS", NSA-CISA "Network separation and hardening".
 */
export const ingressTls = rule(
    {
        name: "ingress-tls",
        description: "Ingress and Istio Gateway hosts must be served over TLS (HTTP only to redirect to HTTPS).",
        severity: "high",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation", kubescape: ["C-0263"] },
        remediationSteps: "List every Ingress host under spec.tls with a certificate Secret; on an Istio Gateway serve the hosts on an HTTPS server and set tls.httpsRedirect: true on the HTTP one.",
        scope: { kinds: ["Ingress", "Gateway"] },
    },
    (obj) => {
        const spec = obj.props.spec ?? {};
        if (obj.kind === "Ingress") {
            // Stryker disable next-line ArrayDeclaration: a string entry has no hosts and a host pattern "Stryker was here" covers no DNS name
            const tlsHosts: string[] = (Array.isArray(spec.tls) ? spec.tls : []).flatMap((t: { hosts?: string[] }) => t?.hosts ?? []);
            const rules: { host?: string }[] = Array.isArray(spec.rules) ? spec.rules : [];
            return rules.flatMap((r, i) => {
                if (typeof r?.host !== "string") return Array.isArray(spec.tls) && spec.tls.length > 0 ? [] : [`spec.rules[${i}] has no host and spec.tls is empty: it serves plain HTTP; add spec.tls`];
                return tlsHosts.some((p) => covers(p, r.host!)) ? [] : [`host ${r.host} (spec.rules[${i}]) is not listed under spec.tls; add it with a certificate Secret`];
            });
        }
        if (obj.props.apiVersion !== undefined && !String(obj.props.apiVersion).startsWith("networking.istio.io/")) return [];
        const servers: { port?: { protocol?: string }; hosts?: string[]; tls?: { httpsRedirect?: boolean } }[] = Array.isArray(spec.servers) ? spec.servers : [];
        return servers.flatMap((s, i) =>
            String(s?.port?.protocol ?? "").toUpperCase() === "HTTP" && s.tls?.httpsRedirect !== true
                ? [`spec.servers[${i}] serves ${(s.hosts ?? []).join(", ") || "its hosts"} over plain HTTP; serve them on an HTTPS server and set spec.servers[${i}].tls.httpsRedirect: true`]
                : [],
        );
    },
);
