/**
 * Mesh rule fixtures: STRICT PeerAuthentication at every level, an injected application
 * namespace and workload, an ISTIO_MUTUAL DestinationRule, and a stack that installs istiod
 * with its mesh-wide STRICT policy. Each variant re-opens one plaintext path.
 */
import type { RuleCase, StackCase } from "../support";

type Props = Record<string, unknown>;

const PEER_AUTH_V1 = "kubernetes:security.istio.io/v1:PeerAuthentication";
const PEER_AUTH_V1BETA1 = "kubernetes:security.istio.io/v1beta1:PeerAuthentication";
const DESTINATION_RULE = "kubernetes:networking.istio.io/v1:DestinationRule";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const RELEASE = "kubernetes:helm.sh/v3:Release";

function peerAuth(namespace: string, spec: Props, apiVersion = "security.istio.io/v1", name = "default"): Props {
    return { apiVersion, kind: "PeerAuthentication", metadata: { name, namespace }, spec };
}

function namespace(labels: Record<string, string>): Props {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", labels } };
}

/** A workload hardened to pass every workload rule, so only the injection setting varies. */
function deployment(podMeta: { annotations?: Record<string, string>; labels?: Record<string, string> } = {}): Props {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "apps" },
        spec: {
            replicas: 3,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web", ...(podMeta.labels ?? {}) }, ...(podMeta.annotations ? { annotations: podMeta.annotations } : {}) },
                spec: {
                    serviceAccountName: "web",
                    automountServiceAccountToken: false,
                    priorityClassName: "platform-apps",
                    topologySpreadConstraints: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => (
                        { maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "web" } } })),
                    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "web",
                            image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:" + "a".repeat(64),
                            ports: [{ containerPort: 8000, name: "http" }],
                            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                            readinessProbe: { httpGet: { path: "/healthz", port: 8000 } },
                            livenessProbe: { httpGet: { path: "/healthz", port: 8000 } },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                            },
                        },
                    ],
                },
            },
        },
    };
}

function destinationRule(spec: Props): Props {
    return { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "web", namespace: "apps" }, spec };
}

const MESH_WIDE = "mesh-strict-mtls-mesh-wide";
const IN_MESH_HOST = "web.apps.svc.cluster.local";

export const cases: RuleCase[] = [
    {
        rule: "mesh-peer-authentication-strict",
        type: PEER_AUTH_V1,
        compliant: peerAuth("istio-system", { mtls: { mode: "STRICT" } }),
        broken: [
            // Alone in a stack, a policy that is not the mesh-wide STRICT one also leaves the mesh without it.
            { name: "mesh-wide PERMISSIVE", props: peerAuth("istio-system", { mtls: { mode: "PERMISSIVE" } }), alsoViolates: [MESH_WIDE] },
            { name: "mesh-wide DISABLE", props: peerAuth("istio-system", { mtls: { mode: "DISABLE" } }), alsoViolates: [MESH_WIDE] },
            { name: "namespace-level PERMISSIVE", props: peerAuth("apps", { mtls: { mode: "PERMISSIVE" } }), alsoViolates: [MESH_WIDE] },
            {
                name: "workload port-level DISABLE under a STRICT policy",
                props: peerAuth("apps", { selector: { matchLabels: { app: "web" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8000": { mode: "DISABLE" } } }, undefined, "web"),
                alsoViolates: [MESH_WIDE],
            },
        ],
    },
    {
        rule: "mesh-peer-authentication-strict",
        type: PEER_AUTH_V1BETA1,
        compliant: peerAuth("istio-system", { mtls: { mode: "STRICT" } }, "security.istio.io/v1beta1"),
        broken: [{ name: "v1beta1 PERMISSIVE", props: peerAuth("istio-system", { mtls: { mode: "PERMISSIVE" } }, "security.istio.io/v1beta1"), alsoViolates: [MESH_WIDE] }],
    },
    {
        // A CustomResource whose type token does not name the kind: recognised from apiVersion/kind.
        rule: "mesh-peer-authentication-strict",
        type: "kubernetes:apiextensions.k8s.io:CustomResource",
        compliant: peerAuth("istio-system", { mtls: { mode: "STRICT" } }),
        broken: [{ name: "CustomResource DISABLE", props: peerAuth("istio-system", { mtls: { mode: "DISABLE" } }), alsoViolates: [MESH_WIDE] }],
    },
    {
        rule: "mesh-namespace-injection-enabled",
        type: NAMESPACE,
        compliant: namespace({ "istio-injection": "enabled" }),
        broken: [
            { name: "istio-injection=disabled", props: namespace({ "istio-injection": "disabled" }) },
            {
                name: "disabled label on a namespace taken out of the exemptions",
                props: { apiVersion: "v1", kind: "Namespace", metadata: { name: "istio-system", labels: { "istio-injection": "disabled" } } },
                config: { exemptNamespaces: ["kube-system"] },
            },
        ],
    },
    {
        rule: "mesh-workload-sidecar-injection",
        type: DEPLOYMENT,
        compliant: deployment({ annotations: { "sidecar.istio.io/inject": "true" } }),
        broken: [
            { name: "inject annotation false", props: deployment({ annotations: { "sidecar.istio.io/inject": "false" } }) },
            { name: "inject label false", props: deployment({ labels: { "sidecar.istio.io/inject": "false" } }) },
        ],
    },
    {
        rule: "mesh-destination-rule-istio-mutual",
        type: DESTINATION_RULE,
        compliant: destinationRule({ host: IN_MESH_HOST, trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } }),
        broken: [
            { name: "tls DISABLE", props: destinationRule({ host: IN_MESH_HOST, trafficPolicy: { tls: { mode: "DISABLE" } } }) },
            {
                name: "port-level SIMPLE on a short host name",
                props: destinationRule({ host: "web", trafficPolicy: { portLevelSettings: [{ port: { number: 8000 }, tls: { mode: "SIMPLE" } }] } }),
            },
            { name: "DISABLE on a name.namespace host", props: destinationRule({ host: "web.apps", trafficPolicy: { tls: { mode: "DISABLE" } } }) },
            {
                name: "subset DISABLE",
                props: destinationRule({ host: IN_MESH_HOST, trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } }, subsets: [{ name: "v2", labels: { version: "v2" }, trafficPolicy: { tls: { mode: "DISABLE" } } }] }),
            },
        ],
    },
];

const res = (type: string, name: string, props: Props) => ({ type, name, props });

const istiod = res(RELEASE, "istiod", {
    chart: "istiod",
    version: "1.27.1",
    namespace: "istio-system",
    repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
    values: { pilot: { autoscaleMin: 2 }, meshConfig: { accessLogFile: "/dev/stdout" } },
});
const meshWide = res(PEER_AUTH_V1, "mesh-strict", peerAuth("istio-system", { mtls: { mode: "STRICT" } }));

export const stackCases: StackCase[] = [
    {
        rule: "mesh-strict-mtls-mesh-wide",
        compliant: [istiod, meshWide, res(NAMESPACE, "apps", namespace({ "istio-injection": "enabled" }))],
        broken: [
            { name: "istiod without any PeerAuthentication", resources: [istiod] },
            {
                name: "root PeerAuthentication limited by a selector",
                resources: [istiod, res(PEER_AUTH_V1, "mesh-strict", peerAuth("istio-system", { selector: { matchLabels: { app: "web" } }, mtls: { mode: "STRICT" } }))],
            },
            { name: "STRICT only in an application namespace", resources: [istiod, res(PEER_AUTH_V1, "apps-strict", peerAuth("apps", { mtls: { mode: "STRICT" } }))] },
            { name: "PeerAuthentication without istiod, none mesh-wide", resources: [res(PEER_AUTH_V1, "apps-strict", peerAuth("apps", { mtls: { mode: "STRICT" } }))] },
            {
                name: "istiod moves the root namespace; the policy stays in istio-system",
                resources: [
                    { ...istiod, props: { ...istiod.props, values: { meshConfig: { rootNamespace: "istio-config" } } } },
                    meshWide,
                ],
            },
        ],
    },
];
