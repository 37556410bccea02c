import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { asList, label } from "./util";

const ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/**
 * Flags EKS clusters that do not ship every control-plane log type to CloudWatch. Without the
 * audit and authenticator logs there is no record of who did what through the API server.
 * Severity medium; CIS Amazon EKS 2.1.1, Kubescape C-0067.
 */
export const eksControlPlaneLogging = rule(
    {
        name: "eks-control-plane-logging",
        description: "EKS clusters should enable all control-plane log types (api, audit, authenticator, controllerManager, scheduler).",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: { cisEks: ["2.1.1"], nsaCisa: "audit-logging", awsFsbp: ["EKS.8"], kubescape: ["C-0067"] },
        settings: {
            requiredLogTypes: {
                type: "array",
                items: { type: "string", enum: ALL_LOG_TYPES },
                default: ALL_LOG_TYPES,
                description: "Control-plane log types every cluster must enable.",
            },
        },
        remediationSteps: "Set enabledClusterLogTypes = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \"scheduler\"] on the cluster.",
        scope: "resource",
        types: ["aws:eks/cluster:Cluster"],
    },
    (args, reportViolation) => {
        const { requiredLogTypes } = configWithDefaults(args, { requiredLogTypes: ALL_LOG_TYPES });
        const enabled = asList<string>(args.props.enabledClusterLogTypes);
        const missing = requiredLogTypes.filter((t) => !enabled.includes(t));
        if (missing.length === 0) return;
        reportViolation(`${label(args)} does not enable control-plane logs ${missing.join(", ")}: add them to enabledClusterLogTypes.`);
    },
);
