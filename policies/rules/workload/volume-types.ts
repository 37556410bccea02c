import { volumesOf } from "../util/podspec";
import { rule } from "../util/rule";

/** Volume sources PSS restricted allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
];

/**
 * Limits volumes to the sources PSS restricted allows, keeping node-bound and in-tree
 * network storage (nfs, iscsi, rbd, ...) out of workloads. Severity medium, mandatory.
 * PSS restricted "Volume Types". hostPath is reported by host-path-volume, so one mistake
 * gives one finding.
 */
export const volumeTypes = rule(
    {
        name: "volume-types",
        description: "Volumes must use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { pss: { level: "restricted", control: "volume-types" }, nsaCisa: "pod-security" },
        remediationSteps: `Replace the volume with one of ${RESTRICTED_VOLUME_TYPES.join(", ")} (use a PVC for network storage).`,
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        for (const { name, volume, path } of volumesOf(pod)) {
            const sources = Object.keys(volume).filter((k) => k !== "name" && volume[k] !== undefined && volume[k] !== null);
            for (const source of sources) {
                if (source === "hostPath" || RESTRICTED_VOLUME_TYPES.includes(source)) continue;
                out.push(`volume "${name}" at ${path} uses ${source}; use a PersistentVolumeClaim or another allowed type`);
            }
        }
        return out;
    },
);
