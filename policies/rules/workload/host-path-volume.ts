import { volumesOf } from "../util/podspec";
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
        const out: string[] = [];
        for (const { name, volume, path } of volumesOf(pod)) {
            if (volume.hostPath === undefined || volume.hostPath === null) continue;
            out.push(
                `volume "${name}" at ${path}.hostPath mounts host path ` +
                    `"${volume.hostPath.path ?? ""}"; use emptyDir, a ConfigMap/Secret or a PVC instead`,
            );
        }
        return out;
    },
);
