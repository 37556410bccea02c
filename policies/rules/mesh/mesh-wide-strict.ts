import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { metaOf } from "../util/kind";
import { helmChartName, isKind, PEER_AUTHENTICATION } from "./util";

const DEFAULT_ROOT = "istio-system";

/**
 * Requires a stack that installs or configures Istio (an istiod Helm release or any
 * PeerAuthentication) to hold the mesh-wide policy: a PeerAuthentication in the Istio root
 * namespace, without a selector, with mtls.mode STRICT. Without it the mesh default is
 * PERMISSIVE and every workload still accepts plaintext.
 * The root namespace is the `rootNamespace` config, else istiod's values.meshConfig.rootNamespace,
 * else istio-system. Severity high; Istio security best practices (mesh-wide STRICT mTLS).
 */
export const meshStrictMtlsMeshWide = rule(
    {
        name: "mesh-strict-mtls-mesh-wide",
        description: "A stack with Istio must define a mesh-wide STRICT PeerAuthentication in the root namespace.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "network-separation" },
        settings: {
            rootNamespace: {
                type: "string",
                description: "Istio root namespace (meshConfig.rootNamespace); defaults to istiod's values, else istio-system.",
            },
        },
        remediationSteps: "Add a PeerAuthentication in the Istio root namespace (istio-system) with no selector and spec.mtls.mode STRICT.",
        scope: "stack-args",
    },
    (args, reportViolation) => {
        // Stryker disable next-line ObjectLiteral: the only default is undefined, which an absent key reads as too
        const cfg = configWithDefaults(args, { rootNamespace: undefined as string | undefined });
        const istiod = args.resources.find((r) => helmChartName(r.type, r.props) === "istiod");
        const peerAuths = args.resources.filter((r) => isKind(r.type, r.props, PEER_AUTHENTICATION.group, PEER_AUTHENTICATION.kind));
        if (!istiod && peerAuths.length === 0) return;
        const fromValues = ((istiod?.props.values as Record<string, unknown> | undefined)?.meshConfig as { rootNamespace?: unknown } | undefined)
            ?.rootNamespace;
        const root = cfg.rootNamespace ?? (typeof fromValues === "string" ? fromValues : DEFAULT_ROOT);
        const meshWide = peerAuths.find((r) => {
            const spec = (r.props.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> }; mtls?: { mode?: string } };
            const noSelector = !spec.selector || Object.keys(spec.selector.matchLabels ?? {}).length === 0;
            return metaOf(r.props).namespace === root && noSelector && spec.mtls?.mode === "STRICT";
        });
        if (meshWide) return;
        reportViolation(
            `The stack installs or configures Istio but has no mesh-wide STRICT PeerAuthentication: add a PeerAuthentication in namespace ` +
                `${root} with no selector and spec.mtls.mode STRICT.`,
            istiod?.urn,
        );
    },
);
