import { rule } from "../util/rule";
import { INTERCHANGEABLE_POD_CONTROLLERS } from "../util/podspec";

/**
 * Requires the controllers of interchangeable pods (INTERCHANGEABLE_POD_CONTROLLERS: Deployments,
 * and the Argo Rollouts that replace them under progressive delivery) to run at least minReplicas
 * pods (default 2, prod 3), so a node drain or a rollout never takes the service down. An unset
 * spec.replicas means 1. StatefulSets have never been in its scope (topology-spread and
 * pdb-coverage do hold them).
 * Severity medium, advisory (prod config makes it mandatory). Availability practice; no
 * benchmark control covers it.
 */
export const minReplicas = rule(
    {
        name: "min-replicas",
        description: "Deployments and Argo Rollouts should run at least minReplicas replicas.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Set spec.replicas to at least minReplicas (and a PodDisruptionBudget).",
        configKeys: ["minReplicas"],
        scope: { kinds: INTERCHANGEABLE_POD_CONTROLLERS },
    },
    (deployment, config) => {
        const replicas = deployment.props.spec?.replicas ?? 1;
        if (typeof replicas === "number" && replicas >= config.minReplicas) return [];
        return [`spec.replicas is ${String(replicas)}; set it to at least ${config.minReplicas}`];
    },
);
