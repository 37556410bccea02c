import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { metaOf } from "../util/kind";
import { exemptNamespacesSchema, isKind, SYSTEM_NAMESPACES } from "./util";

/**
 * Prevents application Namespaces that explicitly opt out of sidecar injection with the label
 * istio-injection=disabled. Their pods get no sidecar, so they neither present a mesh identity
 * nor enforce mTLS, and under STRICT mTLS they fall out of the mesh's authorization entirely.
 * Namespaces with no injection label are left alone (revision labels or ambient mode may apply).
 * Severity high; Istio security best practices (all workloads in the mesh).
 */
export const meshNamespaceInjectionEnabled = rule(
    {
        name: "mesh-namespace-injection-enabled",
        description: "Application namespaces must not disable Istio sidecar injection (istio-injection=disabled).",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "network-separation" },
        settings: { ...exemptNamespacesSchema },
        remediationSteps: "Label the namespace istio-injection=enabled (or istio.io/rev=<revision>), or remove the \"disabled\" label.",
        scope: "resource",
    },
    (args, reportViolation) => {
        if (!isKind(args.type, args.props, "", "Namespace")) return;
        const { exemptNamespaces } = configWithDefaults(args, { exemptNamespaces: SYSTEM_NAMESPACES });
        const { name, labels } = metaOf(args.props);
        if (name !== undefined && exemptNamespaces.includes(name)) return;
        if (labels["istio-injection"] !== "disabled") return;
        reportViolation(
            `Namespace ${name ?? args.name} sets label istio-injection=disabled: set it to "enabled" ` +
                `(or an istio.io/rev label), or add the namespace to exemptNamespaces if it is not part of the mesh.`,
        );
    },
);
