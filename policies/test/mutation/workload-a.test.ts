/**
 * Workload rules, first half (allowed-registries .. min-replicas): the exact messages users
 * see (object, container, field path and fix), the boundaries of every comparison, every
 * setting the rules read, every entry of their built-in tables, init and ephemeral
 * containers, pod- vs container-level securityContext, and malformed input.
 */
import * as assert from "assert";
import { BASELINE_CAPABILITIES } from "../../rules/util/capabilities";
import type { ResourceRule } from "../../rules/types";
import { allowedRegistries } from "../../rules/workload/allowed-registries";
import { apparmor } from "../../rules/workload/apparmor";
import { capabilitiesBaseline } from "../../rules/workload/capabilities-baseline";
import { capabilitiesRestricted } from "../../rules/workload/capabilities-restricted";
import { containerRuntimeSocket, exposesRuntimeSocket, RUNTIME_SOCKETS } from "../../rules/workload/container-runtime-socket";
import { cpuLimits } from "../../rules/workload/cpu-limits";
import { cpuRequests } from "../../rules/workload/cpu-requests";
import { defaultNamespace } from "../../rules/workload/default-namespace";
import { hostIpc } from "../../rules/workload/host-ipc";
import { hostNetwork } from "../../rules/workload/host-network";
import { hostPathVolume } from "../../rules/workload/host-path-volume";
import { hostPid } from "../../rules/workload/host-pid";
import { hostPorts } from "../../rules/workload/host-ports";
import { hostProcess } from "../../rules/workload/host-process";
import { imagePullPolicy } from "../../rules/workload/image-pull-policy";
import { imageTag } from "../../rules/workload/image-tag";
import { livenessProbe } from "../../rules/workload/liveness-probe";
import { memoryRequestsLimits } from "../../rules/workload/memory-requests-limits";
import { minReplicas } from "../../rules/workload/min-replicas";
import { compliantDeployment, compliantPod } from "../cases/workload";
import { runRules, urnOf, variant } from "../support";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const POD = "kubernetes:core/v1:Pod";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const JOB = "kubernetes:batch/v1:Job";
const CRONJOB = "kubernetes:batch/v1:CronJob";

const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** Field paths of the fixtures' containers, as messages print them. */
const MAIN = "spec.template.spec.containers[0]";
const INIT = "spec.template.spec.initContainers[0]";
const EPH = "spec.ephemeralContainers[0]";
/** Message prefixes of the two fixtures. */
const D = 'Deployment "api": ';
const P = 'Pod "api-debug": ';

type Edit = (copy: any) => void;
const T = (d: any) => d.spec.template.spec;
const main = (d: any) => T(d).containers[0];
const init = (d: any) => T(d).initContainers[0];
const eph = (p: any) => p.spec.ephemeralContainers[0];
const dep = (edit: Edit) => variant(compliantDeployment, edit);
const pod = (edit: Edit) => variant(compliantPod, edit);

/** Runs one rule over one resource the way the pack does; returns the messages reported. */
async function messages(rule: ResourceRule, props: Record<string, unknown>, config: Record<string, unknown> = {}, type = DEPLOYMENT): Promise<string[]> {
    const findings = await runRules([rule], [{ type, name: "res", props }], config);
    for (const f of findings) {
        assert.strictEqual(f.rule, rule.name);
        assert.strictEqual(f.urn, urnOf(type, "res"));
    }
    return findings.map((f) => f.message);
}

const BASE_KEYS = ["exemptNamespaces", "exemptObjects", "exemptions"];

describe("workload rules A: metadata users see", () => {
    const table: [ResourceRule, Record<string, unknown>, string[]][] = [
        [allowedRegistries, {
            name: "allowed-registries",
            description: "Images must come from an allowed registry.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { nsaCisa: "pod-security", kubescape: ["C-0078"] },
            remediationSteps: "Pull the image from an allowed registry (mirror it into ECR) or add the registry to allowedRegistries.",
        }, ["allowedRegistries"]],
        [apparmor, {
            name: "apparmor",
            description: "AppArmor must not be set to Unconfined.",
            severity: "medium",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "apparmor" }, nsaCisa: "pod-security", kubescape: ["C-0055"] },
            remediationSteps: "Remove Unconfined AppArmor settings; use RuntimeDefault (runtime/default) or a Localhost profile.",
        }, []],
        [capabilitiesBaseline, {
            name: "capabilities-baseline",
            description: "Containers may add only the baseline capability set.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "capabilities" }, cisKubernetes: ["5.2.9"], cisEks: ["4.2.8"], nsaCisa: "pod-security", kubescape: ["C-0046"] },
            remediationSteps:
                "Remove capabilities.add entries outside AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.",
        }, []],
        [capabilitiesRestricted, {
            name: "capabilities-restricted",
            description: "Containers must drop ALL capabilities and add only NET_BIND_SERVICE.",
            severity: "medium",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "restricted", control: "capabilities" }, cisKubernetes: ["5.2.8"], cisEks: ["4.2.7"], nsaCisa: "pod-security", kubescape: ["C-0046"] },
            remediationSteps: 'Set securityContext.capabilities to { drop: ["ALL"] } (add: ["NET_BIND_SERVICE"] only if needed).',
        }, []],
        [containerRuntimeSocket, {
            name: "container-runtime-socket",
            description: "Pods must not mount a container runtime socket (docker.sock, containerd.sock, crio.sock) from the host.",
            severity: "critical",
            enforcementLevel: "mandatory",
            controls: { nsaCisa: "pod-security", kubescape: ["C-0074"] },
            remediationSteps:
                "Remove the hostPath volume exposing the runtime socket; build images with an in-cluster builder (BuildKit rootless, Kaniko) and read container data through the Kubernetes API.",
        }, []],
        [cpuLimits, {
            name: "cpu-limits",
            description: "Containers should set resources.limits.cpu.",
            severity: "low",
            enforcementLevel: "advisory",
            controls: { nsaCisa: "network-separation", kubescape: ["C-0270"] },
            remediationSteps: "Set resources.limits.cpu (e.g. 500m, at least the CPU request).",
        }, []],
        [cpuRequests, {
            name: "cpu-requests",
            description: "Containers should set resources.requests.cpu.",
            severity: "low",
            enforcementLevel: "advisory",
            controls: { nsaCisa: "network-separation", kubescape: ["C-0050"] },
            remediationSteps: "Set resources.requests.cpu (e.g. 250m).",
        }, []],
        [defaultNamespace, {
            name: "default-namespace",
            description: "Workloads should not run in the default namespace.",
            severity: "medium",
            enforcementLevel: "advisory",
            controls: { nsaCisa: "network-separation", kubescape: ["C-0061"] },
            remediationSteps: "Set metadata.namespace to a namespace of the application's own, with its own RBAC, NetworkPolicies and quotas.",
        }, []],
        [hostIpc, {
            name: "host-ipc",
            description: "Pods must not set hostIPC.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.4"], cisEks: ["4.2.3"], nsaCisa: "pod-security", kubescape: ["C-0038"] },
            remediationSteps: "Remove hostIPC from the pod spec or set it to false.",
        }, []],
        [hostNetwork, {
            name: "host-network",
            description: "Pods must not set hostNetwork.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.5"], cisEks: ["4.2.4"], nsaCisa: "pod-security", kubescape: ["C-0041"] },
            remediationSteps: "Remove hostNetwork from the pod spec or set it to false.",
        }, []],
        [hostPathVolume, {
            name: "host-path-volume",
            description: "Pods must not mount hostPath volumes.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "host-path-volumes" }, cisKubernetes: ["5.2.12"], nsaCisa: "pod-security", kubescape: ["C-0048"] },
            remediationSteps: "Replace hostPath volumes with emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.",
        }, []],
        [hostPid, {
            name: "host-pid",
            description: "Pods must not set hostPID.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "host-namespaces" }, cisKubernetes: ["5.2.3"], cisEks: ["4.2.2"], nsaCisa: "pod-security", kubescape: ["C-0038"] },
            remediationSteps: "Remove hostPID from the pod spec or set it to false.",
        }, []],
        [hostPorts, {
            name: "host-ports",
            description: "Containers must not use hostPort outside the allowedHostPorts ranges.",
            severity: "medium",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "host-ports" }, cisKubernetes: ["5.2.13"], nsaCisa: "pod-security", kubescape: ["C-0044"] },
            remediationSteps: "Remove ports[].hostPort and expose the pod through a Service, or add the port to allowedHostPorts if a node agent must listen on it.",
        }, ["allowedHostPorts"]],
        [hostProcess, {
            name: "host-process",
            description: "Pods and containers must not run as Windows HostProcess.",
            severity: "critical",
            enforcementLevel: "mandatory",
            controls: { pss: { level: "baseline", control: "host-process" }, cisKubernetes: ["5.2.11"], nsaCisa: "pod-security", kubescape: ["C-0202"] },
            remediationSteps: "Remove securityContext.windowsOptions.hostProcess (pod and containers) or set it to false.",
        }, []],
        [imagePullPolicy, {
            name: "image-pull-policy",
            description: "Containers whose image is pinned by tag only should set imagePullPolicy: Always.",
            severity: "low",
            enforcementLevel: "advisory",
            controls: { nsaCisa: "pod-security", kubescape: ["C-0075"] },
            remediationSteps: "Pin the image by digest (repo@sha256:<digest>) or set imagePullPolicy: Always.",
        }, []],
        [imageTag, {
            name: "image-tag",
            description: "Images must have a fixed tag (not latest) and, where required, a sha256 digest.",
            severity: "high",
            enforcementLevel: "mandatory",
            controls: { nsaCisa: "pod-security", kubescape: ["C-0075"] },
            remediationSteps: "Reference images as repo:version or repo@sha256:<digest> (digest required when requireDigest is set).",
        }, ["requireDigest"]],
        [livenessProbe, {
            name: "liveness-probe",
            description: "Long-running containers should define a livenessProbe.",
            severity: "low",
            enforcementLevel: "advisory",
            controls: { kubescape: ["C-0056"] },
            remediationSteps: "Add a livenessProbe (httpGet on the health endpoint, e.g. /healthz) to each container.",
        }, []],
        [memoryRequestsLimits, {
            name: "memory-requests-limits",
            description: "Containers should set resources.requests.memory and resources.limits.memory.",
            severity: "medium",
            enforcementLevel: "advisory",
            controls: { nsaCisa: "network-separation", kubescape: ["C-0004"] },
            remediationSteps: "Set resources.requests.memory and resources.limits.memory (e.g. 256Mi / 512Mi).",
        }, []],
        [minReplicas, {
            name: "min-replicas",
            description: "Deployments and Argo Rollouts should run at least minReplicas replicas.",
            severity: "medium",
            enforcementLevel: "advisory",
            controls: {},
            remediationSteps: "Set spec.replicas to at least minReplicas (and a PodDisruptionBudget).",
        }, ["minReplicas"]],
    ];
    for (const [rule, meta, keys] of table) {
        it(`${String(meta.name)}: id, description, severity, enforcement, controls, remediation and settings`, () => {
            const { name, description, severity, enforcementLevel, controls, remediationSteps } = rule;
            assert.deepStrictEqual({ name, description, severity, enforcementLevel, controls, remediationSteps }, meta);
            assert.deepStrictEqual(Object.keys(rule.configSchema?.properties ?? {}).sort(), [...BASE_KEYS, ...keys].sort());
            assert.strictEqual(typeof rule.validateResource, "function");
        });
    }
});

describe("workload rules A: every rule passes the compliant fixtures", () => {
    const rules = [allowedRegistries, apparmor, capabilitiesBaseline, capabilitiesRestricted, containerRuntimeSocket, cpuLimits, cpuRequests,
        defaultNamespace, hostIpc, hostNetwork, hostPathVolume, hostPid, hostPorts, hostProcess, imagePullPolicy, imageTag, livenessProbe,
        memoryRequestsLimits, minReplicas];
    it("the compliant Deployment and Pod raise nothing", async () => {
        const findings = await runRules(rules, [
            { type: DEPLOYMENT, name: "d", props: compliantDeployment },
            { type: POD, name: "p", props: compliantPod },
        ]);
        assert.deepStrictEqual(findings, []);
    });
    it("a pod spec with odd-typed or missing lists raises nothing and does not crash", async () => {
        const odd = { apiVersion: "v1", kind: "Pod", metadata: { name: "odd", namespace: "apps" },
            spec: { containers: "api", initContainers: [null, 5, "x"], ephemeralContainers: {}, volumes: "tmp", securityContext: "none" } };
        const findings = await runRules(rules.filter((r) => r !== minReplicas), [{ type: POD, name: "p", props: odd }]);
        assert.deepStrictEqual(findings, []);
    });
});

describe("allowed-registries", () => {
    const DEFAULTS = "*.dkr.ecr.*.amazonaws.com, public.ecr.aws, registry.k8s.io, quay.io, docker.io, ghcr.io";
    it("reports an image outside the default list, naming the container, the path, the registry and the allowed list", async () => {
        const props = dep((d) => (main(d).image = "registry.example.com/team/api:1.0"));
        assert.deepStrictEqual(await messages(allowedRegistries, props), [
            `${D}container "api" image "registry.example.com/team/api:1.0" at ${MAIN}.image comes from registry.example.com, ` +
                `which is not in allowedRegistries (${DEFAULTS}); mirror it to an allowed registry`,
        ]);
    });
    it("allows every default registry", async () => {
        for (const image of [`${ECR}/a/b:1`, "public.ecr.aws/a/b:1", "registry.k8s.io/pause:3.9", "quay.io/a/b:1", "nginx:1.25", "ghcr.io/a/b:1"]) {
            assert.deepStrictEqual(await messages(allowedRegistries, dep((d) => (main(d).image = image))), [], image);
        }
    });
    it("reads allowedRegistries from the config and checks init and ephemeral containers", async () => {
        const config = { allowedRegistries: [ECR, "ghcr.io/acme"] };
        const props = dep((d) => {
            init(d).image = `busybox@${DIGEST}`;
            main(d).image = "ghcr.io/acme/api:1.0";
        });
        assert.deepStrictEqual(await messages(allowedRegistries, props, config), [
            `${D}initContainer "migrate" image "busybox@${DIGEST}" at ${INIT}.image comes from docker.io, ` +
                `which is not in allowedRegistries (${ECR}, ghcr.io/acme); mirror it to an allowed registry`,
        ]);
        const p = pod((x) => (eph(x).image = "ghcr.io/other/debug:1"));
        assert.deepStrictEqual(await messages(allowedRegistries, p, config, POD), [
            `${P}ephemeralContainer "debug" image "ghcr.io/other/debug:1" at ${EPH}.image comes from ghcr.io, ` +
                `which is not in allowedRegistries (${ECR}, ghcr.io/acme); mirror it to an allowed registry`,
        ]);
    });
    it("skips containers with no image, an empty one or a non-string one", async () => {
        const props = dep((d) => {
            delete main(d).image;
            init(d).image = "";
            T(d).containers.push({ name: "odd", image: 42 });
        });
        assert.deepStrictEqual(await messages(allowedRegistries, props, { allowedRegistries: ["quay.io"] }), []);
    });
    it("honours exemptNamespaces, exemptObjects and image exemptions, and only for the rules they name", async () => {
        const props = dep((d) => (main(d).image = "registry.example.com/team/api:1.0"));
        assert.deepStrictEqual(await messages(allowedRegistries, props, { exemptNamespaces: ["apps"] }), []);
        assert.deepStrictEqual(await messages(allowedRegistries, props, { exemptObjects: ["apps/a*"] }), []);
        assert.deepStrictEqual(await messages(allowedRegistries, props, { exemptions: [{ image: "registry.example.com/team", reason: "vendor" }] }), []);
        assert.strictEqual((await messages(allowedRegistries, props, { exemptions: [{ namespace: "apps", rules: ["host-ports"], reason: "x" }] })).length, 1);
        assert.strictEqual((await messages(allowedRegistries, props, { exemptObjects: ["other/api"] })).length, 1);
    });
});

describe("apparmor", () => {
    const KEY = "container.apparmor.security.beta.kubernetes.io/api";
    it("reports an Unconfined annotation, pod profile and container profiles, in that order", async () => {
        const props = dep((d) => {
            d.spec.template.metadata.annotations[KEY] = "unconfined";
            T(d).securityContext.appArmorProfile = { type: "Unconfined" };
            main(d).securityContext.appArmorProfile = { type: "Unconfined" };
            init(d).securityContext.appArmorProfile = { type: "Bogus" };
        });
        assert.deepStrictEqual(await messages(apparmor, props), [
            `${D}annotation spec.template.metadata.annotations["${KEY}"] is "unconfined"; use "runtime/default" or "localhost/<profile>"`,
            `${D}spec.template.spec.securityContext.appArmorProfile.type is "Unconfined"; use RuntimeDefault or Localhost`,
            `${D}container "api" sets ${MAIN}.securityContext.appArmorProfile.type to "Unconfined"; use RuntimeDefault or Localhost`,
            `${D}initContainer "migrate" sets ${INIT}.securityContext.appArmorProfile.type to "Bogus"; use RuntimeDefault or Localhost`,
        ]);
    });
    it("allows runtime/default, localhost/ profiles, empty and unset annotation values", async () => {
        for (const value of ["runtime/default", "localhost/my-profile", "localhost/", "", undefined]) {
            const props = dep((d) => (d.spec.template.metadata.annotations[KEY] = value));
            assert.deepStrictEqual(await messages(apparmor, props), [], String(value));
        }
    });
    it("reports other annotation values, also odd-typed ones and a localhost name not at the start", async () => {
        for (const [value, shown] of [["unconfined", "unconfined"], ["my/localhost/", "my/localhost/"], [5, "5"], ["Runtime/Default", "Runtime/Default"]] as const) {
            const props = dep((d) => (d.spec.template.metadata.annotations[KEY] = value));
            assert.deepStrictEqual(await messages(apparmor, props), [
                `${D}annotation spec.template.metadata.annotations["${KEY}"] is "${shown}"; use "runtime/default" or "localhost/<profile>"`,
            ]);
        }
    });
    it("ignores annotations outside the AppArmor prefix", async () => {
        const props = dep((d) => {
            d.spec.template.metadata.annotations["example.com/apparmor"] = "unconfined";
            d.spec.template.metadata.annotations["x-container.apparmor.security.beta.kubernetes.io/api"] = "unconfined";
        });
        assert.deepStrictEqual(await messages(apparmor, props), []);
    });
    it("allows RuntimeDefault, Localhost and unset profiles at pod and container level", async () => {
        for (const type of ["RuntimeDefault", "Localhost", undefined]) {
            const props = dep((d) => {
                T(d).securityContext.appArmorProfile = { type };
                main(d).securityContext.appArmorProfile = { type };
                init(d).securityContext.appArmorProfile = {};
            });
            assert.deepStrictEqual(await messages(apparmor, props), [], String(type));
        }
    });
    it("reports odd-typed profile types and an ephemeral container's profile", async () => {
        const props = dep((d) => (T(d).securityContext.appArmorProfile = { type: 0 }));
        assert.deepStrictEqual(await messages(apparmor, props), [
            `${D}spec.template.spec.securityContext.appArmorProfile.type is "0"; use RuntimeDefault or Localhost`,
        ]);
        const p = pod((x) => (eph(x).securityContext.appArmorProfile = { type: "Unconfined" }));
        assert.deepStrictEqual(await messages(apparmor, p, {}, POD), [
            `${P}ephemeralContainer "debug" sets ${EPH}.securityContext.appArmorProfile.type to "Unconfined"; use RuntimeDefault or Localhost`,
        ]);
    });
    it("does not crash on odd appArmorProfile shapes", async () => {
        const props = dep((d) => {
            T(d).securityContext.appArmorProfile = "Unconfined";
            main(d).securityContext.appArmorProfile = null;
            init(d).securityContext = "odd";
        });
        assert.deepStrictEqual(await messages(apparmor, props), []);
    });
});

describe("capabilities-baseline", () => {
    it("allows adding each baseline capability, with or without CAP_ and in any case", async () => {
        for (const cap of BASELINE_CAPABILITIES) {
            for (const written of [cap, `CAP_${cap}`, cap.toLowerCase()]) {
                const props = dep((d) => (main(d).securityContext.capabilities.add = [written]));
                assert.deepStrictEqual(await messages(capabilitiesBaseline, props), [], written);
            }
        }
        assert.strictEqual(BASELINE_CAPABILITIES.length, 13);
    });
    it("reports capabilities outside the baseline, all of them in one message per container", async () => {
        const props = dep((d) => {
            main(d).securityContext.capabilities.add = ["SYS_ADMIN", "CHOWN", "cap_net_admin"];
            init(d).securityContext.capabilities.add = ["NET_RAW"];
        });
        assert.deepStrictEqual(await messages(capabilitiesBaseline, props), [
            `${D}container "api" adds SYS_ADMIN, NET_ADMIN at ${MAIN}.securityContext.capabilities.add; remove them`,
            `${D}initContainer "migrate" adds NET_RAW at ${INIT}.securityContext.capabilities.add; remove them`,
        ]);
        const p = pod((x) => (eph(x).securityContext.capabilities.add = ["SYS_PTRACE"]));
        assert.deepStrictEqual(await messages(capabilitiesBaseline, p, {}, POD), [
            `${P}ephemeralContainer "debug" adds SYS_PTRACE at ${EPH}.securityContext.capabilities.add; remove them`,
        ]);
    });
    it("ignores missing capabilities, a non-array add and odd securityContexts without crashing", async () => {
        const props = dep((d) => {
            delete main(d).securityContext.capabilities;
            init(d).securityContext.capabilities = { add: "SYS_ADMIN" };
            T(d).containers.push({ name: "bare" }, { name: "nullcaps", securityContext: { capabilities: null } });
        });
        assert.deepStrictEqual(await messages(capabilitiesBaseline, props), []);
    });
});

describe("capabilities-restricted", () => {
    it("reports a container that does not drop ALL, naming the path and the fix", async () => {
        const props = dep((d) => (main(d).securityContext.capabilities = { drop: ["NET_RAW"] }));
        assert.deepStrictEqual(await messages(capabilitiesRestricted, props), [
            `${D}container "api" does not drop ALL at ${MAIN}.securityContext.capabilities.drop; set it to ["ALL"]`,
        ]);
    });
    it("reports missing capabilities, an odd drop and null capabilities in init and ephemeral containers", async () => {
        const props = dep((d) => {
            delete init(d).securityContext.capabilities;
            main(d).securityContext.capabilities = { drop: "ALL" };
            T(d).containers.push({ name: "nullcaps", securityContext: { capabilities: null } });
        });
        assert.deepStrictEqual(await messages(capabilitiesRestricted, props), [
            `${D}container "api" does not drop ALL at ${MAIN}.securityContext.capabilities.drop; set it to ["ALL"]`,
            `${D}container "nullcaps" does not drop ALL at spec.template.spec.containers[1].securityContext.capabilities.drop; set it to ["ALL"]`,
            `${D}initContainer "migrate" does not drop ALL at ${INIT}.securityContext.capabilities.drop; set it to ["ALL"]`,
        ]);
        const p = pod((x) => delete eph(x).securityContext);
        assert.deepStrictEqual(await messages(capabilitiesRestricted, p, {}, POD), [
            `${P}ephemeralContainer "debug" does not drop ALL at ${EPH}.securityContext.capabilities.drop; set it to ["ALL"]`,
        ]);
    });
    it("accepts ALL in any case and with CAP_, among other drops", async () => {
        for (const drop of [["all"], ["CAP_ALL"], ["NET_RAW", "ALL"]]) {
            const props = dep((d) => (main(d).securityContext.capabilities = { drop }));
            assert.deepStrictEqual(await messages(capabilitiesRestricted, props), [], JSON.stringify(drop));
        }
    });
    it("allows adding NET_BIND_SERVICE back, and leaves adds outside the baseline to capabilities-baseline", async () => {
        for (const add of [["NET_BIND_SERVICE"], ["cap_net_bind_service"], ["SYS_ADMIN", "NET_ADMIN"], "CHOWN"]) {
            const props = dep((d) => (main(d).securityContext.capabilities = { drop: ["ALL"], add }));
            assert.deepStrictEqual(await messages(capabilitiesRestricted, props), [], JSON.stringify(add));
        }
    });
    it("reports every other baseline capability added back, in one message", async () => {
        const props = dep((d) => (main(d).securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN", "cap_setuid"] }));
        assert.deepStrictEqual(await messages(capabilitiesRestricted, props), [
            `${D}container "api" adds CHOWN, SETUID at ${MAIN}.securityContext.capabilities.add; only NET_BIND_SERVICE is allowed`,
        ]);
        for (const cap of BASELINE_CAPABILITIES.filter((c) => c !== "NET_BIND_SERVICE")) {
            const one = dep((d) => (main(d).securityContext.capabilities = { drop: ["ALL"], add: [cap] }));
            assert.deepStrictEqual(await messages(capabilitiesRestricted, one), [
                `${D}container "api" adds ${cap} at ${MAIN}.securityContext.capabilities.add; only NET_BIND_SERVICE is allowed`,
            ]);
        }
    });
    it("reports both a missing drop and an extra add of one container", async () => {
        const props = dep((d) => (init(d).securityContext.capabilities = { add: ["KILL"] }));
        assert.deepStrictEqual(await messages(capabilitiesRestricted, props), [
            `${D}initContainer "migrate" does not drop ALL at ${INIT}.securityContext.capabilities.drop; set it to ["ALL"]`,
            `${D}initContainer "migrate" adds KILL at ${INIT}.securityContext.capabilities.add; only NET_BIND_SERVICE is allowed`,
        ]);
    });
});

describe("container-runtime-socket", () => {
    it("lists the sockets of every supported runtime under /var/run and /run", () => {
        assert.deepStrictEqual(RUNTIME_SOCKETS, [
            "/var/run/docker.sock", "/run/docker.sock",
            "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
            "/var/run/crio/crio.sock", "/run/crio/crio.sock",
            "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
            "/var/run/podman/podman.sock", "/run/podman/podman.sock",
        ]);
    });
    it("finds every socket, by its file name anywhere, and every directory holding one", () => {
        for (const socket of RUNTIME_SOCKETS) assert.strictEqual(exposesRuntimeSocket(socket), true, socket);
        for (const p of [
            "/run/k3s/containerd/containerd.sock", "/opt/docker.sock", "/x/crio.sock", "/x/cri-dockerd.sock", "/x/podman.sock",
            "/var/run", "/var/run/", "/var/run//", "/run", "/var", "/", "//", "",
            "/var/run/containerd", "/run/containerd/", "/var/run/crio", "/run/crio", "/var/run/podman", "/run/podman",
        ]) {
            assert.strictEqual(exposesRuntimeSocket(p), true, p);
        }
    });
    it("sees through paths the node would normalise: doubled slashes, . and ..", () => {
        for (const p of ["/var//run", "//run", "/run/./", "/var/run/.", "/var/run/../run", "/var/lib/../run/docker.sock", "/run//containerd/"]) {
            assert.strictEqual(exposesRuntimeSocket(p), true, p);
        }
        assert.strictEqual(exposesRuntimeSocket("/var/run/../log"), false, "/var/run/../log is /var/log");
    });
    it("leaves paths that hold no socket", () => {
        for (const p of ["/var/log", "/var/lib/docker", "/var/run/secrets", "/run/containerd/io", "/var/r", "/ru", "/var/run/docker.sock.bak",
            "/docker.sock/x", "/etc/containerd", "/home/podman", "relative/run"]) {
            assert.strictEqual(exposesRuntimeSocket(p), false, p);
        }
    });
    it("reports each volume exposing a socket with its name, index and path", async () => {
        const props = dep((d) => T(d).volumes.push(
            { name: "docker", hostPath: { path: "/var/run/docker.sock" } },
            { name: "logs", hostPath: { path: "/var/log" } },
            { hostPath: { path: "/run/containerd/containerd.sock", type: "Socket" } },
        ));
        assert.deepStrictEqual(await messages(containerRuntimeSocket, props), [
            `${D}volume "docker" at spec.template.spec.volumes[2].hostPath.path mounts "/var/run/docker.sock", which exposes the container runtime socket; remove it`,
            `${D}volume "#4" at spec.template.spec.volumes[4].hostPath.path mounts "/run/containerd/containerd.sock", which exposes the container runtime socket; remove it`,
        ]);
    });
    it("ignores missing or odd volumes and paths without crashing", async () => {
        const props = dep((d) => (T(d).volumes = [null, 5, { name: "a" }, { name: "b", hostPath: null }, { name: "c", hostPath: {} }, { name: "d", hostPath: { path: 7 } }]));
        assert.deepStrictEqual(await messages(containerRuntimeSocket, props), []);
        assert.deepStrictEqual(await messages(containerRuntimeSocket, dep((d) => delete T(d).volumes)), []);
        assert.deepStrictEqual(await messages(containerRuntimeSocket, dep((d) => (T(d).volumes = { name: "docker", hostPath: { path: "/" } }))), []);
    });
});

describe("cpu-limits and cpu-requests", () => {
    it("report each running container without the CPU field, naming its path", async () => {
        const props = dep((d) => {
            delete main(d).resources.limits.cpu;
            delete init(d).resources.requests.cpu;
        });
        assert.deepStrictEqual(await messages(cpuLimits, props), [`${D}container "api" does not set ${MAIN}.resources.limits.cpu; set it`]);
        assert.deepStrictEqual(await messages(cpuRequests, props), [`${D}initContainer "migrate" does not set ${INIT}.resources.requests.cpu; set it`]);
    });
    it("report containers with no or odd resources, and name unnamed ones by index", async () => {
        const props = dep((d) => {
            main(d).resources = "lots";
            init(d).resources = { limits: null, requests: [] };
            T(d).containers.push({ image: "x" });
        });
        assert.deepStrictEqual(await messages(cpuLimits, props), [
            `${D}container "api" does not set ${MAIN}.resources.limits.cpu; set it`,
            `${D}container "#1" does not set spec.template.spec.containers[1].resources.limits.cpu; set it`,
            `${D}initContainer "migrate" does not set ${INIT}.resources.limits.cpu; set it`,
        ]);
        assert.deepStrictEqual(await messages(cpuRequests, props), [
            `${D}container "api" does not set ${MAIN}.resources.requests.cpu; set it`,
            `${D}container "#1" does not set spec.template.spec.containers[1].resources.requests.cpu; set it`,
            `${D}initContainer "migrate" does not set ${INIT}.resources.requests.cpu; set it`,
        ]);
    });
    it("accept any set value and skip ephemeral containers", async () => {
        const props = dep((d) => {
            main(d).resources = { limits: { cpu: 0 }, requests: { cpu: "" } };
            init(d).resources = { limits: { cpu: null }, requests: { cpu: 1 } };
        });
        assert.deepStrictEqual(await messages(cpuLimits, props), []);
        assert.deepStrictEqual(await messages(cpuRequests, props), []);
        const p = pod((x) => delete eph(x).resources);
        assert.deepStrictEqual(await messages(cpuLimits, p, {}, POD), []);
        assert.deepStrictEqual(await messages(cpuRequests, p, {}, POD), []);
    });
});

describe("default-namespace", () => {
    it("reports an explicit default namespace only", async () => {
        const props = dep((d) => (d.metadata.namespace = "default"));
        assert.deepStrictEqual(await messages(defaultNamespace, props), [`${D}metadata.namespace is "default"; deploy it to a namespace of its own`]);
        const p = pod((x) => (x.metadata.namespace = "default"));
        assert.deepStrictEqual(await messages(defaultNamespace, p, {}, POD), [`${P}metadata.namespace is "default"; deploy it to a namespace of its own`]);
    });
    it("leaves an unset, empty, other or odd-typed namespace alone", async () => {
        for (const ns of [undefined, "", "apps", "Default", 5]) {
            const props = dep((d) => (d.metadata.namespace = ns));
            assert.deepStrictEqual(await messages(defaultNamespace, props), [], String(ns));
        }
        assert.deepStrictEqual(await messages(defaultNamespace, dep((d) => delete d.metadata.namespace)), []);
    });
    it("is skipped when the default namespace is exempt", async () => {
        const props = dep((d) => (d.metadata.namespace = "default"));
        assert.deepStrictEqual(await messages(defaultNamespace, props, { exemptNamespaces: ["default"] }), []);
    });
});

describe("host-ipc, host-network and host-pid", () => {
    const flags: [ResourceRule, string][] = [[hostIpc, "hostIPC"], [hostNetwork, "hostNetwork"], [hostPid, "hostPID"]];
    for (const [rule, field] of flags) {
        it(`${rule.name}: reports ${field} true with its path and fix`, async () => {
            const props = dep((d) => (T(d)[field] = true));
            assert.deepStrictEqual(await messages(rule, props), [`${D}spec.template.spec.${field} is true; remove it or set it to false`]);
            const p = pod((x) => (x.spec[field] = true));
            assert.deepStrictEqual(await messages(rule, p, {}, POD), [`${P}spec.${field} is true; remove it or set it to false`]);
        });
        it(`${rule.name}: ignores false, unset and non-boolean values`, async () => {
            for (const value of [false, undefined, "true", 1]) {
                assert.deepStrictEqual(await messages(rule, dep((d) => (T(d)[field] = value))), [], String(value));
            }
        });
        it(`${rule.name}: reads only ${field}`, async () => {
            const others = flags.filter(([, f]) => f !== field).map(([, f]) => f);
            assert.deepStrictEqual(await messages(rule, dep((d) => others.forEach((f) => (T(d)[f] = true)))), []);
        });
        it(`${rule.name}: is skipped for an exempt object`, async () => {
            const props = dep((d) => (T(d)[field] = true));
            assert.deepStrictEqual(await messages(rule, props, { exemptObjects: ["apps/api"] }), []);
            assert.deepStrictEqual(await messages(rule, props, { exemptions: [{ namePrefix: "ap", rules: [rule.name], reason: "agent" }] }), []);
        });
    }
});

describe("host-path-volume", () => {
    it("reports each hostPath volume with name, index and host path", async () => {
        const props = dep((d) => T(d).volumes.push({ name: "logs", hostPath: { path: "/var/log" } }, { name: "empty", hostPath: {} }));
        assert.deepStrictEqual(await messages(hostPathVolume, props), [
            `${D}volume "logs" at spec.template.spec.volumes[2].hostPath mounts host path "/var/log"; use emptyDir, a ConfigMap/Secret or a PVC instead`,
            `${D}volume "empty" at spec.template.spec.volumes[3].hostPath mounts host path ""; use emptyDir, a ConfigMap/Secret or a PVC instead`,
        ]);
    });
    it("reports a bare Pod's hostPath volume at its spec path", async () => {
        const p = pod((x) => (x.spec.volumes = [{ name: "root", hostPath: { path: "/" } }]));
        assert.deepStrictEqual(await messages(hostPathVolume, p, {}, POD), [
            `${P}volume "root" at spec.volumes[0].hostPath mounts host path "/"; use emptyDir, a ConfigMap/Secret or a PVC instead`,
        ]);
    });
    it("ignores other volume types, null entries, a null hostPath and a non-list volumes", async () => {
        assert.deepStrictEqual(await messages(hostPathVolume, dep((d) => T(d).volumes.push(null, 0, { name: "n", hostPath: null }, { name: "e", emptyDir: {} }))), []);
        assert.deepStrictEqual(await messages(hostPathVolume, dep((d) => (T(d).volumes = { name: "x", hostPath: { path: "/" } }))), []);
        assert.deepStrictEqual(await messages(hostPathVolume, dep((d) => delete T(d).volumes)), []);
    });
});

describe("host-ports", () => {
    const withPort = (hostPort: unknown, i = 0) => dep((d) => {
        main(d).ports = [{ containerPort: 80 }];
        main(d).ports[i] = { containerPort: 8000, hostPort };
    });
    it("reports any hostPort by default, without an allowed list", async () => {
        assert.deepStrictEqual(await messages(hostPorts, withPort(8000, 1)), [
            `${D}container "api" sets ${MAIN}.ports[1].hostPort to 8000; remove it and use a Service`,
        ]);
    });
    it("allows ports inside allowedHostPorts, inclusive at both ends, and names the ranges otherwise", async () => {
        const config = { allowedHostPorts: ["9100", "30000-32767"] };
        for (const port of [9100, 30000, 30001, 32766, 32767]) {
            assert.deepStrictEqual(await messages(hostPorts, withPort(port), config), [], String(port));
        }
        for (const port of [9099, 9101, 29999, 32768, 1, 65535]) {
            assert.deepStrictEqual(await messages(hostPorts, withPort(port), config), [
                `${D}container "api" sets ${MAIN}.ports[0].hostPort to ${port} (allowed: 9100, 30000-32767); remove it and use a Service`,
            ], String(port));
        }
    });
    it("ignores hostPort 0, unset and non-numeric hostPorts, null ports and a non-list ports", async () => {
        for (const port of [0, undefined, "8000", null]) {
            assert.deepStrictEqual(await messages(hostPorts, withPort(port)), [], String(port));
        }
        assert.deepStrictEqual(await messages(hostPorts, dep((d) => (main(d).ports = [null, 7]))), []);
        assert.deepStrictEqual(await messages(hostPorts, dep((d) => (main(d).ports = { hostPort: 80 }))), []);
    });
    it("checks init and ephemeral containers", async () => {
        const props = dep((d) => (init(d).ports = [{ containerPort: 53, hostPort: 53 }]));
        assert.deepStrictEqual(await messages(hostPorts, props, { allowedHostPorts: ["9100"] }), [
            `${D}initContainer "migrate" sets ${INIT}.ports[0].hostPort to 53 (allowed: 9100); remove it and use a Service`,
        ]);
        const p = pod((x) => (eph(x).ports = [{ containerPort: 22, hostPort: 22 }]));
        assert.deepStrictEqual(await messages(hostPorts, p, {}, POD), [
            `${P}ephemeralContainer "debug" sets ${EPH}.ports[0].hostPort to 22; remove it and use a Service`,
        ]);
    });
});

describe("host-process", () => {
    it("reports hostProcess at pod level and on each container", async () => {
        const props = dep((d) => {
            T(d).securityContext.windowsOptions = { hostProcess: true };
            init(d).securityContext.windowsOptions = { hostProcess: true };
        });
        assert.deepStrictEqual(await messages(hostProcess, props), [
            `${D}spec.template.spec.securityContext.windowsOptions.hostProcess is true; set it to false`,
            `${D}initContainer "migrate" sets ${INIT}.securityContext.windowsOptions.hostProcess to true; set it to false`,
        ]);
        const p = pod((x) => (eph(x).securityContext.windowsOptions = { hostProcess: true }));
        assert.deepStrictEqual(await messages(hostProcess, p, {}, POD), [
            `${P}ephemeralContainer "debug" sets ${EPH}.securityContext.windowsOptions.hostProcess to true; set it to false`,
        ]);
    });
    it("reports a container's hostProcess alone", async () => {
        const props = dep((d) => (main(d).securityContext.windowsOptions = { hostProcess: true }));
        assert.deepStrictEqual(await messages(hostProcess, props), [
            `${D}container "api" sets ${MAIN}.securityContext.windowsOptions.hostProcess to true; set it to false`,
        ]);
    });
    it("ignores false, string and missing values and odd windowsOptions", async () => {
        const props = dep((d) => {
            T(d).securityContext.windowsOptions = { hostProcess: "true" };
            main(d).securityContext.windowsOptions = { hostProcess: false };
            init(d).securityContext.windowsOptions = "hostProcess";
        });
        assert.deepStrictEqual(await messages(hostProcess, props), []);
        assert.deepStrictEqual(await messages(hostProcess, dep((d) => (T(d).securityContext = null))), []);
    });
});

describe("image-pull-policy", () => {
    const TAGGED = `${ECR}/platform/api:1.4.2`;
    const with_ = (image: unknown, policy?: unknown) => dep((d) => {
        main(d).image = image;
        if (policy !== undefined) main(d).imagePullPolicy = policy;
    });
    it("reports a tag-only image with the policy unset, IfNotPresent, Never or odd", async () => {
        for (const [policy, was] of [[undefined, "unset (IfNotPresent)"], ["IfNotPresent", '"IfNotPresent"'], ["Never", '"Never"'], [5, '"5"'], [null, '"null"']] as const) {
            assert.deepStrictEqual(await messages(imagePullPolicy, with_(TAGGED, policy)), [
                `${D}container "api" image "${TAGGED}" is pinned by tag only and ${MAIN}.imagePullPolicy is ${was}; set it to Always or pin the image by digest`,
            ], String(policy));
        }
    });
    it("reports latest and untagged images whose policy is set to something other than Always", async () => {
        assert.deepStrictEqual(await messages(imagePullPolicy, with_("nginx:latest", "Never")), [
            `${D}container "api" image "nginx:latest" is pinned by tag only and ${MAIN}.imagePullPolicy is "Never"; set it to Always or pin the image by digest`,
        ]);
        assert.deepStrictEqual(await messages(imagePullPolicy, with_("nginx", "IfNotPresent")), [
            `${D}container "api" image "nginx" is pinned by tag only and ${MAIN}.imagePullPolicy is "IfNotPresent"; set it to Always or pin the image by digest`,
        ]);
    });
    it("leaves Always, digests, unset policies on latest or untagged images, and missing images", async () => {
        for (const [image, policy] of [[TAGGED, "Always"], [`${ECR}/a@${DIGEST}`, "Never"], [`${ECR}/a:1@${DIGEST}`, undefined], ["nginx:latest", undefined],
            ["nginx", undefined], [undefined, "Never"], ["", "Never"], [3, "Never"]] as const) {
            assert.deepStrictEqual(await messages(imagePullPolicy, with_(image, policy)), [], `${String(image)} ${String(policy)}`);
        }
    });
    it("checks init and ephemeral containers", async () => {
        const props = dep((d) => {
            init(d).image = TAGGED;
            init(d).imagePullPolicy = "IfNotPresent";
        });
        assert.deepStrictEqual(await messages(imagePullPolicy, props), [
            `${D}initContainer "migrate" image "${TAGGED}" is pinned by tag only and ${INIT}.imagePullPolicy is "IfNotPresent"; set it to Always or pin the image by digest`,
        ]);
        const p = pod((x) => (eph(x).image = `${ECR}/platform/debug:2.0`));
        assert.deepStrictEqual(await messages(imagePullPolicy, p, {}, POD), [
            `${P}ephemeralContainer "debug" image "${ECR}/platform/debug:2.0" is pinned by tag only and ${EPH}.imagePullPolicy is unset (IfNotPresent); set it to Always or pin the image by digest`,
        ]);
    });
});

describe("image-tag", () => {
    const img = (image: unknown) => dep((d) => (main(d).image = image));
    it("reports latest and untagged images with the path and the fix", async () => {
        assert.deepStrictEqual(await messages(imageTag, img("nginx:latest")), [
            `${D}container "api" image "nginx:latest" at ${MAIN}.image uses the latest tag; pin a version tag or digest`,
        ]);
        assert.deepStrictEqual(await messages(imageTag, img(`${ECR}/platform/api`)), [
            `${D}container "api" image "${ECR}/platform/api" at ${MAIN}.image has no tag; pin a version tag or digest`,
        ]);
        assert.deepStrictEqual(await messages(imageTag, img("nginx:")), [
            `${D}container "api" image "nginx:" at ${MAIN}.image has no tag; pin a version tag or digest`,
        ]);
    });
    it("reports a container without a usable image", async () => {
        for (const image of [undefined, "", "  ", 7]) {
            assert.deepStrictEqual(await messages(imageTag, img(image)), [`${D}container "api" has no image at ${MAIN}.image; set a pinned image`], String(image));
        }
    });
    it("accepts version tags and digests, whatever the digest algorithm, when digests are not required", async () => {
        for (const image of ["nginx:1.25", `${ECR}/a@${DIGEST}`, `nginx:latest@${DIGEST}`, "nginx@md5:abc", "localhost:5000/a:2"]) {
            assert.deepStrictEqual(await messages(imageTag, img(image)), [], image);
            assert.deepStrictEqual(await messages(imageTag, img(image), { requireDigest: false }), [], image);
        }
    });
    it("with requireDigest, reports every image not pinned by a sha256 digest", async () => {
        for (const image of ["nginx:1.25", "nginx@md5:abc", "nginx:latest", "nginx", `nginx@x${DIGEST}`]) {
            assert.deepStrictEqual(await messages(imageTag, img(image), { requireDigest: true }), [
                `${D}container "api" image "${image}" at ${MAIN}.image is not pinned by digest; use repo@sha256:<digest>`,
            ], image);
        }
        for (const image of [`${ECR}/a@${DIGEST}`, `nginx:latest@${DIGEST}`]) {
            assert.deepStrictEqual(await messages(imageTag, img(image), { requireDigest: true }), [], image);
        }
        assert.deepStrictEqual(await messages(imageTag, img(undefined), { requireDigest: true }), [`${D}container "api" has no image at ${MAIN}.image; set a pinned image`]);
    });
    it("checks init and ephemeral containers", async () => {
        const props = dep((d) => (init(d).image = "busybox:latest"));
        assert.deepStrictEqual(await messages(imageTag, props), [
            `${D}initContainer "migrate" image "busybox:latest" at ${INIT}.image uses the latest tag; pin a version tag or digest`,
        ]);
        const p = pod((x) => (eph(x).image = "busybox"));
        assert.deepStrictEqual(await messages(imageTag, p, {}, POD), [
            `${P}ephemeralContainer "debug" image "busybox" at ${EPH}.image has no tag; pin a version tag or digest`,
        ]);
    });
});

describe("liveness-probe", () => {
    const noProbe = (d: any) => delete main(d).livenessProbe;
    it("reports a long-running container without a livenessProbe, not init containers", async () => {
        const props = dep((d) => {
            noProbe(d);
            T(d).containers.push({ name: "sidecar", image: "x:1", livenessProbe: {} });
        });
        assert.deepStrictEqual(await messages(livenessProbe, props), [`${D}container "api" has no livenessProbe; add one at ${MAIN}.livenessProbe`]);
    });
    it("skips ephemeral containers of a Pod and checks StatefulSets", async () => {
        const p = pod((x) => delete x.spec.containers[0].livenessProbe);
        assert.deepStrictEqual(await messages(livenessProbe, p, {}, POD), [`${P}container "api" has no livenessProbe; add one at spec.containers[0].livenessProbe`]);
        const sts = dep((d) => {
            d.kind = "StatefulSet";
            noProbe(d);
        });
        assert.deepStrictEqual(await messages(livenessProbe, sts, {}, STATEFULSET), [`StatefulSet "api": container "api" has no livenessProbe; add one at ${MAIN}.livenessProbe`]);
    });
    it("skips Jobs and CronJobs", async () => {
        const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "apps" }, spec: { template: { spec: { containers: [{ name: "run", image: "x:1" }] } } } };
        assert.deepStrictEqual(await messages(livenessProbe, job, {}, JOB), []);
        const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: "apps" },
            spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "run", image: "x:1" }] } } } } } };
        assert.deepStrictEqual(await messages(livenessProbe, cron, {}, CRONJOB), []);
    });
});

describe("memory-requests-limits", () => {
    it("reports a missing request, a missing limit, or both in one message", async () => {
        const props = dep((d) => {
            delete main(d).resources.limits.memory;
            delete init(d).resources.requests.memory;
            T(d).containers.push({ name: "bare", image: "x:1" });
        });
        assert.deepStrictEqual(await messages(memoryRequestsLimits, props), [
            `${D}container "api" does not set ${MAIN}.resources.limits.memory; set them`,
            `${D}container "bare" does not set spec.template.spec.containers[1].resources.requests.memory and spec.template.spec.containers[1].resources.limits.memory; set them`,
            `${D}initContainer "migrate" does not set ${INIT}.resources.requests.memory; set them`,
        ]);
    });
    it("accepts any set value, odd resources are missing, and ephemeral containers are skipped", async () => {
        assert.deepStrictEqual(await messages(memoryRequestsLimits, dep((d) => (main(d).resources = { requests: { memory: 0 }, limits: { memory: "" } }))), []);
        assert.deepStrictEqual(await messages(memoryRequestsLimits, dep((d) => (main(d).resources = { requests: "1Gi", limits: { memory: "1Gi" } }))), [
            `${D}container "api" does not set ${MAIN}.resources.requests.memory; set them`,
        ]);
        assert.deepStrictEqual(await messages(memoryRequestsLimits, pod((x) => delete eph(x).resources), {}, POD), []);
    });
});

describe("min-replicas", () => {
    const replicas = (n: unknown) => dep((d) => (d.spec.replicas = n));
    it("accepts exactly the default minimum of 2 and more", async () => {
        assert.deepStrictEqual(await messages(minReplicas, replicas(2)), []);
        assert.deepStrictEqual(await messages(minReplicas, replicas(3)), []);
    });
    it("reports fewer replicas than the minimum, and an unset spec.replicas as 1", async () => {
        assert.deepStrictEqual(await messages(minReplicas, replicas(1)), [`${D}spec.replicas is 1; set it to at least 2`]);
        assert.deepStrictEqual(await messages(minReplicas, replicas(0)), [`${D}spec.replicas is 0; set it to at least 2`]);
        assert.deepStrictEqual(await messages(minReplicas, dep((d) => delete d.spec.replicas)), [`${D}spec.replicas is 1; set it to at least 2`]);
        assert.deepStrictEqual(await messages(minReplicas, replicas(null)), [`${D}spec.replicas is 1; set it to at least 2`]);
    });
    it("reads minReplicas from the config, inclusive", async () => {
        assert.deepStrictEqual(await messages(minReplicas, replicas(5), { minReplicas: 5 }), []);
        assert.deepStrictEqual(await messages(minReplicas, replicas(4), { minReplicas: 5 }), [`${D}spec.replicas is 4; set it to at least 5`]);
        assert.deepStrictEqual(await messages(minReplicas, replicas(1), { minReplicas: 1 }), []);
    });
    it("reports a non-numeric replicas value instead of comparing it", async () => {
        assert.deepStrictEqual(await messages(minReplicas, replicas("3")), [`${D}spec.replicas is 3; set it to at least 2`]);
        assert.deepStrictEqual(await messages(minReplicas, replicas(true)), [`${D}spec.replicas is true; set it to at least 2`]);
    });
    it("does not crash on a Deployment without a spec, and checks Deployments only", async () => {
        const bare = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "apps" } };
        assert.deepStrictEqual(await messages(minReplicas, bare), [`${D}spec.replicas is 1; set it to at least 2`]);
        assert.deepStrictEqual(await messages(minReplicas, dep((d) => (d.kind = "StatefulSet", d.spec.replicas = 1)), {}, STATEFULSET), []);
        assert.deepStrictEqual(await messages(minReplicas, compliantPod, {}, POD), []);
    });
    it("is skipped for exempt objects", async () => {
        assert.deepStrictEqual(await messages(minReplicas, replicas(1), { exemptNamespaces: ["apps"] }), []);
        assert.deepStrictEqual(await messages(minReplicas, replicas(1), { exemptions: [{ urn: urnOf(DEPLOYMENT, "res"), reason: "canary" }] }), []);
    });
});
