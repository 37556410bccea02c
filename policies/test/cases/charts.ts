/**
 * Helm chart rule fixtures: a pinned kube-prometheus-stack release with hardened values, whose
 * node exporter keeps the host network and PID namespaces under the default exemption. Each
 * variant sets one insecure value somewhere in the values tree.
 */
import type { RuleCase, StackCase } from "../support";

type Props = Record<string, unknown>;

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Hardened values; `extra` is merged one level deep per top-level key. */
function release(extra: Record<string, Props> = {}, top: Props = {}): Props {
    const values: Record<string, Props> = {
        "prometheus-node-exporter": { hostNetwork: true, hostPID: true },
        grafana: {
            securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
            containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
        },
        prometheus: { prometheusSpec: { securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000 }, retention: "15d" } },
        "kube-state-metrics": { securityContext: { enabled: true, runAsUser: 65534, runAsNonRoot: true } },
    };
    for (const [k, v] of Object.entries(extra)) values[k] = { ...(values[k] ?? {}), ...v };
    return {
        chart: "kube-prometheus-stack",
        version: "77.0.0",
        namespace: "monitoring",
        repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
        values,
        ...top,
    };
}

const grafanaContainer = (sc: Props) => ({
    grafana: {
        securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
        containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, ...sc },
    },
});

export const cases: RuleCase[] = [
    {
        rule: "chart-no-privileged",
        type: RELEASE,
        compliant: release(),
        broken: [
            { name: "privileged container in a subchart", props: release(grafanaContainer({ privileged: true })) },
            { name: "privileged as a string from --set", props: release({ prometheus: { prometheusSpec: { containers: [{ name: "sidecar", securityContext: { privileged: "true" } }] } } }) },
        ],
    },
    {
        rule: "chart-no-host-namespaces",
        type: RELEASE,
        compliant: release(),
        broken: [
            { name: "grafana on the host network", props: release({ grafana: { hostNetwork: true } }) },
            { name: "node exporter hostIPC is not exempt", props: release({ "prometheus-node-exporter": { hostIPC: true } }) },
            { name: "deeply nested hostPID", props: release({ prometheus: { prometheusSpec: { podTemplate: { spec: { hostPID: true } } } } }) },
            { name: "node exporter host network without the default exemption", props: release(), config: { chartExemptions: [] } },
        ],
    },
    {
        rule: "chart-no-root-user",
        type: RELEASE,
        compliant: release(),
        broken: [
            { name: "runAsUser 0", props: release({ prometheus: { prometheusSpec: { securityContext: { runAsUser: 0, fsGroup: 2000 } } } }) },
            { name: "runAsNonRoot false", props: release({ "kube-state-metrics": { securityContext: { enabled: true, runAsUser: 65534, runAsNonRoot: false } } }) },
        ],
    },
    {
        rule: "chart-no-privilege-escalation",
        type: RELEASE,
        compliant: release(),
        broken: [{ name: "allowPrivilegeEscalation true", props: release(grafanaContainer({ allowPrivilegeEscalation: true })) }],
    },
    {
        rule: "chart-no-dangerous-capabilities",
        type: RELEASE,
        compliant: release(grafanaContainer({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })),
        broken: [
            { name: "adds NET_ADMIN", props: release(grafanaContainer({ capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } })) },
            { name: "adds CAP_SYS_ADMIN (prefixed, lower case)", props: release(grafanaContainer({ capabilities: { add: ["cap_sys_admin"] } })) },
            { name: "adds ALL", props: release({ "prometheus-node-exporter": { containerSecurityContext: { capabilities: { add: ["ALL"] } } } }) },
        ],
    },
    {
        rule: "chart-security-context-enabled",
        type: RELEASE,
        compliant: release(),
        broken: [
            { name: "subchart securityContext disabled", props: release({ "kube-state-metrics": { securityContext: { enabled: false } } }) },
            { name: "podSecurityContext disabled", props: release({ grafana: { podSecurityContext: { enabled: false } } }) },
        ],
    },
    {
        rule: "chart-version-pinned",
        type: RELEASE,
        compliant: release(),
        broken: [
            { name: "no version", props: release({}, { version: undefined }) },
            { name: "caret range", props: release({}, { version: "^77.0.0" }) },
            { name: "x range", props: release({}, { version: "77.x" }) },
        ],
    },
    {
        rule: "chart-version-pinned",
        type: "kubernetes:helm.sh/v4:Chart",
        compliant: { chart: "oci://registry-1.docker.io/bitnamicharts/redis", version: "21.2.5", namespace: "apps", values: { auth: { enabled: true } } },
        broken: [{ name: "OCI chart without a version", props: { chart: "oci://registry-1.docker.io/bitnamicharts/redis", namespace: "apps", values: { auth: { enabled: true } } } }],
    },
];

/** Chart rules are all per resource. */
export const stackCases: StackCase[] = [];
