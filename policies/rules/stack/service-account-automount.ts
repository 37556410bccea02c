import { rule, type StackFinding } from "../util/rule";
import { bindingKind, subjectsOf } from "../rbac/util";
import { serviceAccountOf } from "../util/podspec";
import { pushTo, type Workload } from "../util/stack";

/**
 * Flags ServiceAccounts that leave automountServiceAccountToken unset or true when no pod that
 * uses them needs the token: no RoleBinding or ClusterRoleBinding of the stack grants the
 * account anything and no pod using it asks for the token (automountServiceAccountToken: true
 * in its spec). Every pod on such an account then carries an API credential it never uses.
 * Pods are matched to the account by spec.serviceAccountName (a pod naming none runs as its
 * namespace's "default" account) or by a property dependency on it.
 * Severity low, advisory; CIS Kubernetes 5.1.6, CIS EKS 4.1.6, Kubescape C-0034.
 */
export const serviceAccountAutomount = rule(
    {
        name: "service-account-automount",
        description: "ServiceAccounts whose token no pod needs must set automountServiceAccountToken: false.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { cisKubernetes: ["5.1.6"], cisEks: ["4.1.6"], nsaCisa: "pod-security", kubescape: ["C-0034"] },
        remediationSteps: "Set automountServiceAccountToken: false on the ServiceAccount; a pod that calls the API sets automountServiceAccountToken: true in its own spec.",
        scope: "stack",
    },
    (stack) => {
        const bound = new Set<string>();
        for (const b of stack.objects) {
            if (!bindingKind(b.resource.type, b.props)) continue;
            for (const s of subjectsOf(b.props)) {
                if (s.kind === "ServiceAccount" && s.name) bound.add(`${s.namespace ?? b.namespace}/${s.name}`);
            }
        }
        // Pods by the account they name and by the resources their spec depends on: one pass, not one per account.
        const byName = new Map<string, Workload[]>();
        const byDependency = new Map<unknown, Workload[]>();
        for (const w of stack.workloads) {
            // A pod that names no account runs as its namespace's "default" one.
            pushTo(byName, `${w.namespace}/${serviceAccountOf(w.pod)}`, w);
            for (const dep of new Set(Object.values(w.resource.propertyDependencies ?? {}).flat())) pushTo(byDependency, dep, w);
        }
        const out: StackFinding[] = [];
        for (const sa of stack.ofKind("ServiceAccount", "")) {
            if (sa.props.automountServiceAccountToken === false) continue;
            if (bound.has(`${sa.namespace}/${sa.name}`)) continue;
            const users = [...new Set([...(byName.get(`${sa.namespace}/${sa.name}`) ?? []), ...(byDependency.get(sa.resource) ?? [])])];
            if (users.some((w) => w.pod.spec.automountServiceAccountToken === true)) continue;
            const who = users.length === 0 ? "no pod of the stack uses it" : `none of its pods (${users.map((w) => `${w.kind} "${w.name}"`).join(", ")}) asks for the token`;
            out.push({ object: sa, message: `automountServiceAccountToken is ${sa.props.automountServiceAccountToken ?? "unset"}, no binding grants it anything and ${who}; set it to false` });
        }
        return out;
    },
);
