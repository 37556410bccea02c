/**
 * Values of the external-secrets chart: every pod non-root with a read-only root filesystem,
 * no privilege escalation, all capabilities dropped and the RuntimeDefault seccomp profile;
 * only namespaced stores and ExternalSecrets are reconciled.
 */
import { CHART_VERSION } from "../../common/patterns";
import { fail } from "../validation";

/** The container securityContext every ESO pod gets (the chart's defaults, stated so a chart bump cannot loosen them). */
export const HARDENED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 1000,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
} as const;

const resources = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: "500m", memory: "512Mi" } });

export function checkChartVersion(version: string): void {
    if (!CHART_VERSION.test(version)) fail("version", `version "${version}" is not an exact chart version; pin one such as "0.20.2"`);
}

export function externalSecretsValues(replicas: number): Record<string, unknown> {
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 10) fail("replicas", `replicas ${replicas} is out of range; use 1-10`);
    return {
        // The CRDs come with the release, so the apps layer's ExternalSecrets find them installed.
        installCRDs: true,
        replicaCount: replicas,
        leaderElect: replicas > 1,
        // ClusterSecretStores and ClusterExternalSecrets cross namespaces, and PushSecrets write
        // to the store: none is used, so the controller ignores them (a stray one does nothing).
        processClusterStore: false,
        processClusterExternalSecret: false,
        processPushSecret: false,
        securityContext: HARDENED_CONTAINER,
        resources: resources("50m", "128Mi"),
        webhook: { replicaCount: replicas, securityContext: HARDENED_CONTAINER, resources: resources("25m", "64Mi") },
        certController: { securityContext: HARDENED_CONTAINER, resources: resources("25m", "64Mi") },
    };
}
