import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { metaOf } from "../util/kind";
import { bindingKind } from "./util";

/**
 * Prevents RoleBindings and ClusterRoleBindings to the built-in cluster-admin ClusterRole, which
 * grants every verb on every resource (inside the binding's namespace for a RoleBinding, which
 * still includes its Secrets and RBAC). Break-glass access belongs outside the stack.
 * Severity critical; CIS Kubernetes 5.1.1, Kubescape C-0185.
 */
export const rbacNoClusterAdminBinding = rule(
    {
        name: "rbac-no-cluster-admin-binding",
        description: "Bindings must not reference the cluster-admin ClusterRole.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { cisKubernetes: ["5.1.1"], cisEks: ["4.1.1"], kubescape: ["C-0185"] },
        settings: {
            exemptBindings: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Binding metadata.name values allowed to reference cluster-admin.",
            },
        },
        remediationSteps: "Bind a Role or ClusterRole that grants only the verbs and resources the subjects need.",
        scope: "resource",
    },
    (args, reportViolation) => {
        const kind = bindingKind(args.type, args.props);
        if (!kind) return;
        const roleRef = (args.props.roleRef ?? {}) as { kind?: string; name?: string };
        if (roleRef.kind !== "ClusterRole" || roleRef.name !== "cluster-admin") return;
        const { exemptBindings } = configWithDefaults(args, { exemptBindings: [] as string[] });
        const name = metaOf(args.props).name;
        if (name !== undefined && exemptBindings.includes(name)) return;
        reportViolation(
            `${kind} ${name ?? args.name} binds the cluster-admin ClusterRole: ` +
                `bind a Role or ClusterRole that grants only the verbs and resources the subjects need.`,
        );
    },
);
