/**
 * The workload's ServiceAccount, Deployment and Service. The pod spec meets the Pod Security
 * Standards "restricted" profile: non-root numeric user, no privilege escalation, all
 * capabilities dropped, read-only root filesystem, RuntimeDefault seccomp, no API token.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { SECRET_FILES_DIR, type AppSettings } from "./args";
import { ISTIO_MERGED_METRICS_PORT, METRICS_PORT_NAME } from "./service-monitor";

/** The numeric user and group the app runs as; matches `USER 10001` in app/Dockerfile. */
export const RUN_AS_ID = 10001;

/** The name of the Service Argo Rollouts points at the canary pods while a rollout runs. */
export function canaryServiceName(app: string): string {
    return `${app}-canary`;
}

/** The port the Service exposes; it forwards to the container's named port "http". */
export const SERVICE_PORT = 80;

export interface WorkloadParts {
    readonly namespace: pulumi.Input<string>;
    readonly image: pulumi.Input<string>;
    readonly env: Record<string, pulumi.Input<string>>;
    readonly settings: AppSettings;
    /** The Secret the ExternalSecret writes, when the app has secrets (secrets.ts). */
    readonly secretName?: string;
}

/** A ServiceAccount of its own, so RBAC grants to one app never leak to another; its token is not mounted. */
export function createServiceAccount(name: string, parts: WorkloadParts, parent: pulumi.Resource, annotations?: Record<string, pulumi.Input<string>>): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(`${name}-sa`, {
        metadata: { name: parts.settings.name, namespace: parts.namespace, labels: parts.settings.labels, annotations },
        automountServiceAccountToken: false,
    }, { parent });
}

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe {
    return { httpGet: { path, port: "http" }, periodSeconds, failureThreshold, timeoutSeconds: 2 };
}

/** Label the controller puts on each pod of a revision: "pod-template-hash" for a Deployment, "rollouts-pod-template-hash" for an Argo Rollout. */
export type RevisionLabel = "pod-template-hash" | "rollouts-pod-template-hash";

/**
 * The hardened pod template, the one both controllers run (a Deployment here, an Argo Rollout
 * in rollout.ts), so the pods are the same whichever rolls them out.
 */
export function podTemplate(parts: WorkloadParts, serviceAccount: k8s.core.v1.ServiceAccount, revisionLabel: RevisionLabel): k8s.types.input.core.v1.PodTemplateSpec {
    const s = parts.settings;
    // Secrets arrive as files, not as env values (CIS Kubernetes 5.4.1, the pack's
    // secrets-from-env): files are updated in place when the store's value rotates and do not
    // leak into child processes or crash dumps. `<NAME>_FILE` tells the app where each one is.
    const secretNames = parts.secretName ? (s.secrets?.refs ?? []).map((r) => r.variable) : [];
    const env = [
        { name: "PORT", value: String(s.port) },
        ...Object.entries(parts.env).map(([k, value]) => ({ name: k, value })),
        ...secretNames.map((v) => ({ name: `${v}_FILE`, value: `${SECRET_FILES_DIR}/${v}` })),
    ];
    const secretMounts = parts.secretName ? [{ name: "secrets", mountPath: SECRET_FILES_DIR, readOnly: true }] : [];
    // Owner read, group (fsGroup 10001) read, nothing for others.
    const secretVolumes = parts.secretName ? [{ name: "secrets", secret: { secretName: parts.secretName, defaultMode: 0o440, items: secretNames.map((v) => ({ key: v, path: v })) } }] : [];
    const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        labelSelector: { matchLabels: s.selector },
        // Count only the pods of the same revision, so a rolling update does not skew the spread.
        matchLabelKeys: [revisionLabel],
    });
    return {
        metadata: {
            labels: s.labels,
            annotations: {
                // Istio merges the app's metrics into the sidecar's scrape endpoint (port 15020,
                // /stats/prometheus, outside mTLS), so Prometheus outside the mesh can scrape both
                // under STRICT mTLS; istio-agent finds the app's metrics through the prometheus.io
                // annotations below.
                "prometheus.istio.io/merge-metrics": "true",
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(s.port),
                "prometheus.io/path": s.metricsPath,
                // Start the app only after its sidecar is ready, or its first calls fail.
                "proxy.istio.io/config": "holdApplicationUntilProxyStarts: true",
            },
        },
        spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            priorityClassName: s.priorityClassName,
            terminationGracePeriodSeconds: 30,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_ID,
                runAsGroup: RUN_AS_ID,
                fsGroup: RUN_AS_ID,
                seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: [
                // Zones: best effort, since single-zone and local clusters have one (or no) zone label.
                spread("topology.kubernetes.io/zone", "ScheduleAnyway"),
                // Hosts: required, so one node drain never takes more than its share of pods.
                spread("kubernetes.io/hostname", "DoNotSchedule"),
            ],
            containers: [{
                name: "app",
                image: parts.image,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: s.port, protocol: "TCP" }],
                env,
                resources: { requests: { ...s.requests }, limits: { ...s.limits } },
                securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                },
                readinessProbe: httpProbe(s.readinessPath, 5, 3),
                livenessProbe: httpProbe(s.livenessPath, 10, 3),
                // Gives a slow start up to 60 s before liveness may restart the pod.
                startupProbe: httpProbe(s.livenessPath, 2, 30),
                // The root filesystem is read-only; /tmp is the one writable place.
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...secretMounts],
            }],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }, ...secretVolumes],
        },
    };
}

/**
 * The Deployment. `spec.replicas` is ignored after creation because the HorizontalPodAutoscaler
 * owns it; re-applying the program must not undo a scale-out in the middle of a spike.
 */
export function createDeployment(name: string, parts: WorkloadParts, serviceAccount: k8s.core.v1.ServiceAccount, parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []): k8s.apps.v1.Deployment {
    const s = parts.settings;
    return new k8s.apps.v1.Deployment(`${name}-deployment`, {
        metadata: { name: s.name, namespace: parts.namespace, labels: s.labels },
        spec: {
            replicas: s.replicas,
            revisionHistoryLimit: 10, // rollback to any of the last ten revisions
            progressDeadlineSeconds: 120,
            selector: { matchLabels: s.selector },
            // Never below the requested capacity during a rollout: add a pod, then remove one.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
            template: podTemplate(parts, serviceAccount, "pod-template-hash"),
        },
    }, { parent, ignoreChanges: ["spec.replicas"], dependsOn });
}

/**
 * A ClusterIP Service; the port name "http" tells Istio the protocol. With "istio-merge" metrics
 * it also exposes istio-agent's merged-metrics port 15020, so the ServiceMonitor can scrape it
 * in plain HTTP from outside the mesh despite STRICT mTLS (see service-monitor.ts).
 */
export function createService(name: string, parts: WorkloadParts, parent: pulumi.Resource, role: "stable" | "canary" = "stable"): k8s.core.v1.Service {
    const s = parts.settings;
    // The canary Service (rollout.ts) carries only the app port: the ServiceMonitor selects both
    // Services by label, and one metrics port keeps each pod scraped once.
    const metricsPort = role === "stable" && s.metricsVia === "istio-merge"
        ? [{ name: METRICS_PORT_NAME, port: ISTIO_MERGED_METRICS_PORT, targetPort: ISTIO_MERGED_METRICS_PORT, protocol: "TCP", appProtocol: "http" }]
        : [];
    return new k8s.core.v1.Service(role === "stable" ? `${name}-service` : `${name}-canary-service`, {
        metadata: { name: role === "stable" ? s.name : canaryServiceName(s.name), namespace: parts.namespace, labels: s.labels },
        spec: {
            type: "ClusterIP",
            selector: s.selector,
            ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP", appProtocol: "http" }, ...metricsPort],
        },
    }, { parent });
}
