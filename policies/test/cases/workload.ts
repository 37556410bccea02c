/**
 * Workload rule cases: a restricted-profile Deployment and Pod that pass every rule, and
 * for each rule the variants that break it, in containers, initContainers and
 * ephemeralContainers.
 */
import { variant, type RuleCase } from "../support";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const POD = "kubernetes:core/v1:Pod";
const SERVICE = "kubernetes:core/v1:Service";

const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const IMAGE = `${ECR}/platform/api@${DIGEST}`;

const hardened = () => ({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
});

const resources = () => ({ requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });

const labels = { "app.kubernetes.io/name": "api" };

const podSpec = () => ({
    automountServiceAccountToken: false,
    priorityClassName: "platform-service",
    topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
        { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
    ],
    securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: "RuntimeDefault" },
        sysctls: [{ name: "net.ipv4.tcp_keepalive_time", value: "600" }],
    },
    initContainers: [
        { name: "migrate", image: IMAGE, args: ["migrate"], resources: resources(), securityContext: hardened() },
    ],
    containers: [
        {
            name: "api",
            image: IMAGE,
            ports: [{ name: "http", containerPort: 8000 }],
            resources: resources(),
            livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
            readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5 },
            securityContext: hardened(),
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        },
    ],
    volumes: [
        { name: "tmp", emptyDir: {} },
        { name: "config", configMap: { name: "api" } },
    ],
});

/** What the apps layer deploys: 3 replicas, restricted pod security, pinned ECR image. */
export const compliantDeployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "apps", labels },
    spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
            metadata: { labels, annotations: { "container.apparmor.security.beta.kubernetes.io/api": "runtime/default" } },
            spec: podSpec(),
        },
    },
};

/** A bare Pod carrying a debug (ephemeral) container, so ephemeral variants have a target. */
export const compliantPod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "api-debug", namespace: "apps", labels },
    spec: {
        ...podSpec(),
        ephemeralContainers: [{ name: "debug", image: `${ECR}/platform/debug@${DIGEST}`, securityContext: hardened() }],
    },
};

const compliantService = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "api", namespace: "apps", labels },
    spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

 
type Edit = (copy: any) => void;
const deploy = (name: string, edit: Edit, config?: Record<string, unknown>, alsoViolates?: string[]) => ({
    name,
    props: variant(compliantDeployment, edit),
    ...(config ? { config } : {}),
    ...(alsoViolates ? { alsoViolates } : {}),
});
const pod = (name: string, edit: Edit) => ({ name, props: variant(compliantPod, edit) });

// Paths into the fixtures, so variants read like the field they break.
const T = (d: any) => d.spec.template.spec;  
const main = (d: any) => T(d).containers[0];  
const init = (d: any) => T(d).initContainers[0];  
const eph = (p: any) => p.spec.ephemeralContainers[0];  

const deploymentCase = (rule: string, broken: ReturnType<typeof deploy>[]): RuleCase => ({
    rule, type: DEPLOYMENT, compliant: compliantDeployment, broken,
});
const podCase = (rule: string, broken: ReturnType<typeof pod>[]): RuleCase => ({ rule, type: POD, compliant: compliantPod, broken });

export const cases: RuleCase[] = [
    deploymentCase("privileged-container", [
        deploy("privileged container", (d) => (main(d).securityContext.privileged = true)),
        deploy("privileged initContainer", (d) => (init(d).securityContext.privileged = true)),
    ]),
    podCase("privileged-container", [pod("privileged ephemeralContainer", (p) => (eph(p).securityContext.privileged = true))]),
    deploymentCase("host-process", [
        deploy("pod-level hostProcess", (d) => (T(d).securityContext.windowsOptions = { hostProcess: true })),
        deploy("container hostProcess", (d) => (main(d).securityContext.windowsOptions = { hostProcess: true })),
    ]),
    deploymentCase("host-network", [deploy("hostNetwork true", (d) => (T(d).hostNetwork = true))]),
    deploymentCase("host-pid", [deploy("hostPID true", (d) => (T(d).hostPID = true))]),
    deploymentCase("host-ipc", [deploy("hostIPC true", (d) => (T(d).hostIPC = true))]),
    deploymentCase("host-path-volume", [
        deploy("hostPath volume", (d) => T(d).volumes.push({ name: "logs", hostPath: { path: "/var/log" } })),
    ]),
    deploymentCase("host-ports", [
        deploy("hostPort on container", (d) => (main(d).ports[0].hostPort = 8000)),
        deploy("hostPort outside the allowed ranges", (d) => (main(d).ports[0].hostPort = 8000), { allowedHostPorts: ["9100", "30000-32767"] }),
    ]),
    deploymentCase("capabilities-baseline", [
        deploy("adds SYS_ADMIN", (d) => (main(d).securityContext.capabilities.add = ["SYS_ADMIN"])),
        deploy("initContainer adds NET_ADMIN", (d) => (init(d).securityContext.capabilities.add = ["CAP_NET_ADMIN"])),
    ]),
    podCase("capabilities-baseline", [pod("ephemeralContainer adds SYS_PTRACE", (p) => (eph(p).securityContext.capabilities.add = ["SYS_PTRACE"]))]),
    deploymentCase("capabilities-restricted", [
        deploy("does not drop ALL", (d) => (main(d).securityContext.capabilities = { drop: ["NET_RAW"] })),
        deploy("adds CHOWN", (d) => (main(d).securityContext.capabilities.add = ["CHOWN"])),
        deploy("initContainer keeps capabilities", (d) => delete init(d).securityContext.capabilities),
    ]),
    podCase("capabilities-restricted", [pod("ephemeralContainer keeps capabilities", (p) => delete eph(p).securityContext.capabilities)]),
    deploymentCase("apparmor", [
        deploy("unconfined annotation", (d) => {
            d.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/api"] = "unconfined";
        }),
        deploy("pod appArmorProfile Unconfined", (d) => (T(d).securityContext.appArmorProfile = { type: "Unconfined" })),
        deploy("initContainer appArmorProfile Unconfined", (d) => (init(d).securityContext.appArmorProfile = { type: "Unconfined" })),
    ]),
    deploymentCase("selinux", [
        deploy("pod type spc_t", (d) => (T(d).securityContext.seLinuxOptions = { type: "spc_t" })),
        deploy("container sets user", (d) => (main(d).securityContext.seLinuxOptions = { user: "system_u" })),
        deploy("initContainer sets role", (d) => (init(d).securityContext.seLinuxOptions = { role: "system_r" })),
    ]),
    deploymentCase("proc-mount", [deploy("Unmasked procMount", (d) => (main(d).securityContext.procMount = "Unmasked"))]),
    podCase("proc-mount", [pod("ephemeralContainer Unmasked procMount", (p) => (eph(p).securityContext.procMount = "Unmasked"))]),
    deploymentCase("seccomp-unconfined", [
        deploy("pod Unconfined", (d) => (T(d).securityContext.seccompProfile = { type: "Unconfined" })),
        deploy("container Unconfined", (d) => (main(d).securityContext.seccompProfile = { type: "Unconfined" })),
        deploy("legacy annotation unconfined", (d) => {
            d.spec.template.metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"] = "unconfined";
        }),
    ]),
    deploymentCase("seccomp-profile", [
        deploy("no profile anywhere", (d) => {
            delete T(d).securityContext.seccompProfile;
            delete main(d).securityContext.seccompProfile;
            delete init(d).securityContext.seccompProfile;
        }),
        deploy("initContainer without profile and none on the pod", (d) => {
            delete T(d).securityContext.seccompProfile;
            delete init(d).securityContext.seccompProfile;
        }),
    ]),
    deploymentCase("sysctls", [
        deploy("unsafe sysctl", (d) => T(d).securityContext.sysctls.push({ name: "kernel.msgmax", value: "65536" })),
    ]),
    deploymentCase("volume-types", [
        deploy("nfs volume", (d) => T(d).volumes.push({ name: "share", nfs: { server: "10.0.0.1", path: "/share" } })),
    ]),
    deploymentCase("privilege-escalation", [
        deploy("allowPrivilegeEscalation true", (d) => (main(d).securityContext.allowPrivilegeEscalation = true)),
        deploy("initContainer leaves it unset", (d) => delete init(d).securityContext.allowPrivilegeEscalation),
    ]),
    podCase("privilege-escalation", [pod("ephemeralContainer leaves it unset", (p) => delete eph(p).securityContext.allowPrivilegeEscalation)]),
    deploymentCase("run-as-non-root", [
        deploy("container runAsNonRoot false", (d) => (main(d).securityContext.runAsNonRoot = false)),
        deploy("unset on pod and initContainer", (d) => {
            delete T(d).securityContext.runAsNonRoot;
            delete init(d).securityContext.runAsNonRoot;
        }),
    ]),
    deploymentCase("run-as-root-user", [
        deploy("pod runAsUser 0", (d) => (T(d).securityContext.runAsUser = 0)),
        deploy("initContainer runAsUser 0", (d) => (init(d).securityContext.runAsUser = 0)),
    ]),
    deploymentCase("read-only-root-filesystem", [
        deploy("writable root filesystem", (d) => (main(d).securityContext.readOnlyRootFilesystem = false)),
        deploy("initContainer leaves it unset", (d) => delete init(d).securityContext.readOnlyRootFilesystem),
    ]),
    deploymentCase("memory-requests-limits", [
        deploy("no memory limit", (d) => delete main(d).resources.limits.memory),
        deploy("initContainer without memory request", (d) => delete init(d).resources.requests.memory),
    ]),
    deploymentCase("cpu-requests", [deploy("no cpu request", (d) => delete main(d).resources.requests.cpu)]),
    deploymentCase("image-tag", [
        deploy("latest tag", (d) => (main(d).image = `${ECR}/platform/api:latest`)),
        deploy("untagged", (d) => (init(d).image = `${ECR}/platform/api`)),
        deploy("tag without digest when requireDigest", (d) => {
            main(d).image = `${ECR}/platform/api:1.4.2`;
            main(d).imagePullPolicy = "Always";
        }, { requireDigest: true }),
    ]),
    podCase("image-tag", [pod("ephemeralContainer latest", (p) => (eph(p).image = "busybox:latest"))]),
    deploymentCase("allowed-registries", [
        deploy("unknown registry", (d) => (main(d).image = `registry.example.com/api@${DIGEST}`)),
        deploy("Docker Hub when only ECR is allowed", (d) => (init(d).image = `busybox@${DIGEST}`), { allowedRegistries: [ECR] }),
    ]),
    deploymentCase("service-account-token", [
        deploy("default ServiceAccount mounts its token", (d) => delete T(d).automountServiceAccountToken),
        deploy("explicit true on the default ServiceAccount", (d) => {
            T(d).automountServiceAccountToken = true;
            T(d).serviceAccountName = "default";
        }),
    ]),
    deploymentCase("liveness-probe", [deploy("no livenessProbe", (d) => delete main(d).livenessProbe)]),
    deploymentCase("readiness-probe", [deploy("no readinessProbe", (d) => delete main(d).readinessProbe)]),
    {
        rule: "service-exposure",
        type: SERVICE,
        compliant: compliantService,
        broken: [
            { name: "LoadBalancer", props: variant(compliantService, (s) => (s.spec.type = "LoadBalancer")) },
            { name: "NodePort", props: variant(compliantService, (s) => (s.spec.type = "NodePort")) },
            { name: "externalIPs", props: variant(compliantService, (s) => (s.spec.externalIPs = ["203.0.113.10"])) },
        ],
    },
    deploymentCase("min-replicas", [
        deploy("one replica", (d) => (d.spec.replicas = 1)),
        deploy("replicas unset", (d) => delete d.spec.replicas),
        deploy("below configured minimum", () => undefined, { minReplicas: 5 }),
    ]),
    {
        rule: "sensitive-env-var",
        type: DEPLOYMENT,
        // Names that only locate or describe a credential, a secretKeyRef and a $(VAR) expansion are not literals.
        compliant: variant(compliantDeployment, (d) => (main(d).env = [
            { name: "LOG_LEVEL", value: "info" },
            { name: "DB_PASSWORD_FILE", value: "/run/secrets/db/password" },
            { name: "TOKEN_TTL", value: "3600" },
            { name: "SECRET_NAME", value: "api-db" },
            { name: "DB_PASSWORD", value: "" },
            { name: "CONNECTION_TOKEN", value: "$(UPSTREAM_TOKEN)" },
            { name: "GREETING", value: "eyJ is how a JWT starts; AKIA is how an access key starts" },
        ])),
        broken: [
            deploy("literal DB_PASSWORD", (d) => (main(d).env = [{ name: "DB_PASSWORD", value: "hunter2" }])),
            deploy("lower-case api_key on initContainer", (d) => (init(d).env = [{ name: "stripe_api_key", value: "sk_live_123" }])),
            deploy("AWS secret access key", (d) => (main(d).env = [{ name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI" }])),
            deploy("GITHUB_TOKEN", (d) => (main(d).env = [{ name: "GITHUB_TOKEN", value: "ghp_abc" }])),
            deploy("PRIVATE_KEY", (d) => (main(d).env = [{ name: "JWT_PRIVATE_KEY", value: "-----BEGIN PRIVATE KEY-----" }])),
            deploy("CREDENTIALS", (d) => (main(d).env = [{ name: "GOOGLE_CREDENTIALS", value: "{}" }])),
            // By content, under names that say nothing.
            deploy("PEM private key in CONFIG", (d) => (main(d).env = [{ name: "CONFIG", value: "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----" }])),
            deploy("AWS access key id in UPSTREAM", (d) => (main(d).env = [{ name: "UPSTREAM", value: "AKIAIOSFODNN7EXAMPLE" }])),
            deploy("JWT in HEADER_VALUE", (d) => (init(d).env = [{ name: "HEADER_VALUE", value: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" }])),
        ],
    },
    podCase("sensitive-env-var", [pod("ephemeralContainer PASSWORD", (p) => (eph(p).env = [{ name: "PGPASSWORD", value: "postgres" }]))]),
    {
        rule: "secrets-from-env",
        type: DEPLOYMENT,
        // ConfigMap refs are fine, and the recommended shape: a Secret mounted as a file.
        compliant: variant(compliantDeployment, (d) => {
            main(d).env = [{ name: "LOG_LEVEL", valueFrom: { configMapKeyRef: { name: "api", key: "logLevel" } } }];
            main(d).envFrom = [{ configMapRef: { name: "api" } }];
            main(d).volumeMounts.push({ name: "db", mountPath: "/run/secrets/db", readOnly: true });
            T(d).volumes.push({ name: "db", secret: { secretName: "api-db" } });
        }),
        broken: [
            deploy("env secretKeyRef", (d) => (main(d).env = [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "api-db", key: "password" } } }])),
            deploy("initContainer envFrom secretRef", (d) => (init(d).envFrom = [{ secretRef: { name: "api-db" } }])),
        ],
    },
    deploymentCase("container-runtime-socket", [
        deploy("docker.sock", (d) => T(d).volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }), undefined, ["host-path-volume"]),
        deploy("containerd.sock", (d) => T(d).volumes.push({ name: "cri", hostPath: { path: "/run/containerd/containerd.sock", type: "Socket" } }), undefined, ["host-path-volume"]),
        deploy("crio.sock", (d) => T(d).volumes.push({ name: "cri", hostPath: { path: "/var/run/crio/crio.sock" } }), undefined, ["host-path-volume"]),
        deploy("cri-dockerd.sock", (d) => T(d).volumes.push({ name: "cri", hostPath: { path: "/var/run/cri-dockerd.sock" } }), undefined, ["host-path-volume"]),
        deploy("k3s containerd socket", (d) => T(d).volumes.push({ name: "cri", hostPath: { path: "/run/k3s/containerd/containerd.sock" } }), undefined, ["host-path-volume"]),
        deploy("directory holding the socket", (d) => T(d).volumes.push({ name: "run", hostPath: { path: "/var/run/" } }), undefined, ["host-path-volume"]),
        deploy("host root", (d) => T(d).volumes.push({ name: "host", hostPath: { path: "/" } }), undefined, ["host-path-volume"]),
    ]),
    deploymentCase("cpu-limits", [
        deploy("no cpu limit", (d) => delete main(d).resources.limits.cpu),
        deploy("initContainer without limits", (d) => delete init(d).resources.limits.cpu),
    ]),
    {
        rule: "image-pull-policy",
        type: DEPLOYMENT,
        // A tag with Always is re-resolved on every start; a digest is immutable whatever the policy.
        compliant: variant(compliantDeployment, (d) => {
            main(d).image = `${ECR}/platform/api:1.4.2`;
            main(d).imagePullPolicy = "Always";
            init(d).imagePullPolicy = "IfNotPresent";
        }),
        broken: [
            deploy("tag only, policy unset", (d) => (main(d).image = `${ECR}/platform/api:1.4.2`)),
            deploy("tag only, IfNotPresent", (d) => {
                init(d).image = `${ECR}/platform/api:1.4.2`;
                init(d).imagePullPolicy = "IfNotPresent";
            }),
            deploy("latest with Never", (d) => {
                main(d).image = `${ECR}/platform/api:latest`;
                main(d).imagePullPolicy = "Never";
            }, undefined, ["image-tag"]),
        ],
    },
    podCase("image-pull-policy", [pod("ephemeralContainer tag only", (p) => (eph(p).image = `${ECR}/platform/debug:2.0`))]),
    {
        rule: "default-namespace",
        type: DEPLOYMENT,
        // No namespace: the provider's namespace applies, which the program does not show.
        compliant: variant(compliantDeployment, (d) => delete d.metadata.namespace),
        broken: [deploy("explicit default namespace", (d) => (d.metadata.namespace = "default"))],
    },
    podCase("default-namespace", [pod("bare Pod in default", (p) => (p.metadata.namespace = "default"))]),
    deploymentCase("topology-spread", [
        deploy("replicated without spread", (d) => delete T(d).topologySpreadConstraints),
        deploy("empty spread list", (d) => (T(d).topologySpreadConstraints = [])),
        deploy("node key only", (d) => (T(d).topologySpreadConstraints = T(d).topologySpreadConstraints.slice(0, 1))),
        deploy("zone key only", (d) => (T(d).topologySpreadConstraints = T(d).topologySpreadConstraints.slice(1))),
    ]),
    {
        rule: "service-external-name",
        type: SERVICE,
        compliant: compliantService,
        broken: [
            {
                name: "ExternalName",
                props: variant(compliantService, (s) => {
                    s.spec = { type: "ExternalName", externalName: "db.example.com" };
                }),
            },
        ],
    },
    deploymentCase("priority-class", [deploy("no priorityClassName", (d) => delete T(d).priorityClassName)]),
    podCase("priority-class", [pod("bare Pod with empty priorityClassName", (p) => (p.spec.priorityClassName = ""))]),
];

