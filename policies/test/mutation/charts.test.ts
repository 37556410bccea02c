/**
 * Mutation-level tests of the Helm chart rules (policies/rules/charts): every values path each
 * rule looks at, the exact messages (release, chart, path, value, fix), chart name parsing,
 * chartExemptions (defaults, config, wildcards) and version pinning, with false positives and
 * odd-typed values as well as true positives.
 */
import * as assert from "assert";
import type { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { chartRules } from "../../rules/charts";
import { chartNoDangerousCapabilities, dangerousCapabilities } from "../../rules/charts/capabilities";
import { chartNoHostNamespaces } from "../../rules/charts/host-namespaces";
import { chartNoPrivilegeEscalation } from "../../rules/charts/privilege-escalation";
import { chartNoPrivileged } from "../../rules/charts/privileged";
import { chartNoRootUser } from "../../rules/charts/root-user";
import { chartSecurityContextEnabled } from "../../rules/charts/security-context-disabled";
import { chartName, DEFAULT_EXEMPTIONS, isExempt, isHelm, truthy, walkValues } from "../../rules/charts/util";
import { chartVersionPinned, isExactVersion } from "../../rules/charts/version-pinned";
import type { Rule } from "../../rules/types";
import { publishedMeta, runRules, urnOf } from "../support";

type Props = Record<string, unknown>;

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** The messages `rule` reports for one release (each on its URN). */
async function check(rule: Rule, props: Props, config: Props = {}, type = RELEASE, name = "rel"): Promise<string[]> {
    const findings = await runRules([rule], [{ type, name, props }], config);
    for (const f of findings) {
        assert.strictEqual(f.rule, rule.name);
        assert.strictEqual(f.urn, urnOf(type, name));
    }
    return findings.map((f) => f.message);
}

const CHART_EXEMPTIONS_SETTING = {
    type: "array",
    items: { type: "object", properties: { chart: { type: "string" }, path: { type: "string" }, reason: { type: "string" } }, required: ["chart", "path"] },
    default: [
        { chart: "kube-prometheus-stack", path: "prometheus-node-exporter.hostNetwork", reason: "node exporter reads host network metrics" },
        { chart: "kube-prometheus-stack", path: "prometheus-node-exporter.hostPID", reason: "node exporter reads host process metrics" },
        { chart: "prometheus-node-exporter", path: "hostNetwork", reason: "node exporter reads host network metrics" },
        { chart: "prometheus-node-exporter", path: "hostPID", reason: "node exporter reads host process metrics" },
    ],
    description: "Chart name + values path pairs allowed to set this value; replaces the default list (node exporter host namespaces).",
};

const EXPECTED_META: Record<string, { description: string; severity: string; enforcementLevel: string; controls: object; remediationSteps: string; settings: object }> = {
    "chart-no-privileged": {
        description: "Helm values must not enable privileged containers.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: {"pss":{"level":"baseline","control":"privileged"},"cisKubernetes":["5.2.2"],"cisEks":["4.2.1"],"nsaCisa":"pod-security","kubescape":["C-0057"]},
        remediationSteps: "Set privileged: false in the values, or add a reviewed { chart, path } entry to chartExemptions.",
        settings: { chartExemptions: CHART_EXEMPTIONS_SETTING },
    },
    "chart-no-host-namespaces": {
        description: "Helm values must not enable hostNetwork, hostPID or hostIPC.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"pss":{"level":"baseline","control":"host-namespaces"},"cisKubernetes":["5.2.5"],"cisEks":["4.2.4"],"nsaCisa":"pod-security","kubescape":["C-0041"]},
        remediationSteps: "Set hostNetwork, hostPID and hostIPC to false in the values, or add a reviewed { chart, path } entry to chartExemptions.",
        settings: { chartExemptions: CHART_EXEMPTIONS_SETTING },
    },
    "chart-no-root-user": {
        description: "Helm values must not set runAsUser: 0 or runAsNonRoot: false.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"pss":{"level":"restricted","control":"running-as-non-root"},"cisKubernetes":["5.2.7"],"cisEks":["4.2.6"],"nsaCisa":"pod-security","kubescape":["C-0013"]},
        remediationSteps: "Set runAsNonRoot: true and a non-zero runAsUser in the values.",
        settings: { chartExemptions: CHART_EXEMPTIONS_SETTING },
    },
    "chart-no-privilege-escalation": {
        description: "Helm values must not set allowPrivilegeEscalation: true.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"pss":{"level":"restricted","control":"privilege-escalation"},"cisKubernetes":["5.2.6"],"cisEks":["4.2.5"],"nsaCisa":"pod-security","kubescape":["C-0016"]},
        remediationSteps: "Set allowPrivilegeEscalation: false in the values.",
        settings: { chartExemptions: CHART_EXEMPTIONS_SETTING },
    },
    "chart-no-dangerous-capabilities": {
        description: "Helm values must not add capabilities beyond the Pod Security Standards baseline set.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: {"pss":{"level":"baseline","control":"capabilities"},"cisKubernetes":["5.2.9"],"cisEks":["4.2.8"],"nsaCisa":"pod-security","kubescape":["C-0046"]},
        remediationSteps: "Remove the added capabilities from the values (keep drop: [ALL]), or add a reviewed { chart, path } entry to chartExemptions.",
        settings: { chartExemptions: CHART_EXEMPTIONS_SETTING },
    },
    "chart-security-context-enabled": {
        description: "Helm values must not disable the chart's securityContext (enabled: false).",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: {"cisKubernetes":["5.7.3"],"nsaCisa":"pod-security","kubescape":["C-0211"]},
        remediationSteps: "Remove enabled: false from the chart's securityContext values (keep the chart's hardened defaults).",
        settings: { chartExemptions: CHART_EXEMPTIONS_SETTING },
    },
    "chart-version-pinned": {
        description: "Helm releases should pin an exact chart version.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Set version to an exact chart version (e.g. 65.1.1), not a range or nothing.",
        settings: {},
    },
};

const PRIV = ["which runs a privileged container", "set it to false, or add a reviewed { chart, path } entry to chartExemptions."];
const HOST = ["which shares a host namespace with the pod", "set it to false, or add a reviewed { chart, path } entry to chartExemptions (as for node exporter)."];
const ESC = ["which allows privilege escalation", "set allowPrivilegeEscalation: false."];
const ROOT = ["which lets the container run as root", "use a non-zero runAsUser and runAsNonRoot: true."];
const CAPS = ["which adds capabilities outside the baseline set", "drop ALL and add back only NET_BIND_SERVICE (or another baseline capability) if needed."];
const SECCTX = ["which disables the chart's security context", "remove it (keep the chart's defaults) or set enabled: true with your own hardened values."];

/** The message a values rule prints for one value. */
const sets = (chart: string, path: string, value: unknown, [what, fix]: string[], release = "rel") =>
    `Helm release ${release} (chart ${chart}) sets values.${path}=${JSON.stringify(value)}, ${what}: ${fix}`;

describe("chart rules (mutation)", () => {
    describe("metadata", () => {
        it("every chart rule publishes its id, description, severity, level, controls, remediation and settings", () => {
            assert.deepStrictEqual(chartRules.map((r) => r.name), Object.keys(EXPECTED_META));
            for (const r of chartRules) assert.deepStrictEqual(publishedMeta(r), EXPECTED_META[r.name], r.name);
            assert.deepStrictEqual(DEFAULT_EXEMPTIONS, CHART_EXEMPTIONS_SETTING.default);
        });
    });

    describe("util", () => {
        it("isHelm: Helm releases and charts of any API version, nothing else", () => {
            for (const t of ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v10:Release"]) assert.strictEqual(isHelm(t), true, t);
            for (const t of [
                "kubernetes:helm.sh/v:Release",
                "kubernetes:helm.sh/vX:Release",
                "kubernetes:helm.sh/v3:ReleaseList",
                "kubernetes:helm.sh/v3:Releas",
                "xkubernetes:helm.sh/v3:Release",
                "kubernetes:helm.sh/v3:Charts",
                "kubernetes:apps/v1:Deployment",
                "kubernetes:helm.sh/v3:Release:x",
                "",
            ]) {
                assert.strictEqual(isHelm(t), false, t);
            }
        });

        it("chartName strips repository, OCI path, trailing slashes, .tgz and version suffixes", () => {
            const cases: [unknown, string][] = [
                ["redis", "redis"],
                ["bitnami/redis", "redis"],
                ["oci://registry-1.docker.io/bitnamicharts/redis", "redis"],
                ["./charts/web/", "web"],
                ["./charts/web//", "web"],
                ["web.tgz", "web"],
                ["web.tgzx", "web.tgzx"],
                ["web-1.2.3.tgz", "web"],
                ["charts/web-v10.20.30.tgz", "web"],
                ["web-1.2.3", "web"],
                ["web-1.2.3-rc.1", "web"],
                ["my-chart-2", "my-chart-2"],
                ["my-chart-1.2", "my-chart-1.2"],
                ["web1.2.3", "web1.2.3"],
                [undefined, ""],
                [42, ""],
                [["redis"], ""],
            ];
            for (const [chart, want] of cases) assert.strictEqual(chartName({ chart }), want, String(chart));
        });

        it("walkValues lists every scalar and array with its path, key and parent key, depth first", () => {
            assert.deepStrictEqual(walkValues({ a: { b: [1, { c: true }, [{ d: 0 }], null, "s"] }, e: "x" }), [
                { path: "a.b", key: "b", parentKey: "a", value: [1, { c: true }, [{ d: 0 }], null, "s"] },
                { path: "a.b[1].c", key: "c", parentKey: "b", value: true },
                { path: "a.b[2]", key: "b", parentKey: "a", value: [{ d: 0 }] },
                { path: "a.b[2][0].d", key: "d", parentKey: "b", value: 0 },
                { path: "e", key: "e", parentKey: "", value: "x" },
            ]);
            assert.deepStrictEqual(walkValues("x"), [{ path: "", key: "", parentKey: "", value: "x" }]);
            assert.deepStrictEqual(walkValues(null), [{ path: "", key: "", parentKey: "", value: null }]);
            assert.deepStrictEqual(walkValues({}), []);
        });

        it("isExempt: chart must match; '*' is one segment, '**' any run; other characters are literal", () => {
            const ex = [
                { chart: "cilium", path: "agent.*" },
                { chart: "cilium", path: "**.hostPID" },
                { chart: "cilium", path: "daemons[*].host+ipc" },
                { chart: "other", path: "**" },
            ];
            assert.strictEqual(isExempt("cilium", "agent.hostNetwork", ex), true);
            assert.strictEqual(isExempt("cilium", "agent.", ex), true);
            assert.strictEqual(isExempt("cilium", "agent.x.hostNetwork", ex), false);
            assert.strictEqual(isExempt("cilium", "agentXhostNetwork", ex), false);
            assert.strictEqual(isExempt("cilium", "xagent.hostNetwork", ex), false);
            assert.strictEqual(isExempt("cilium", "a.b.hostPID", ex), true);
            assert.strictEqual(isExempt("cilium", "a.b.hostPIDs", ex), false);
            assert.strictEqual(isExempt("cilium", "daemons[3].host+ipc", ex), true);
            assert.strictEqual(isExempt("cilium", "daemons3.hostipc", ex), false);
            assert.strictEqual(isExempt("cilium", "daemons[3].hostttipc", ex), false);
            assert.strictEqual(isExempt("other", "anything.at.all", ex), true);
            assert.strictEqual(isExempt("cilium2", "agent.hostNetwork", ex), false);
            assert.strictEqual(isExempt("cilium", "agent.hostNetwork", []), false);
            assert.strictEqual(isExempt("c", "a(b)$^{1}|?", [{ chart: "c", path: "a(b)$^{1}|?" }]), true);
            assert.strictEqual(isExempt("c", "ab", [{ chart: "c", path: "a(b)$^{1}|?" }]), false);
            assert.strictEqual(isExempt("c", "a\\b", [{ chart: "c", path: "a\\b" }]), true);
        });

        it("truthy accepts true and \"true\" only", () => {
            assert.deepStrictEqual([true, "true", false, "false", 1, "yes", "TRUE", undefined].map(truthy), [true, true, false, false, false, false, false, false]);
        });
    });

    describe("chart-no-privileged", () => {
        it("reports privileged true or \"true\" at any depth, in lists too", async () => {
            const values = { privileged: true, controller: { securityContext: { privileged: "true" } }, sidecars: [{ name: "a", securityContext: { privileged: true } }, { securityContext: { privileged: false } }] };
            assert.deepStrictEqual(await check(chartNoPrivileged, { chart: "bitnami/redis", version: "1.2.3", values }), [
                sets("redis", "privileged", true, PRIV),
                sets("redis", "controller.securityContext.privileged", "true", PRIV),
                sets("redis", "sidecars[0].securityContext.privileged", true, PRIV),
            ]);
        });

        it("passes false, odd-typed values and other keys", async () => {
            const values = { privileged: false, a: { privileged: "false" }, b: { privileged: 1 }, c: { privileged: [true] }, d: { isPrivileged: true }, e: { privileged: { enabled: true } } };
            assert.deepStrictEqual(await check(chartNoPrivileged, { chart: "redis", values }), []);
            assert.deepStrictEqual(await check(chartNoPrivileged, { chart: "redis" }), []);
            assert.deepStrictEqual(await check(chartNoPrivileged, { chart: "redis", values: "privileged: true" }), []);
        });

        it("checks Helm v3 Releases, v3 and v4 Charts, names a missing chart 'unknown', and ignores other types", async () => {
            const props = { chart: "web", values: { privileged: true } };
            assert.deepStrictEqual(await check(chartNoPrivileged, props, {}, "kubernetes:helm.sh/v4:Chart", "c4"), [sets("web", "privileged", true, PRIV, "c4")]);
            assert.deepStrictEqual(await check(chartNoPrivileged, props, {}, "kubernetes:helm.sh/v3:Chart", "c3"), [sets("web", "privileged", true, PRIV, "c3")]);
            assert.deepStrictEqual(await check(chartNoPrivileged, { values: { privileged: true } }), [sets("unknown", "privileged", true, PRIV)]);
            assert.deepStrictEqual(await check(chartNoPrivileged, props, {}, "kubernetes:apps/v1:Deployment", "d"), []);
            assert.deepStrictEqual(await check(chartNoPrivileged, props, {}, "kubernetes:helm.sh/v3:ReleaseList", "d"), []);
        });

        it("chartExemptions exempt a path of one chart only", async () => {
            const config = { chartExemptions: [{ chart: "falco", path: "driver.privileged", reason: "kernel module" }] };
            const values = { driver: { privileged: true }, privileged: true };
            assert.deepStrictEqual(await check(chartNoPrivileged, { chart: "falcosecurity/falco", values }, config), [sets("falco", "privileged", true, PRIV)]);
            assert.deepStrictEqual(await check(chartNoPrivileged, { chart: "falco-2", values }, config), [sets("falco-2", "driver.privileged", true, PRIV), sets("falco-2", "privileged", true, PRIV)]);
        });

        it("reads the default exemptions when the SDK returns no config", async () => {
            const validate = chartNoHostNamespaces.validateResource as ResourceValidation;
            const out: string[] = [];
            const args = {
                type: RELEASE, name: "ne", urn: urnOf(RELEASE, "ne"), props: { chart: "prometheus-node-exporter", values: { hostNetwork: true, hostIPC: true } },
                opts: {}, stackTags: new Map(), getConfig: () => undefined, notApplicable: () => { throw new Error("n/a"); }, isType: () => false, asType: () => undefined,
            } as unknown as ResourceValidationArgs;
            await validate(args, (m: string) => { out.push(m); });
            assert.deepStrictEqual(out, [sets("prometheus-node-exporter", "hostIPC", true, HOST, "ne")]);
        });
    });

    describe("chart-no-host-namespaces", () => {
        it("reports hostNetwork, hostPID and hostIPC true or \"true\"", async () => {
            const values = { hostNetwork: true, agent: { hostPID: "true", hostIPC: true }, hostIPC: false, hostPort: true, hostPID: "false" };
            assert.deepStrictEqual(await check(chartNoHostNamespaces, { chart: "cilium", values }), [
                sets("cilium", "hostNetwork", true, HOST),
                sets("cilium", "agent.hostPID", "true", HOST),
                sets("cilium", "agent.hostIPC", true, HOST),
            ]);
        });

        it("exempts node exporter's host network and PID by default, not its IPC", async () => {
            const sub = { "prometheus-node-exporter": { hostNetwork: true, hostPID: true, hostIPC: true }, hostNetwork: true };
            assert.deepStrictEqual(await check(chartNoHostNamespaces, { chart: "prometheus-community/kube-prometheus-stack", values: sub }), [
                sets("kube-prometheus-stack", "prometheus-node-exporter.hostIPC", true, HOST),
                sets("kube-prometheus-stack", "hostNetwork", true, HOST),
            ]);
            const own = { hostNetwork: true, hostPID: true, hostIPC: true, x: { hostNetwork: true } };
            assert.deepStrictEqual(await check(chartNoHostNamespaces, { chart: "oci://ghcr.io/prometheus-community/charts/prometheus-node-exporter", values: own }), [
                sets("prometheus-node-exporter", "hostIPC", true, HOST),
                sets("prometheus-node-exporter", "x.hostNetwork", true, HOST),
            ]);
            assert.deepStrictEqual(await check(chartNoHostNamespaces, { chart: "other", values: { hostNetwork: true, hostPID: true } }), [
                sets("other", "hostNetwork", true, HOST),
                sets("other", "hostPID", true, HOST),
            ]);
        });

        it("chartExemptions in config replace the defaults; wildcards match", async () => {
            const own = { hostNetwork: true, hostPID: true };
            assert.deepStrictEqual(await check(chartNoHostNamespaces, { chart: "prometheus-node-exporter", values: own }, { chartExemptions: [] }), [
                sets("prometheus-node-exporter", "hostNetwork", true, HOST),
                sets("prometheus-node-exporter", "hostPID", true, HOST),
            ]);
            const config = { chartExemptions: [{ chart: "cilium", path: "**.hostNetwork" }, { chart: "cilium", path: "envoy.*" }] };
            const values = { a: { b: { hostNetwork: true } }, envoy: { hostPID: true, x: { hostPID: true } }, daemons: [{ hostIPC: true }] };
            assert.deepStrictEqual(await check(chartNoHostNamespaces, { chart: "cilium", values }, config), [
                sets("cilium", "envoy.x.hostPID", true, HOST),
                sets("cilium", "daemons[0].hostIPC", true, HOST),
            ]);
        });
    });

    describe("chart-no-privilege-escalation", () => {
        it("reports allowPrivilegeEscalation true or \"true\", passes false", async () => {
            const values = { allowPrivilegeEscalation: true, a: { allowPrivilegeEscalation: "true" }, b: { allowPrivilegeEscalation: false }, c: { allowEscalation: true } };
            assert.deepStrictEqual(await check(chartNoPrivilegeEscalation, { chart: "web", values }), [
                sets("web", "allowPrivilegeEscalation", true, ESC),
                sets("web", "a.allowPrivilegeEscalation", "true", ESC),
            ]);
        });
    });

    describe("chart-no-root-user", () => {
        it("reports runAsUser 0 / \"0\" and runAsNonRoot false / \"false\"", async () => {
            const values = { securityContext: { runAsUser: 0, runAsNonRoot: false }, init: { runAsUser: "0", runAsNonRoot: "false" } };
            assert.deepStrictEqual(await check(chartNoRootUser, { chart: "web", values }), [
                sets("web", "securityContext.runAsUser", 0, ROOT),
                sets("web", "securityContext.runAsNonRoot", false, ROOT),
                sets("web", "init.runAsUser", "0", ROOT),
                sets("web", "init.runAsNonRoot", "false", ROOT),
            ]);
        });

        it("passes non-root users, other ids and odd-typed values", async () => {
            const values = { runAsUser: 1000, runAsNonRoot: true, runAsGroup: 0, fsGroup: 0, a: { runAsUser: false, runAsNonRoot: 0 }, b: { runAsUser: [0], runAsNonRoot: [false] }, c: { runAsUser: "", runAsNonRoot: "" }, readOnlyRootFilesystem: false };
            assert.deepStrictEqual(await check(chartNoRootUser, { chart: "web", values }), []);
        });
    });

    describe("chart-no-dangerous-capabilities", () => {
        it("dangerousCapabilities normalises and keeps what is outside the baseline", () => {
            assert.deepStrictEqual(dangerousCapabilities(["SYS_ADMIN", "chown", "CAP_NET_ADMIN", "cap_net_bind_service"]), ["SYS_ADMIN", "NET_ADMIN"]);
            assert.deepStrictEqual(dangerousCapabilities("all"), ["ALL"]);
            assert.deepStrictEqual(dangerousCapabilities("CHOWN"), []);
            assert.deepStrictEqual(dangerousCapabilities(5), []);
            assert.deepStrictEqual(dangerousCapabilities(undefined), []);
            assert.deepStrictEqual(dangerousCapabilities({ add: "SYS_ADMIN" }), []);
        });

        it("reports capabilities.add lists and strings with anything beyond the baseline", async () => {
            const values = {
                securityContext: { capabilities: { add: ["NET_BIND_SERVICE", "cap_net_raw"], drop: ["ALL"] } },
                agent: { capabilities: { add: "SYS_PTRACE" } },
                ok: { capabilities: { add: ["CHOWN", "NET_BIND_SERVICE"] } },
                okString: { capabilities: { add: "CHOWN" } },
            };
            assert.deepStrictEqual(await check(chartNoDangerousCapabilities, { chart: "web", values }), [
                sets("web", "securityContext.capabilities.add", ["NET_BIND_SERVICE", "cap_net_raw"], CAPS),
                sets("web", "agent.capabilities.add", "SYS_PTRACE", CAPS),
            ]);
        });

        it("only reads add directly under capabilities; odd-typed add lists do not crash", async () => {
            const values = {
                securityContext: { add: ["SYS_ADMIN"], capabilities: { drop: ["SYS_ADMIN"], add: 5 } },
                capabilities: { add: null },
                other: { capabilities: { add: { SYS_ADMIN: true } } },
                addons: { add: ["SYS_ADMIN"] },
            };
            assert.deepStrictEqual(await check(chartNoDangerousCapabilities, { chart: "web", values }), []);
        });

        it("reads capabilities given as a list of objects and nested lists", async () => {
            assert.deepStrictEqual(await check(chartNoDangerousCapabilities, { chart: "web", values: { capabilities: [{ add: ["NET_ADMIN"] }] } }), [sets("web", "capabilities[0].add", ["NET_ADMIN"], CAPS)]);
            assert.deepStrictEqual(await check(chartNoDangerousCapabilities, { chart: "web", values: { capabilities: { add: [["SYS_ADMIN"]] } } }), [
                sets("web", "capabilities.add", [["SYS_ADMIN"]], CAPS),
                sets("web", "capabilities.add[0]", ["SYS_ADMIN"], CAPS),
            ]);
        });
    });

    describe("chart-security-context-enabled", () => {
        it("reports enabled false / \"false\" under any *securityContext key, in any case", async () => {
            const values = {
                podSecurityContext: { enabled: false },
                containerSecurityContext: { enabled: "false" },
                securityContext: { enabled: false },
                volumePermissions: { containerSecurityContext: { enabled: false } },
                sidecars: [{ SECURITYCONTEXT: { enabled: false } }],
            };
            assert.deepStrictEqual(await check(chartSecurityContextEnabled, { chart: "bitnami/postgresql", values }), [
                sets("postgresql", "podSecurityContext.enabled", false, SECCTX),
                sets("postgresql", "containerSecurityContext.enabled", "false", SECCTX),
                sets("postgresql", "securityContext.enabled", false, SECCTX),
                sets("postgresql", "volumePermissions.containerSecurityContext.enabled", false, SECCTX),
                sets("postgresql", "sidecars[0].SECURITYCONTEXT.enabled", false, SECCTX),
            ]);
        });

        it("passes enabled true, other parents and other keys", async () => {
            const values = {
                enabled: false,
                metrics: { enabled: false },
                podSecurityContext: { enabled: true, runAsUser: false },
                containerSecurityContext: { enabled: 0 },
                securityContextConstraints: { enabled: false },
                securityContext: { enable: false, enabled: "no" },
            };
            assert.deepStrictEqual(await check(chartSecurityContextEnabled, { chart: "web", values }), []);
        });
    });

    describe("chart-version-pinned", () => {
        const tail = ': set version to the exact chart version (e.g. "1.2.3") and let promotion update it.';
        it("isExactVersion: exact semver (optionally v-prefixed, pre-release, build, padded) only", () => {
            for (const v of ["1.2.3", "v1.2.3-rc.1", " 65.1.1 ", "1.2.3+build.5", "10.20.30", "1.2.3-2", "1.2.3-alpha-1+b.2"]) assert.strictEqual(isExactVersion(v), true, v);
            for (const v of ["^1.2", "~1", "1.x", "*", ">=1.2.3", "1.2", "1.2.3.4", "1.2.3-", "1.2.3-rc_1", "1.2.3 || 2.0.0", "latest", "a1.2.3", "1.2.3x", "vv1.2.3", "", 1, undefined, ["1.2.3"]]) {
                assert.strictEqual(isExactVersion(v), false, String(v));
            }
        });

        it("passes exact versions", async () => {
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "bitnami/redis", version: "19.0.1" }), []);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "bitnami/redis", version: "v1.2.3-rc.1" }), []);
        });

        it("reports missing versions and ranges, naming the chart", async () => {
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "bitnami/redis" }), [`Helm release rel (chart redis) has no version${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "oci://ghcr.io/org/charts/web", version: "" }), [`Helm release rel (chart web) has no version${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "redis", version: "^19.0" }), [`Helm release rel (chart redis) uses version range "^19.0"${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "redis", version: 1.2 }), [`Helm release rel (chart redis) uses version range "1.2"${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { version: "*" }), [`Helm release rel (chart unknown) uses version range "*"${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: 7 }), [`Helm release rel (chart unknown) has no version${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: ["./charts/web"] }), [`Helm release rel (chart unknown) has no version${tail}`]);
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "web" }, {}, "kubernetes:helm.sh/v4:Chart", "c"), [`Helm release c (chart web) has no version${tail}`]);
        });

        it("skips local chart paths only", async () => {
            for (const chart of ["./charts/web", "../web", "/opt/charts/web", "file:///charts/web.tgz"]) {
                assert.deepStrictEqual(await check(chartVersionPinned, { chart }), [], chart);
            }
            for (const [chart, name] of [[".../web", "web"], ["charts/./web", "web"], ["repo/web", "web"], ["file:/web", "web"], ["xfile:///web", "web"]]) {
                assert.deepStrictEqual(await check(chartVersionPinned, { chart }), [`Helm release rel (chart ${name}) has no version${tail}`], chart);
            }
        });

        it("ignores non-Helm resources", async () => {
            assert.deepStrictEqual(await check(chartVersionPinned, { chart: "redis" }, {}, "kubernetes:apps/v1:Deployment", "d"), []);
        });
    });
});
