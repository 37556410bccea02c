import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { k8sKind, metaOf, qualifiedName } from "../util/kind";
import { get, podTemplatePath } from "../util/podspec";
import { exemptNamespacesSchema, SYSTEM_NAMESPACES } from "./util";

const KEY = "sidecar.istio.io/inject";

/**
 * Flags Pods and workload pod templates that opt out of sidecar injection with the
 * sidecar.istio.io/inject: "false" annotation (or the newer label of the same name) outside
 * exempt namespaces. Such pods talk plaintext and skip mesh authorization. Advisory, because
 * some Jobs opt out on purpose (a sidecar keeps them from completing); review each one.
 * Severity medium; Istio security best practices (all workloads in the mesh).
 */
export const meshWorkloadSidecarInjection = rule(
    {
        name: "mesh-workload-sidecar-injection",
        description: "Workloads should not opt out of Istio sidecar injection with sidecar.istio.io/inject: \"false\".",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "network-separation" },
        settings: { ...exemptNamespacesSchema },
        remediationSteps: "Remove sidecar.istio.io/inject: \"false\" from the pod template (label and annotation).",
        scope: "resource",
    },
    (args, reportViolation) => {
        const k = k8sKind(args.type, args.props);
        // Every workload kind the pack knows (util/podspec.ts WORKLOAD_KINDS), from its own API groups.
        const templatePath = k ? podTemplatePath(k.kind, k.group) : undefined;
        if (!k || !templatePath) return;
        const { exemptNamespaces } = configWithDefaults(args, { exemptNamespaces: SYSTEM_NAMESPACES });
        const { namespace } = metaOf(args.props);
        if (namespace !== undefined && exemptNamespaces.includes(namespace)) return;
        const template = metaOf(get(args.props, ...templatePath) as Record<string, unknown> | undefined);
        const where = String(template.annotations[KEY]) === "false" ? "annotation" : String(template.labels[KEY]) === "false" ? "label" : undefined;
        if (!where) return;
        reportViolation(
            `${k.kind} ${qualifiedName(args.props, args.name)} disables sidecar injection with the ${KEY} ${where}: ` +
                `remove it so the pod joins the mesh with mTLS, or move the workload to an exempt namespace.`,
        );
    },
);
