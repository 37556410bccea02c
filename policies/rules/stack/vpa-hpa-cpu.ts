import { rule, type StackFinding } from "../util/rule";
import { scalesOnCpu } from "./hpa-target";

/**
 * Refuses a VerticalPodAutoscaler that applies its recommendations (updateMode other than
 * "Off"; the VPA's own default is "Auto") to a workload a HorizontalPodAutoscaler scales on CPU:
 * the HPA measures CPU utilization against the pods' requests, which such a VPA rewrites, so
 * the two controllers chase each other. A VPA stays "Off" (recommendations only) there, or it
 * controls memory only. Severity high, mandatory; no benchmark control (Kubernetes VPA
 * documentation: "do not use VPA with HPA on CPU or memory").
 */
export const vpaHpaCpu = rule(
    {
        name: "vpa-hpa-cpu",
        description: "A VerticalPodAutoscaler must stay in updateMode \"Off\" for a workload an HPA scales on CPU.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {},
        remediationSteps: "Set spec.updatePolicy.updateMode: \"Off\" on the VerticalPodAutoscaler (read its recommendations instead), or limit its containerPolicies to controlledResources: [memory].",
        scope: "stack",
    },
    (stack) => {
        const out: StackFinding[] = [];
        const cpuScaled = new Set(stack.ofKind("HorizontalPodAutoscaler", "autoscaling")
            .filter((h) => scalesOnCpu(h.props.spec ?? {}))
            .map((h) => `${h.namespace}/${String(h.props.spec?.scaleTargetRef?.kind)}/${String(h.props.spec?.scaleTargetRef?.name)}`));
        for (const vpa of stack.ofKind("VerticalPodAutoscaler", "autoscaling.k8s.io")) {
            const spec = vpa.props.spec ?? {};
            const mode = spec.updatePolicy?.updateMode ?? "Auto";
            if (mode === "Off") continue;
            const ref = spec.targetRef ?? {};
            if (!cpuScaled.has(`${vpa.namespace}/${String(ref.kind)}/${String(ref.name)}`)) continue;
            const policies: { controlledResources?: unknown }[] = Array.isArray(spec.resourcePolicy?.containerPolicies) ? spec.resourcePolicy.containerPolicies : [];
            // Without containerPolicies (or without controlledResources) a VPA controls cpu and memory.
            const touchesCpu = policies.length === 0 || policies.some((p) => !Array.isArray(p.controlledResources) || p.controlledResources.includes("cpu"));
            if (!touchesCpu) continue;
            out.push({ object: vpa, message: `spec.updatePolicy.updateMode is "${mode}" while HorizontalPodAutoscaler scales ${String(ref.kind)} "${String(ref.name)}" on CPU; set updateMode: "Off" or controlledResources: [memory]` });
        }
        return out;
    },
);
