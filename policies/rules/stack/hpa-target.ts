import { rule, type StackFinding } from "../util/rule";
import { containersOf } from "../util/podspec";

/** True when an HPA scales on CPU: a cpu Resource metric, the v1 CPU target, or no metrics at all (the 80% CPU default). */
export function scalesOnCpu(spec: { metrics?: { type?: string; resource?: { name?: string } }[]; targetCPUUtilizationPercentage?: unknown }): boolean {
    if (spec.targetCPUUtilizationPercentage !== undefined) return true;
    const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
    if (metrics.length === 0) return true;
    return metrics.some((m) => (m.type === "Resource" || m.type === "ContainerResource") && m.resource?.name === "cpu");
}

/**
 * Requires every HorizontalPodAutoscaler to target a workload the stack defines (same
 * namespace, kind and name), and, when it scales on CPU, that workload's containers to request
 * CPU: utilization is measured against the request, so without one the HPA never scales and
 * reports "missing request for cpu". A typo in scaleTargetRef fails the same silent way.
 * Severity medium, advisory; no benchmark control (Kubernetes HPA documentation).
 */
export const hpaTarget = rule(
    {
        name: "hpa-target",
        description: "HorizontalPodAutoscalers must target a workload of the stack whose containers request CPU.",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Point spec.scaleTargetRef at the Deployment or StatefulSet (kind and metadata.name) in the HPA's namespace, and set resources.requests.cpu on each of its containers.",
        scope: "stack",
    },
    (stack) => {
        const out: StackFinding[] = [];
        for (const hpa of stack.ofKind("HorizontalPodAutoscaler", "autoscaling")) {
            const ref = hpa.props.spec?.scaleTargetRef ?? {};
            const target = typeof ref.name === "string" ? stack.workload(hpa.namespace, String(ref.kind), ref.name) : undefined;
            if (!target) {
                const named = typeof ref.kind === "string" && ref.name !== undefined && ref.name !== null
                    ? `names ${ref.kind} "${String(ref.name)}", which this stack does not define in namespace ${hpa.namespace}`
                    : "does not name a workload (kind and name)";
                out.push({ object: hpa, message: `spec.scaleTargetRef ${named}; fix the kind and name` });
                continue;
            }
            if (!scalesOnCpu(hpa.props.spec ?? {})) continue;
            const missing = containersOf(target.pod, ["containers"]).filter((c) => c.container.resources?.requests?.cpu === undefined);
            if (missing.length > 0) {
                out.push({
                    object: hpa,
                    message: `scales ${target.kind} "${target.name}" on CPU, but ${missing.map((c) => `container "${c.name}"`).join(", ")} request no CPU; set ${missing[0].path}.resources.requests.cpu`,
                });
            }
        }
        return out;
    },
);
