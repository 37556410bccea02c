import { rule } from "../util/rule";

/**
 * Prevents hostPath volumes, which expose the node's filesystem (kubelet credentials,
 * container runtime socket) to the pod. Severity high, mandatory. PSS baseline "HostPath
 * Volumes", CIS Kubernetes 5.2.12, Kubescape C-0048.
 */
export const hostPathVolume = rule(
    {
        name: "host-path-volume",
        description: "Pods must not mount hostPath volumes.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "baseline", control: "host-path-volumes" }, cisKubernetes: ["5.2.12"], nsaCisa: "pod-security", kubescape: ["C-0048"] },
        remediationSteps: "Replace hostPath volumes with emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.",
        scope: "pods",
    },
    (pod) => {
        // Stryker disable next-line ArrayDeclaration: a string entry in the fallback has no hostPath, so it is skipped like an empty list
        const volumes: unknown[] = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
        const out: string[] = [];
        volumes.forEach((v, i) => {
            const vol = v as { name?: string; hostPath?: { path?: string } };
            if (vol && vol.hostPath !== undefined && vol.hostPath !== null) {
                out.push(
                    `volume "${typeof vol.name === "string" ? vol.name : `#${i}`}" at ${pod.specPath}.volumes[${i}].hostPath mounts host path ` +
                        `"${vol.hostPath.path ?? ""}"; use emptyDir, a ConfigMap/Secret or a PVC instead`,
                );
            }
        });
        return out;
    },
);
