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
        // Stryker disable next-line ArrayDeclaration: the fallback's contents never matter: non-object volumes are skipped
        const volumes: unknown[] = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
        const out: string[] = [];
        volumes.forEach((v, i) => {
            if (typeof v !== "object" || v === null) return;
            const vol = v as Record<string, unknown>;
            const sources = Object.keys(vol).filter((k) => k !== "name" && vol[k] !== undefined && vol[k] !== null);
            for (const source of sources) {
                if (source === "hostPath" || RESTRICTED_VOLUME_TYPES.includes(source)) continue;
                out.push(`volume "${typeof vol.name === "string" ? vol.name : `#${i}`}" at ${pod.specPath}.volumes[${i}] uses ${source}; use a PersistentVolumeClaim or another allowed type`);
            }
        });
        return out;
    },
);
