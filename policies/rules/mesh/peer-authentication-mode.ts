import { rule } from "../util/rule";
import { qualifiedName } from "../util/kind";
import { isKind, PEER_AUTHENTICATION } from "./util";

const WEAK = ["PERMISSIVE", "DISABLE"];

/** Every mTLS mode a PeerAuthentication sets, with where it is set ("spec.mtls", "spec.portLevelMtls.8080"). */
function modes(spec: Record<string, unknown>): { where: string; mode: string }[] {
    const out: { where: string; mode: string }[] = [];
    const mtls = spec.mtls as { mode?: unknown } | undefined;
    if (typeof mtls?.mode === "string") out.push({ where: "spec.mtls.mode", mode: mtls.mode });
    const ports = spec.portLevelMtls;
    // Istio's schema is a map keyed by port; accept a list too, as some generators emit one.
    const entries = Array.isArray(ports) ? ports.map((v, i) => [String(i), v] as const) : Object.entries(ports ?? {});
    for (const [port, v] of entries) {
        const mode = (v as { mode?: unknown } | undefined)?.mode;
        if (typeof mode === "string") out.push({ where: `spec.portLevelMtls.${port}.mode`, mode });
    }
    return out;
}

/**
 * Prevents PeerAuthentication policies that accept plaintext: PERMISSIVE or DISABLE at any level
 * (mesh-wide, namespace, workload selector or a single port). Any of them re-opens the plaintext
 * path that STRICT mTLS closes, so a peer without a mesh identity can reach the workload.
 * Severity high; Istio security best practices ("use STRICT mutual TLS").
 */
export const meshPeerAuthenticationStrict = rule(
    {
        name: "mesh-peer-authentication-strict",
        description: "PeerAuthentication must not set mTLS mode PERMISSIVE or DISABLE at any level.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "network-separation" },
        remediationSteps: "Set spec.mtls.mode (and every portLevelMtls mode) to STRICT.",
        scope: "resource",
    },
    (args, reportViolation) => {
        if (!isKind(args.type, args.props, PEER_AUTHENTICATION.group, PEER_AUTHENTICATION.kind)) return;
        const spec = (args.props.spec ?? {}) as Record<string, unknown>;
        for (const { where, mode } of modes(spec)) {
            if (!WEAK.includes(mode.toUpperCase())) continue;
            reportViolation(
                `PeerAuthentication ${qualifiedName(args.props, args.name)} sets ${where}=${mode}: ` +
                    `use STRICT (or UNSET to inherit the mesh-wide STRICT policy).`,
            );
        }
    },
);
