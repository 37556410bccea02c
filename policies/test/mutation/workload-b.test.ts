/**
 * Workload rules, second half (priority-class .. volume-types), called the way the pack calls
 * them: exact findings (object, container, field path and fix), every entry of their built-in
 * tables, every container list, pod- versus container-level precedence and malformed input.
 */
import * as assert from "assert";
import type { Rule } from "../../rules/types";
import { priorityClass } from "../../rules/workload/priority-class";
import { privilegeEscalation } from "../../rules/workload/privilege-escalation";
import { privilegedContainer } from "../../rules/workload/privileged-container";
import { procMount } from "../../rules/workload/proc-mount";
import { readOnlyRootFilesystem } from "../../rules/workload/read-only-root-filesystem";
import { readinessProbe } from "../../rules/workload/readiness-probe";
import { runAsNonRoot } from "../../rules/workload/run-as-non-root";
import { runAsRootUser } from "../../rules/workload/run-as-root-user";
import { seccompProfile } from "../../rules/workload/seccomp-profile";
import { seccompUnconfined } from "../../rules/workload/seccomp-unconfined";
import { secretsFromEnv } from "../../rules/workload/secrets-from-env";
import { ALLOWED_SELINUX_TYPES, selinux } from "../../rules/workload/selinux";
import { isSensitiveEnvName, secretContent, sensitiveEnvVar } from "../../rules/workload/sensitive-env-var";
import { serviceAccountToken } from "../../rules/workload/service-account-token";
import { serviceExposure } from "../../rules/workload/service-exposure";
import { serviceExternalName } from "../../rules/workload/service-external-name";
import { SAFE_SYSCTLS, sysctls } from "../../rules/workload/sysctls";
import { topologySpread } from "../../rules/workload/topology-spread";
import { RESTRICTED_VOLUME_TYPES, volumeTypes } from "../../rules/workload/volume-types";
import { compliantDeployment, compliantPod } from "../cases/workload";
import { runRules, variant } from "../support";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const POD = "kubernetes:core/v1:Pod";
const SERVICE = "kubernetes:core/v1:Service";

type Edit = (copy: any) => void;

/** The messages `rule` reports for one resource, each checked to carry the rule's id. */
async function run(rule: Rule, props: Record<string, unknown>, type = DEPLOYMENT): Promise<string[]> {
    const findings = await runRules([rule], [{ type, name: "res", props }]);
    for (const f of findings) assert.strictEqual(f.rule, rule.name);
    return findings.map((f) => f.message);
}
const deploy = (edit: Edit) => variant(compliantDeployment, edit);
const podOf = (edit: Edit) => variant(compliantPod, edit);
const onDeployment = (rule: Rule, edit: Edit) => run(rule, deploy(edit));
const onPod = (rule: Rule, edit: Edit) => run(rule, podOf(edit), POD);

const T = (d: any) => d.spec.template.spec;
const main = (d: any) => T(d).containers[0];
const init = (d: any) => T(d).initContainers[0];
const eph = (p: any) => p.spec.ephemeralContainers[0];

const D = 'Deployment "api": ';
const P = 'Pod "api-debug": ';
const TS = "spec.template.spec";
const C0 = `${TS}.containers[0]`;
const I0 = `${TS}.initContainers[0]`;
const E0 = "spec.ephemeralContainers[0]";

const ALL = [
    priorityClass, privilegeEscalation, privilegedContainer, procMount, readOnlyRootFilesystem, readinessProbe, runAsNonRoot,
    runAsRootUser, seccompProfile, seccompUnconfined, secretsFromEnv, selinux, sensitiveEnvVar, serviceAccountToken,
    serviceExposure, serviceExternalName, sysctls, topologySpread, volumeTypes,
] as const;

describe("workload rules b (mutation)", () => {
    describe("metadata", () => {
        const META: [Rule, Record<string, unknown>][] = [
            [priorityClass, { name: "priority-class", description: "Pods should set spec.priorityClassName.", severity: "low", enforcementLevel: "advisory", controls: {}, remediationSteps: "Set priorityClassName in the pod spec to a PriorityClass that matches the workload's importance." }],
            [privilegeEscalation, { name: "privilege-escalation", description: "Containers must set allowPrivilegeEscalation to false.", severity: "high", enforcementLevel: "mandatory", controls: { pss: { level: "restricted", control: "privilege-escalation" }, cisKubernetes: ["5.2.6"], cisEks: ["4.2.5"], nsaCisa: "pod-security", kubescape: ["C-0016"] }, remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on every container." }],
            [privilegedContainer, { name: "privileged-container", description: "Containers must not run privileged.", severity: "critical", enforcementLevel: "mandatory", controls: { pss: { level: "baseline", control: "privileged" }, cisKubernetes: ["5.2.2"], cisEks: ["4.2.1"], nsaCisa: "pod-security", kubescape: ["C-0057"] }, remediationSteps: "Remove securityContext.privileged or set it to false on every container." }],
            [procMount, { name: "proc-mount", description: "Containers must use the Default /proc mount type.", severity: "medium", enforcementLevel: "mandatory", controls: { pss: { level: "baseline", control: "proc-mount" }, nsaCisa: "pod-security" }, remediationSteps: "Remove securityContext.procMount or set it to Default." }],
            [readOnlyRootFilesystem, { name: "read-only-root-filesystem", description: "Containers should mount their root filesystem read-only.", severity: "medium", enforcementLevel: "advisory", controls: { nsaCisa: "pod-security", kubescape: ["C-0017"] }, remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes." }],
            [readinessProbe, { name: "readiness-probe", description: "Long-running containers should define a readinessProbe.", severity: "low", enforcementLevel: "advisory", controls: { kubescape: ["C-0018"] }, remediationSteps: "Add a readinessProbe (httpGet on the health endpoint, e.g. /healthz) to each container." }],
            [runAsNonRoot, { name: "run-as-non-root", description: "Containers must run with runAsNonRoot: true.", severity: "high", enforcementLevel: "mandatory", controls: { pss: { level: "restricted", control: "running-as-non-root" }, cisKubernetes: ["5.2.7"], cisEks: ["4.2.6"], nsaCisa: "pod-security", kubescape: ["C-0013"] }, remediationSteps: "Set spec.securityContext.runAsNonRoot: true on the pod and do not override it with false on containers." }],
            [runAsRootUser, { name: "run-as-root-user", description: "Pods and containers must not set runAsUser to 0.", severity: "high", enforcementLevel: "mandatory", controls: { pss: { level: "restricted", control: "running-as-non-root-user" }, cisKubernetes: ["5.2.7"], cisEks: ["4.2.6"], nsaCisa: "pod-security", kubescape: ["C-0013"] }, remediationSteps: "Set runAsUser to a non-zero UID (e.g. 10001) or remove it and rely on the image's USER." }],
            [seccompProfile, { name: "seccomp-profile", description: "Pods or containers must set seccompProfile.type to RuntimeDefault or Localhost.", severity: "medium", enforcementLevel: "mandatory", controls: { pss: { level: "restricted", control: "seccomp" }, cisKubernetes: ["5.7.2"], nsaCisa: "pod-security", kubescape: ["C-0210"] }, remediationSteps: "Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (or on each container)." }],
            [seccompUnconfined, { name: "seccomp-unconfined", description: "Seccomp must not be set to Unconfined.", severity: "high", enforcementLevel: "mandatory", controls: { pss: { level: "baseline", control: "seccomp" }, nsaCisa: "pod-security", kubescape: ["C-0055"] }, remediationSteps: "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) instead of Unconfined." }],
            [secretsFromEnv, { name: "secrets-from-env", description: "Containers should mount Secrets as files rather than read them into environment variables.", severity: "low", enforcementLevel: "advisory", controls: { cisKubernetes: ["5.4.1"], cisEks: ["4.4.1"], nsaCisa: "network-separation" }, remediationSteps: "Replace env[].valueFrom.secretKeyRef and envFrom[].secretRef with a secret volume mounted read-only (volumes[].secret + volumeMounts)." }],
            [selinux, { name: "selinux", description: "SELinux options must keep the container domain: no custom user/role, type container_t or similar.", severity: "medium", enforcementLevel: "mandatory", controls: { pss: { level: "baseline", control: "selinux" }, nsaCisa: "pod-security", kubescape: ["C-0055"] }, remediationSteps: "Remove seLinuxOptions.user/role and use a container_* type (or leave seLinuxOptions unset)." }],
            [sensitiveEnvVar, { name: "sensitive-env-var", description: "Containers must not set credentials (PASSWORD, TOKEN, API_KEY, ..., or values that are keys or tokens) as literal env values.", severity: "high", enforcementLevel: "mandatory", controls: { nsaCisa: "network-separation", kubescape: ["C-0012"] }, remediationSteps: "Store the credential in a Kubernetes Secret and mount it as a file (or reference it with valueFrom.secretKeyRef); never put it in env[].value." }],
            [serviceAccountToken, { name: "service-account-token", description: "Pods on the default ServiceAccount must set automountServiceAccountToken: false.", severity: "medium", enforcementLevel: "mandatory", controls: { cisKubernetes: ["5.1.6"], cisEks: ["4.1.6"], nsaCisa: "pod-security", kubescape: ["C-0034"] }, remediationSteps: "Set automountServiceAccountToken: false, or give the pod a dedicated ServiceAccount if it calls the API." }],
            [serviceExposure, { name: "service-exposure", description: "Services must be ClusterIP without externalIPs; ingress goes through the mesh gateway.", severity: "high", enforcementLevel: "mandatory", controls: { nsaCisa: "network-separation", kubescape: ["C-0256"] }, remediationSteps: "Use type ClusterIP without externalIPs and expose the service through the Istio ingress gateway." }],
            [serviceExternalName, { name: "service-external-name", description: "Services should not be of type ExternalName.", severity: "medium", enforcementLevel: "advisory", controls: { nsaCisa: "network-separation" }, remediationSteps: "Reach external hosts through an egress gateway or a ServiceEntry, or use a ClusterIP Service with explicit EndpointSlices." }],
            [sysctls, { name: "sysctls", description: "Pods may set only the safe sysctl set.", severity: "medium", enforcementLevel: "mandatory", controls: { pss: { level: "baseline", control: "sysctls" }, nsaCisa: "pod-security" }, remediationSteps: "Remove securityContext.sysctls entries outside kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes." }],
            [topologySpread, { name: "topology-spread", description: "Deployments, StatefulSets and Argo Rollouts with more than one replica should set topologySpreadConstraints.", severity: "low", enforcementLevel: "advisory", controls: {}, remediationSteps: "Add spec.template.spec.topologySpreadConstraints over kubernetes.io/hostname and topology.kubernetes.io/zone, selecting the workload's pod labels." }],
            [volumeTypes, { name: "volume-types", description: "Volumes must use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret.", severity: "medium", enforcementLevel: "mandatory", controls: { pss: { level: "restricted", control: "volume-types" }, nsaCisa: "pod-security" }, remediationSteps: "Replace the volume with one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (use a PVC for network storage)." }],
        ];
        for (const [rule, meta] of META) {
            it(`${meta.name} declares its id, severity, level, controls and fix`, () => {
                const r = rule as any;
                assert.deepStrictEqual(
                    { name: r.name, description: r.description, severity: r.severity, enforcementLevel: r.enforcementLevel, controls: r.controls, remediationSteps: r.remediationSteps },
                    meta,
                );
            });
        }
        it("the compliant Deployment and Pod pass every rule of this file", async () => {
            for (const rule of ALL) {
                assert.deepStrictEqual(await run(rule, compliantDeployment), [], rule.name);
                assert.deepStrictEqual(await run(rule, compliantPod, POD), [], rule.name);
            }
        });
        it("pod rules ignore objects without a pod spec, and Service rules ignore other kinds", async () => {
            const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} };
            for (const rule of ALL) assert.deepStrictEqual(await run(rule, cm, "kubernetes:core/v1:ConfigMap"), [], rule.name);
            const notService = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { type: "LoadBalancer", externalIPs: ["1.2.3.4"], containers: [] } };
            assert.deepStrictEqual(await run(serviceExposure, notService, POD), []);
            const ext = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { type: "ExternalName", containers: [] } };
            assert.deepStrictEqual(await run(serviceExternalName, ext, POD), []);
        });
    });

    describe("priority-class", () => {
        const msg = (path: string) => `${path}.priorityClassName is not set; set it to a PriorityClass`;
        it("reports a missing priorityClassName at the pod spec path", async () => {
            assert.deepStrictEqual(await onDeployment(priorityClass, (d) => delete T(d).priorityClassName), [D + msg(TS)]);
            assert.deepStrictEqual(await onPod(priorityClass, (p) => delete p.spec.priorityClassName), [P + msg("spec")]);
        });
        it("reports an empty or non-string name, accepts any non-empty name", async () => {
            assert.deepStrictEqual(await onDeployment(priorityClass, (d) => (T(d).priorityClassName = "")), [D + msg(TS)]);
            assert.deepStrictEqual(await onDeployment(priorityClass, (d) => (T(d).priorityClassName = 7)), [D + msg(TS)]);
            assert.deepStrictEqual(await onDeployment(priorityClass, (d) => (T(d).priorityClassName = ["x"])), [D + msg(TS)]);
            assert.deepStrictEqual(await onDeployment(priorityClass, (d) => (T(d).priorityClassName = "x")), []);
        });
        it("names the CronJob pod spec path", async () => {
            const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } } };
            assert.deepStrictEqual(await run(priorityClass, cron, "kubernetes:batch/v1:CronJob"), [
                `CronJob "nightly": ${msg("spec.jobTemplate.spec.template.spec")}`,
            ]);
        });
    });

    describe("privilege-escalation", () => {
        it("reports unset and true, in every container list, in order", async () => {
            assert.deepStrictEqual(
                await onDeployment(privilegeEscalation, (d) => {
                    delete main(d).securityContext.allowPrivilegeEscalation;
                    init(d).securityContext.allowPrivilegeEscalation = true;
                }),
                [
                    `${D}container "api" does not set ${C0}.securityContext.allowPrivilegeEscalation; set it to false`,
                    `${D}initContainer "migrate" sets true at ${I0}.securityContext.allowPrivilegeEscalation; set it to false`,
                ],
            );
            assert.deepStrictEqual(await onPod(privilegeEscalation, (p) => delete eph(p).securityContext), [
                `${P}ephemeralContainer "debug" does not set ${E0}.securityContext.allowPrivilegeEscalation; set it to false`,
            ]);
        });
        it("null is unset, in the container and in the securityContext itself", async () => {
            assert.deepStrictEqual(await onDeployment(privilegeEscalation, (d) => (main(d).securityContext.allowPrivilegeEscalation = null)), [
                `${D}container "api" does not set ${C0}.securityContext.allowPrivilegeEscalation; set it to false`,
            ]);
            assert.deepStrictEqual(await onDeployment(privilegeEscalation, (d) => (main(d).securityContext = null)), [
                `${D}container "api" does not set ${C0}.securityContext.allowPrivilegeEscalation; set it to false`,
            ]);
        });
        it("only false passes: a string is reported as what it is, not as true", async () => {
            assert.deepStrictEqual(await onDeployment(privilegeEscalation, (d) => (main(d).securityContext.allowPrivilegeEscalation = "false")), [
                `${D}container "api" sets "false", not the boolean false, at ${C0}.securityContext.allowPrivilegeEscalation; set it to false`,
            ]);
            assert.deepStrictEqual(await onDeployment(privilegeEscalation, (d) => (main(d).securityContext.allowPrivilegeEscalation = 0)), [
                `${D}container "api" sets 0, not the boolean false, at ${C0}.securityContext.allowPrivilegeEscalation; set it to false`,
            ]);
        });
    });

    describe("privileged-container", () => {
        it("reports privileged: true in every container list", async () => {
            assert.deepStrictEqual(
                await onDeployment(privilegedContainer, (d) => {
                    main(d).securityContext.privileged = true;
                    init(d).securityContext.privileged = true;
                }),
                [
                    `${D}container "api" sets ${C0}.securityContext.privileged to true; set it to false`,
                    `${D}initContainer "migrate" sets ${I0}.securityContext.privileged to true; set it to false`,
                ],
            );
            assert.deepStrictEqual(await onPod(privilegedContainer, (p) => (eph(p).securityContext.privileged = true)), [
                `${P}ephemeralContainer "debug" sets ${E0}.securityContext.privileged to true; set it to false`,
            ]);
        });
        it("passes false, and a non-boolean the API would reject", async () => {
            assert.deepStrictEqual(await onDeployment(privilegedContainer, (d) => (main(d).securityContext.privileged = false)), []);
            assert.deepStrictEqual(await onDeployment(privilegedContainer, (d) => (main(d).securityContext.privileged = "true")), []);
        });
    });

    describe("proc-mount", () => {
        it("reports anything but Default, with the value, in every list", async () => {
            assert.deepStrictEqual(
                await onDeployment(procMount, (d) => {
                    main(d).securityContext.procMount = "Unmasked";
                    init(d).securityContext.procMount = 3;
                }),
                [
                    `${D}container "api" sets ${C0}.securityContext.procMount to "Unmasked"; set it to Default`,
                    `${D}initContainer "migrate" sets ${I0}.securityContext.procMount to "3"; set it to Default`,
                ],
            );
            assert.deepStrictEqual(await onPod(procMount, (p) => (eph(p).securityContext.procMount = "Unmasked")), [
                `${P}ephemeralContainer "debug" sets ${E0}.securityContext.procMount to "Unmasked"; set it to Default`,
            ]);
        });
        it("passes Default and unset, null being unset", async () => {
            assert.deepStrictEqual(await onDeployment(procMount, (d) => (main(d).securityContext.procMount = "Default")), []);
            assert.deepStrictEqual(await onDeployment(procMount, (d) => (main(d).securityContext.procMount = null)), []);
            assert.deepStrictEqual(await onPod(procMount, (p) => (eph(p).securityContext.procMount = null)), []);
            assert.deepStrictEqual(await onDeployment(procMount, (d) => delete main(d).securityContext), []);
        });
    });

    describe("read-only-root-filesystem", () => {
        it("reports containers and initContainers that are not read-only", async () => {
            assert.deepStrictEqual(
                await onDeployment(readOnlyRootFilesystem, (d) => {
                    main(d).securityContext.readOnlyRootFilesystem = false;
                    delete init(d).securityContext.readOnlyRootFilesystem;
                }),
                [
                    `${D}container "api" has a writable root filesystem; set ${C0}.securityContext.readOnlyRootFilesystem to true`,
                    `${D}initContainer "migrate" has a writable root filesystem; set ${I0}.securityContext.readOnlyRootFilesystem to true`,
                ],
            );
            assert.deepStrictEqual(await onDeployment(readOnlyRootFilesystem, (d) => (main(d).securityContext.readOnlyRootFilesystem = "true")), [
                `${D}container "api" has a writable root filesystem; set ${C0}.securityContext.readOnlyRootFilesystem to true`,
            ]);
        });
        it("skips ephemeral (debug) containers", async () => {
            assert.deepStrictEqual(await onPod(readOnlyRootFilesystem, (p) => delete eph(p).securityContext), []);
        });
    });

    describe("readiness-probe", () => {
        it("reports a container without readinessProbe", async () => {
            assert.deepStrictEqual(await onDeployment(readinessProbe, (d) => delete main(d).readinessProbe), [
                `${D}container "api" has no readinessProbe; add one at ${C0}.readinessProbe`,
            ]);
            assert.deepStrictEqual(await onPod(readinessProbe, (p) => delete p.spec.containers[0].readinessProbe), [
                `${P}container "api" has no readinessProbe; add one at spec.containers[0].readinessProbe`,
            ]);
        });
        it("does not ask init or ephemeral containers for probes", async () => {
            assert.deepStrictEqual(await onPod(readinessProbe, (p) => {
                p.spec.initContainers[0].readinessProbe = undefined;
                delete eph(p).readinessProbe;
            }), []);
        });
        it("skips Jobs and CronJobs", async () => {
            const spec = { containers: [{ name: "batch", image: "x" }] };
            assert.deepStrictEqual(await run(readinessProbe, { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: { spec } } }, "kubernetes:batch/v1:Job"), []);
            assert.deepStrictEqual(
                await run(readinessProbe, { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec } } } } }, "kubernetes:batch/v1:CronJob"),
                [],
            );
            assert.deepStrictEqual(await run(readinessProbe, { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s" }, spec: { template: { spec } } }, STATEFULSET), [
                'StatefulSet "s": container "batch" has no readinessProbe; add one at spec.template.spec.containers[0].readinessProbe',
            ]);
        });
    });

    describe("run-as-non-root", () => {
        it("passes when the pod sets true and containers do not override", async () => {
            assert.deepStrictEqual(await onDeployment(runAsNonRoot, (d) => {
                delete main(d).securityContext.runAsNonRoot;
                delete init(d).securityContext.runAsNonRoot;
            }), []);
        });
        it("a container's false wins over the pod's true", async () => {
            assert.deepStrictEqual(await onDeployment(runAsNonRoot, (d) => (main(d).securityContext.runAsNonRoot = false)), [
                `${D}container "api" runs with ${C0}.securityContext.runAsNonRoot false; set it to true`,
            ]);
        });
        it("a pod's false is reported at the pod path for containers that do not override it", async () => {
            assert.deepStrictEqual(
                await onDeployment(runAsNonRoot, (d) => {
                    T(d).securityContext.runAsNonRoot = false;
                    delete init(d).securityContext.runAsNonRoot;
                }),
                [`${D}initContainer "migrate" runs with ${TS}.securityContext.runAsNonRoot false; set it to true`],
            );
        });
        it("reports unset everywhere, and a non-boolean, pointing at the pod", async () => {
            assert.deepStrictEqual(
                await onDeployment(runAsNonRoot, (d) => {
                    delete T(d).securityContext.runAsNonRoot;
                    delete main(d).securityContext.runAsNonRoot;
                    init(d).securityContext.runAsNonRoot = "true";
                }),
                [
                    `${D}container "api" does not set runAsNonRoot; set ${TS}.securityContext.runAsNonRoot to true`,
                    `${D}initContainer "migrate" does not set runAsNonRoot; set ${TS}.securityContext.runAsNonRoot to true`,
                ],
            );
            assert.deepStrictEqual(await onPod(runAsNonRoot, (p) => {
                delete p.spec.securityContext;
                p.spec.containers = [];
                p.spec.initContainers = [];
                delete eph(p).securityContext;
            }), [`${P}ephemeralContainer "debug" does not set runAsNonRoot; set spec.securityContext.runAsNonRoot to true`]);
        });
    });

    describe("run-as-root-user", () => {
        it("reports UID 0 on the pod and on each container", async () => {
            assert.deepStrictEqual(
                await onDeployment(runAsRootUser, (d) => {
                    T(d).securityContext.runAsUser = 0;
                    main(d).securityContext.runAsUser = 0;
                    init(d).securityContext.runAsUser = 0;
                }),
                [
                    `${D}${TS}.securityContext.runAsUser is 0; set a non-zero UID`,
                    `${D}container "api" sets ${C0}.securityContext.runAsUser to 0; set a non-zero UID`,
                    `${D}initContainer "migrate" sets ${I0}.securityContext.runAsUser to 0; set a non-zero UID`,
                ],
            );
            assert.deepStrictEqual(await onPod(runAsRootUser, (p) => (eph(p).securityContext.runAsUser = 0)), [
                `${P}ephemeralContainer "debug" sets ${E0}.securityContext.runAsUser to 0; set a non-zero UID`,
            ]);
        });
        it("a pod-level 0 is reported even when containers override it", async () => {
            assert.deepStrictEqual(await onDeployment(runAsRootUser, (d) => (T(d).securityContext.runAsUser = 0)), [
                `${D}${TS}.securityContext.runAsUser is 0; set a non-zero UID`,
            ]);
        });
        it("passes non-zero, unset and non-numeric UIDs", async () => {
            assert.deepStrictEqual(await onDeployment(runAsRootUser, (d) => {
                T(d).securityContext.runAsUser = "0";
                main(d).securityContext.runAsUser = 1;
                delete init(d).securityContext;
            }), []);
        });
    });

    describe("seccomp-profile", () => {
        const msg = (who: string, spec: string, path: string) =>
            `${who} has no seccomp profile; set ${spec}.securityContext.seccompProfile.type (or ${path}.securityContext.seccompProfile.type) to RuntimeDefault`;
        it("reports containers with no profile on the pod or the container", async () => {
            assert.deepStrictEqual(
                await onDeployment(seccompProfile, (d) => {
                    delete T(d).securityContext.seccompProfile;
                    delete main(d).securityContext.seccompProfile;
                    delete init(d).securityContext.seccompProfile;
                }),
                [D + msg('container "api"', TS, C0), D + msg('initContainer "migrate"', TS, I0)],
            );
            assert.deepStrictEqual(await onPod(seccompProfile, (p) => {
                delete p.spec.securityContext;
                p.spec.containers = [];
                p.spec.initContainers = [];
                delete eph(p).securityContext.seccompProfile;
            }), [P + msg('ephemeralContainer "debug"', "spec", E0)]);
        });
        it("accepts RuntimeDefault, Localhost and Unconfined (the last is seccomp-unconfined's) from the pod", async () => {
            for (const type of ["RuntimeDefault", "Localhost", "Unconfined"]) {
                assert.deepStrictEqual(await onDeployment(seccompProfile, (d) => {
                    T(d).securityContext.seccompProfile = { type };
                    delete main(d).securityContext.seccompProfile;
                    delete init(d).securityContext.seccompProfile;
                }), [], type);
                assert.deepStrictEqual(await onDeployment(seccompProfile, (d) => {
                    delete T(d).securityContext.seccompProfile;
                    main(d).securityContext.seccompProfile = { type };
                    init(d).securityContext.seccompProfile = { type };
                }), [], type);
            }
        });
        it("the container's profile wins over the pod's", async () => {
            assert.deepStrictEqual(await onDeployment(seccompProfile, (d) => (main(d).securityContext.seccompProfile = { type: "Bogus" })), [
                D + msg('container "api"', TS, C0),
            ]);
        });
        it("reports malformed profiles without crashing", async () => {
            assert.deepStrictEqual(
                await onDeployment(seccompProfile, (d) => {
                    T(d).securityContext.seccompProfile = null;
                    main(d).securityContext.seccompProfile = {};
                    init(d).securityContext.seccompProfile = "RuntimeDefault";
                }),
                [D + msg('container "api"', TS, C0), D + msg('initContainer "migrate"', TS, I0)],
            );
            assert.deepStrictEqual(await onDeployment(seccompProfile, (d) => {
                T(d).securityContext.seccompProfile = null;
                delete main(d).securityContext.seccompProfile;
                delete init(d).securityContext.seccompProfile;
            }), [D + msg('container "api"', TS, C0), D + msg('initContainer "migrate"', TS, I0)]);
        });
    });

    describe("seccomp-unconfined", () => {
        it("reports Unconfined on the pod and on each container", async () => {
            assert.deepStrictEqual(
                await onDeployment(seccompUnconfined, (d) => {
                    T(d).securityContext.seccompProfile = { type: "Unconfined" };
                    main(d).securityContext.seccompProfile = { type: "Unconfined" };
                    init(d).securityContext.seccompProfile = { type: "Unconfined" };
                }),
                [
                    `${D}${TS}.securityContext.seccompProfile.type is Unconfined; set it to RuntimeDefault`,
                    `${D}container "api" sets ${C0}.securityContext.seccompProfile.type to Unconfined; set it to RuntimeDefault`,
                    `${D}initContainer "migrate" sets ${I0}.securityContext.seccompProfile.type to Unconfined; set it to RuntimeDefault`,
                ],
            );
            assert.deepStrictEqual(await onPod(seccompUnconfined, (p) => (eph(p).securityContext.seccompProfile = { type: "Unconfined" })), [
                `${P}ephemeralContainer "debug" sets ${E0}.securityContext.seccompProfile.type to Unconfined; set it to RuntimeDefault`,
            ]);
        });
        it("passes other types and malformed profiles", async () => {
            assert.deepStrictEqual(await onDeployment(seccompUnconfined, (d) => {
                T(d).securityContext.seccompProfile = { type: "Localhost" };
                main(d).securityContext.seccompProfile = "Unconfined";
                init(d).securityContext.seccompProfile = { type: "unconfined" };
            }), []);
            assert.deepStrictEqual(await onDeployment(seccompUnconfined, (d) => (T(d).securityContext = "Unconfined")), []);
        });
        it("reports the legacy pod and container annotations set to unconfined", async () => {
            const pa = "seccomp.security.alpha.kubernetes.io/pod";
            const ca = "container.seccomp.security.alpha.kubernetes.io/api";
            assert.deepStrictEqual(
                await onDeployment(seccompUnconfined, (d) => {
                    d.spec.template.metadata.annotations[pa] = "unconfined";
                    d.spec.template.metadata.annotations[ca] = "unconfined";
                }),
                [
                    `${D}annotation spec.template.metadata.annotations["${pa}"] is "unconfined"; remove it and set seccompProfile.type to RuntimeDefault`,
                    `${D}annotation spec.template.metadata.annotations["${ca}"] is "unconfined"; remove it and set seccompProfile.type to RuntimeDefault`,
                ],
            );
            assert.deepStrictEqual(await onPod(seccompUnconfined, (p) => (p.metadata.annotations = { [pa]: "unconfined" })), [
                `${P}annotation metadata.annotations["${pa}"] is "unconfined"; remove it and set seccompProfile.type to RuntimeDefault`,
            ]);
        });
        it("ignores other annotation values and other keys", async () => {
            assert.deepStrictEqual(
                await onDeployment(seccompUnconfined, (d) => {
                    const a = d.spec.template.metadata.annotations;
                    a["seccomp.security.alpha.kubernetes.io/pod"] = "runtime/default";
                    a["container.seccomp.security.alpha.kubernetes.io/api"] = "docker/default";
                    a["x.container.seccomp.security.alpha.kubernetes.io/api"] = "unconfined";
                    a["seccomp.security.alpha.kubernetes.io/pod2"] = "unconfined";
                    a["example.com/seccomp"] = "unconfined";
                }),
                [],
            );
        });
    });

    describe("secrets-from-env", () => {
        it("reports env secretKeyRef and envFrom secretRef with the Secret, the variable and the index", async () => {
            assert.deepStrictEqual(
                await onDeployment(secretsFromEnv, (d) => {
                    main(d).env = [
                        { name: "LOG_LEVEL", value: "info" },
                        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "api-db", key: "password" } } },
                    ];
                    main(d).envFrom = [{ configMapRef: { name: "api" } }, { secretRef: { name: "api-env" } }];
                    init(d).envFrom = [{ secretRef: { name: "migrate-env" } }];
                }),
                [
                    `${D}container "api" reads Secret "api-db" into env "DB_PASSWORD" at ${C0}.env[1].valueFrom.secretKeyRef; mount the Secret as a file instead`,
                    `${D}container "api" loads Secret "api-env" as env at ${C0}.envFrom[1].secretRef; mount the Secret as a file instead`,
                    `${D}initContainer "migrate" loads Secret "migrate-env" as env at ${I0}.envFrom[0].secretRef; mount the Secret as a file instead`,
                ],
            );
            assert.deepStrictEqual(await onPod(secretsFromEnv, (p) => (eph(p).env = [{ name: "T", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }])), [
                `${P}ephemeralContainer "debug" reads Secret "s" into env "T" at ${E0}.env[0].valueFrom.secretKeyRef; mount the Secret as a file instead`,
            ]);
        });
        it("names missing Secret and variable names as empty, never undefined", async () => {
            assert.deepStrictEqual(
                await onDeployment(secretsFromEnv, (d) => {
                    main(d).env = [{ valueFrom: { secretKeyRef: {} } }, { name: "X", valueFrom: { secretKeyRef: "odd" } }];
                    main(d).envFrom = [{ secretRef: {} }];
                }),
                [
                    `${D}container "api" reads Secret "" into env "" at ${C0}.env[0].valueFrom.secretKeyRef; mount the Secret as a file instead`,
                    `${D}container "api" reads Secret "" into env "X" at ${C0}.env[1].valueFrom.secretKeyRef; mount the Secret as a file instead`,
                    `${D}container "api" loads Secret "" as env at ${C0}.envFrom[0].secretRef; mount the Secret as a file instead`,
                ],
            );
        });
        it("ignores null refs, configMap refs and malformed lists", async () => {
            assert.deepStrictEqual(
                await onDeployment(secretsFromEnv, (d) => {
                    main(d).env = [null, "x", { name: "A", valueFrom: { secretKeyRef: null } }, { name: "B", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }];
                    main(d).envFrom = [null, { secretRef: null }, { configMapRef: { name: "c" } }];
                    init(d).env = { name: "X", valueFrom: { secretKeyRef: { name: "s" } } };
                    init(d).envFrom = "secretRef";
                }),
                [],
            );
        });
    });

    describe("selinux", () => {
        const allowed = "container_t, container_init_t, container_kvm_t, container_engine_t";
        it("allows exactly the container_* types", async () => {
            assert.deepStrictEqual([...ALLOWED_SELINUX_TYPES], ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
            for (const type of ["container_t", "container_init_t", "container_kvm_t", "container_engine_t", ""]) {
                assert.deepStrictEqual(await onDeployment(selinux, (d) => {
                    T(d).securityContext.seLinuxOptions = { type, level: "s0:c1,c2" };
                    main(d).securityContext.seLinuxOptions = { type, user: "", role: "" };
                }), [], type);
            }
        });
        it("reports other types, users and roles at pod and container level", async () => {
            assert.deepStrictEqual(
                await onDeployment(selinux, (d) => {
                    T(d).securityContext.seLinuxOptions = { type: "spc_t", user: "system_u", role: "system_r" };
                    main(d).securityContext.seLinuxOptions = { user: "unconfined_u" };
                    init(d).securityContext.seLinuxOptions = { role: "sysadm_r", type: 5 };
                }),
                [
                    `${D}${TS}.securityContext.seLinuxOptions.type is "spc_t"; use one of ${allowed} or leave it unset`,
                    `${D}${TS}.securityContext.seLinuxOptions.user is "system_u"; remove it`,
                    `${D}${TS}.securityContext.seLinuxOptions.role is "system_r"; remove it`,
                    `${D}container "api": ${C0}.securityContext.seLinuxOptions.user is "unconfined_u"; remove it`,
                    `${D}initContainer "migrate": ${I0}.securityContext.seLinuxOptions.type is "5"; use one of ${allowed} or leave it unset`,
                    `${D}initContainer "migrate": ${I0}.securityContext.seLinuxOptions.role is "sysadm_r"; remove it`,
                ],
            );
            assert.deepStrictEqual(await onPod(selinux, (p) => (eph(p).securityContext.seLinuxOptions = { type: "unconfined_t" })), [
                `${P}ephemeralContainer "debug": ${E0}.securityContext.seLinuxOptions.type is "unconfined_t"; use one of ${allowed} or leave it unset`,
            ]);
        });
        it("ignores options that are not objects", async () => {
            assert.deepStrictEqual(await onDeployment(selinux, (d) => {
                T(d).securityContext.seLinuxOptions = "spc_t";
                main(d).securityContext.seLinuxOptions = null;
                init(d).securityContext.seLinuxOptions = 1;
            }), []);
        });
    });

    describe("sensitive-env-var", () => {
        const byName = (who: string, path: string, i: number, name: string) =>
            `${who} sets credential "${name}" as a literal at ${path}.env[${i}].value; move it to a Secret mounted as a file`;
        const byContent = (who: string, path: string, i: number, name: string, what: string) =>
            `${who} sets "${name}" at ${path}.env[${i}].value to ${what}; move it to a Secret mounted as a file`;
        const flagged = async (name: string, value = "hunter2") => (await onDeployment(sensitiveEnvVar, (d) => (main(d).env = [{ name, value }]))).length === 1;

        it("reports literal credentials by name and by content, in every list", async () => {
            assert.deepStrictEqual(
                await onDeployment(sensitiveEnvVar, (d) => {
                    main(d).env = [
                        { name: "LOG_LEVEL", value: "info" },
                        { name: "DB_PASSWORD", value: "hunter2" },
                        { name: "UPSTREAM", value: "AKIAIOSFODNN7EXAMPLE" },
                    ];
                    init(d).env = [{ name: "API_TOKEN", value: "-----BEGIN RSA PRIVATE KEY-----\nabc" }];
                }),
                [
                    D + byName('container "api"', C0, 1, "DB_PASSWORD"),
                    D + byContent('container "api"', C0, 2, "UPSTREAM", "an AWS access key id"),
                    D + byContent('initContainer "migrate"', I0, 0, "API_TOKEN", "a PEM private key"),
                ],
            );
            assert.deepStrictEqual(await onPod(sensitiveEnvVar, (p) => (eph(p).env = [{ name: "PGPASSWORD", value: "postgres" }])), [
                P + byName('ephemeralContainer "debug"', E0, 0, "PGPASSWORD"),
            ]);
        });
        it("skips empty, masked and $(VAR) values, and malformed entries", async () => {
            assert.deepStrictEqual(
                await onDeployment(sensitiveEnvVar, (d) => {
                    main(d).env = [
                        { name: "DB_PASSWORD", value: "" },
                        { name: "DB_PASSWORD", value: "[secret]" },
                        { name: "DB_PASSWORD", value: "$(DB_PASS)" },
                        { name: "DB_PASSWORD", value: "$(a_b9)" },
                        { name: "DB_PASSWORD", value: "$(_X)" },
                        { name: "DB_PASSWORD", value: "$(A)" },
                        { name: "DB_PASSWORD", value: 12345 },
                        { name: 7, value: "AKIAIOSFODNN7EXAMPLE" },
                        { value: "hunter2" },
                        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "p" } } },
                        null,
                        "DB_PASSWORD=x",
                    ];
                    init(d).env = { name: "DB_PASSWORD", value: "x" };
                }),
                [],
            );
        });
        it("reports values that only look like an expansion", async () => {
            const values = ["x$(A)", "$(A)x", "$(9A)", "$()", "$(A-B)", "$A", "[secret]x", "x[secret]"];
            assert.deepStrictEqual(
                await onDeployment(sensitiveEnvVar, (d) => (main(d).env = values.map((value) => ({ name: "DB_PASSWORD", value })))),
                values.map((_v, i) => D + byName('container "api"', C0, i, "DB_PASSWORD")),
            );
        });
        it("recognises every credential name fragment, in any case", async () => {
            const names = [
                "DB_PASSWORD", "MYSQL_PASSWD", "GPG_PASSPHRASE", "CLIENT_SECRET", "GITHUB_TOKEN", "STRIPE_API_KEY", "STRIPE_APIKEY",
                "JWT_PRIVATE_KEY", "JWT_PRIVATEKEY", "AWS_ACCESS_KEY", "AWS_ACCESSKEY", "X_AUTH_KEY", "X_AUTHKEY", "GOOGLE_CREDENTIALS",
                "password", "api_key", "Token", "PASSWORD_FILE_CONTENT", "PASSWORDFILE", "TOKEN_URL_X", "TOKENS",
            ];
            for (const name of names) {
                assert.strictEqual(isSensitiveEnvName(name), true, name);
                assert.strictEqual(await flagged(name), true, name);
            }
        });
        it("does not flag names that are not credentials", async () => {
            const names = ["LOG_LEVEL", "API_K_EY", "APIXKEY", "PRIVATE__KEY", "ACCES_KEY", "AUTH", "KEY", "PASS", "CREDENTIA", "SECRE"];
            for (const name of names) {
                assert.strictEqual(isSensitiveEnvName(name), false, name);
                assert.strictEqual(await flagged(name), false, name);
            }
        });
        it("does not flag names that say where a credential is or how it behaves", async () => {
            const suffixes = ["FILE", "PATH", "DIR", "NAME", "REF", "URL", "URI", "ENDPOINT", "HEADER", "TTL", "EXPIRY", "EXPIRATION", "LENGTH", "TYPE", "ALGORITHM", "ENABLED"];
            for (const s of suffixes) {
                for (const name of [`DB_PASSWORD_${s}`, `token_${s.toLowerCase()}`]) {
                    assert.strictEqual(isSensitiveEnvName(name), false, name);
                    assert.strictEqual(await flagged(name), false, name);
                }
            }
        });
        it("recognises PEM private keys under any name", async () => {
            const keys = [
                "-----BEGIN PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY-----",
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----",
                "-----BEGIN OPENSSH PRIVATE KEY-----",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----",
                "-----BEGIN X9 PRIVATE KEY-----",
                "-----BEGIN A B PRIVATE KEY-----",
                "prefix -----BEGIN DSA PRIVATE KEY----- suffix",
            ];
            for (const k of keys) assert.strictEqual(secretContent(k), "a PEM private key", k);
            assert.deepStrictEqual(await onDeployment(sensitiveEnvVar, (d) => (main(d).env = keys.map((value, i) => ({ name: `CONFIG_${i}`, value })))),
                keys.map((_k, i) => D + byContent('container "api"', C0, i, `CONFIG_${i}`, "a PEM private key")));
            for (const k of ["-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN rsa PRIVATE KEY-----", "-----BEGIN RSA-PRIVATE KEY-----", "----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY----", "-----BEGIN  PRIVATE KEY-----"]) {
                assert.strictEqual(secretContent(k), undefined, k);
            }
            assert.deepStrictEqual(await onDeployment(sensitiveEnvVar, (d) => (main(d).env = [{ name: "CA_BUNDLE", value: "-----BEGIN CERTIFICATE-----" }])), []);
        });
        it("recognises each AWS access key id prefix, on word boundaries only", async () => {
            for (const prefix of ["AKIA", "ASIA", "ABIA", "ACCA"]) {
                const id = `${prefix}IOSFODNN7EXAMPL9`;
                assert.strictEqual(secretContent(id), "an AWS access key id", id);
                assert.strictEqual(secretContent(`key=${id};`), "an AWS access key id", id);
                assert.deepStrictEqual(await onDeployment(sensitiveEnvVar, (d) => (main(d).env = [{ name: "UPSTREAM", value: id }])), [
                    D + byContent('container "api"', C0, 0, "UPSTREAM", "an AWS access key id"),
                ]);
            }
            for (const v of ["AKIAIOSFODNN7EXAMP", "AKIAIOSFODNN7EXAMPLE1", "XAKIAIOSFODNN7EXAMPLE", "AKIAiosfodnn7example", "AKIAIOSFODNN7EXAMP_E", "AKIBIOSFODNN7EXAMPLE", "akiaIOSFODNN7EXAMPLE"]) {
                assert.strictEqual(secretContent(v), undefined, v);
            }
        });
        it("recognises JSON Web Tokens, eight characters per part at least", async () => {
            const jwt = (a: string, b: string, c: string) => `eyJ${a}.eyJ${b}.${c}`;
            const good = [
                jwt("hbGciOiJ", "zdWIiOiI", "dozjgNry"),
                jwt("AZaz09_-", "AZaz09_-", "AZaz09_-"),
                `Bearer ${jwt("hbGciOiJIUzI1NiJ9", "zdWIiOiIxMjM0NTY3ODkwIn0", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")}`,
                jwt("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbb", "cccccccccccccccccc"),
            ];
            for (const v of good) assert.strictEqual(secretContent(v), "a JSON Web Token", v);
            assert.deepStrictEqual(await onDeployment(sensitiveEnvVar, (d) => (main(d).env = [{ name: "HEADER_VALUE", value: good[0] }])), [
                D + byContent('container "api"', C0, 0, "HEADER_VALUE", "a JSON Web Token"),
            ]);
            const bad = [
                jwt("hbGciOi", "zdWIiOiI", "dozjgNry"),
                jwt("hbGciOiJ", "zdWIiOi", "dozjgNry"),
                jwt("hbGciOiJ", "zdWIiOiI", "dozjgNr"),
                `xeyJhbGciOiJ.eyJzdWIiOiI.dozjgNry`,
                `eyJhbGciOiJ.eyKzdWIiOiI.dozjgNry`,
                `eyJhbGciOiJ-eyJzdWIiOiI.dozjgNry`,
                `eyJhbGciOiJ.eyJzdWIiOiI-dozjgNry`,
                jwt("hbGc.OiJ", "zdWIiOiI", "dozjgNry"),
                jwt("hbGciOiJ", "zdW+iOiI", "dozjgNry"),
                jwt("hbGciOiJ", "zdWIiOiI", "doz+gNry"),
            ];
            for (const v of bad) assert.strictEqual(secretContent(v), undefined, v);
            assert.strictEqual(secretContent("hunter2"), undefined);
        });
        it("content wins over a credential name; a plain value under a harmless name passes", async () => {
            assert.deepStrictEqual(await onDeployment(sensitiveEnvVar, (d) => (main(d).env = [{ name: "DB_PASSWORD_FILE", value: "AKIAIOSFODNN7EXAMPLE" }])), [
                D + byContent('container "api"', C0, 0, "DB_PASSWORD_FILE", "an AWS access key id"),
            ]);
            assert.deepStrictEqual(await onDeployment(sensitiveEnvVar, (d) => (main(d).env = [{ name: "GREETING", value: "hello" }])), []);
        });
    });

    describe("service-account-token", () => {
        const msg = (spec: string) =>
            `the pod uses the default ServiceAccount and mounts its token; set ${spec}.automountServiceAccountToken to false ` +
            `(or set ${spec}.serviceAccountName to a dedicated ServiceAccount if it calls the API)`;
        it("reports the default ServiceAccount with its token mounted", async () => {
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => delete T(d).automountServiceAccountToken), [D + msg(TS)]);
            assert.deepStrictEqual(await onPod(serviceAccountToken, (p) => (p.spec.automountServiceAccountToken = true)), [P + msg("spec")]);
            for (const sa of ["default", ""]) {
                assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                    T(d).automountServiceAccountToken = true;
                    T(d).serviceAccountName = sa;
                }), [D + msg(TS)], sa);
            }
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                T(d).automountServiceAccountToken = "false";
                T(d).serviceAccount = "default";
            }), [D + msg(TS)]);
        });
        it("serviceAccountName wins over the deprecated serviceAccount", async () => {
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                delete T(d).automountServiceAccountToken;
                T(d).serviceAccountName = "default";
                T(d).serviceAccount = "api";
            }), [D + msg(TS)]);
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                delete T(d).automountServiceAccountToken;
                T(d).serviceAccountName = "api";
                T(d).serviceAccount = "default";
            }), []);
        });
        it("a non-string or empty serviceAccountName is no name: the deprecated field, else default, applies", async () => {
            for (const sa of [5, true, ["api"], { name: "api" }, null]) {
                assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                    delete T(d).automountServiceAccountToken;
                    T(d).serviceAccountName = sa;
                }), [D + msg(TS)], JSON.stringify(sa));
                assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                    delete T(d).automountServiceAccountToken;
                    T(d).serviceAccountName = sa;
                    T(d).serviceAccount = "api";
                }), [], JSON.stringify(sa));
            }
            // The API server fills an empty serviceAccountName from the deprecated field.
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                delete T(d).automountServiceAccountToken;
                T(d).serviceAccountName = "";
                T(d).serviceAccount = "api";
            }), []);
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                delete T(d).automountServiceAccountToken;
                delete T(d).serviceAccountName;
                T(d).serviceAccount = 7;
            }), [D + msg(TS)]);
        });
        it("passes a dedicated ServiceAccount, by either field, and automount false", async () => {
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                delete T(d).automountServiceAccountToken;
                T(d).serviceAccountName = "api";
            }), []);
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                delete T(d).automountServiceAccountToken;
                T(d).serviceAccount = "api";
            }), []);
            assert.deepStrictEqual(await onDeployment(serviceAccountToken, (d) => {
                T(d).automountServiceAccountToken = false;
                T(d).serviceAccountName = "default";
            }), []);
        });
    });

    const service = (spec?: Record<string, unknown>) => ({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "api", namespace: "apps" },
        ...(spec === undefined ? {} : { spec }),
    });
    const S = 'Service "api": ';

    describe("service-exposure", () => {
        it("reports LoadBalancer and NodePort", async () => {
            for (const type of ["LoadBalancer", "NodePort"]) {
                assert.deepStrictEqual(await run(serviceExposure, service({ type }), SERVICE), [
                    `${S}spec.type is ${type}; use ClusterIP and route external traffic through the mesh gateway`,
                ]);
            }
        });
        it("reports externalIPs, listing them", async () => {
            assert.deepStrictEqual(await run(serviceExposure, service({ type: "NodePort", externalIPs: ["203.0.113.10", "203.0.113.11"] }), SERVICE), [
                `${S}spec.type is NodePort; use ClusterIP and route external traffic through the mesh gateway`,
                `${S}spec.externalIPs is set (203.0.113.10, 203.0.113.11); remove it`,
            ]);
            assert.deepStrictEqual(await run(serviceExposure, service({ externalIPs: ["203.0.113.10"] }), SERVICE), [`${S}spec.externalIPs is set (203.0.113.10); remove it`]);
        });
        it("passes ClusterIP, ExternalName, empty or malformed externalIPs and a missing spec", async () => {
            for (const spec of [{ type: "ClusterIP" }, { type: "ExternalName" }, { externalIPs: [] }, { externalIPs: "203.0.113.10" }, {}]) {
                assert.deepStrictEqual(await run(serviceExposure, service(spec), SERVICE), [], JSON.stringify(spec));
            }
            assert.deepStrictEqual(await run(serviceExposure, service(), SERVICE), []);
        });
    });

    describe("service-external-name", () => {
        it("reports ExternalName with its target", async () => {
            assert.deepStrictEqual(await run(serviceExternalName, service({ type: "ExternalName", externalName: "db.example.com" }), SERVICE), [
                `${S}spec.type is ExternalName (spec.externalName "db.example.com"); use a ClusterIP Service or an egress gateway`,
            ]);
            assert.deepStrictEqual(await run(serviceExternalName, service({ type: "ExternalName" }), SERVICE), [
                `${S}spec.type is ExternalName (spec.externalName ""); use a ClusterIP Service or an egress gateway`,
            ]);
        });
        it("passes other types and a missing spec", async () => {
            assert.deepStrictEqual(await run(serviceExternalName, service({ type: "ClusterIP", externalName: "x" }), SERVICE), []);
            assert.deepStrictEqual(await run(serviceExternalName, service(), SERVICE), []);
        });
    });

    describe("sysctls", () => {
        const SAFE = [
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
        ];
        it("passes every safe sysctl", async () => {
            assert.deepStrictEqual([...SAFE_SYSCTLS], SAFE);
            for (const name of SAFE) {
                assert.deepStrictEqual(await onDeployment(sysctls, (d) => (T(d).securityContext.sysctls = [{ name, value: "1" }])), [], name);
            }
        });
        it("reports unsafe sysctls by index", async () => {
            assert.deepStrictEqual(
                await onDeployment(sysctls, (d) => T(d).securityContext.sysctls.push({ name: "kernel.msgmax", value: "65536" }, { name: "net.core.somaxconn", value: "1024" })),
                [
                    `${D}${TS}.securityContext.sysctls[1] sets unsafe sysctl "kernel.msgmax"; remove it`,
                    `${D}${TS}.securityContext.sysctls[2] sets unsafe sysctl "net.core.somaxconn"; remove it`,
                ],
            );
            assert.deepStrictEqual(await onPod(sysctls, (p) => (p.spec.securityContext.sysctls = [{ name: "kernel.shm_rmid_forced2" }])), [
                `${P}spec.securityContext.sysctls[0] sets unsafe sysctl "kernel.shm_rmid_forced2"; remove it`,
            ]);
        });
        it("reports malformed entries without crashing", async () => {
            const found = await onDeployment(sysctls, (d) => (T(d).securityContext.sysctls = [null, { value: "1" }, { name: 5 }]));
            // An entry without a string name is named as such, never as "undefined".
            assert.deepStrictEqual(found, [0, 1, 2].map((i) => `${D}${TS}.securityContext.sysctls[${i}] sets a sysctl without a name; remove it`));
        });
        it("passes no sysctls and a malformed list", async () => {
            assert.deepStrictEqual(await onDeployment(sysctls, (d) => delete T(d).securityContext.sysctls), []);
            assert.deepStrictEqual(await onDeployment(sysctls, (d) => (T(d).securityContext.sysctls = { name: "kernel.msgmax" })), []);
            assert.deepStrictEqual(await onDeployment(sysctls, (d) => delete T(d).securityContext), []);
        });
    });

    describe("topology-spread", () => {
        const HOST = "kubernetes.io/hostname";
        const ZONE = "topology.kubernetes.io/zone";
        const msg = (replicas: number, missing: string) =>
            `${D}spec.replicas is ${replicas} but spec.template.spec.topologySpreadConstraints does not spread over ${missing}; ` +
            "add a constraint per key so one node or one zone failure cannot take every replica";
        const spreadOver = (keys: unknown[]) => (d: any) => (T(d).topologySpreadConstraints = keys.map((topologyKey) => ({ maxSkew: 1, topologyKey })));
        it("requires both the node and the zone key", async () => {
            assert.deepStrictEqual(await onDeployment(topologySpread, spreadOver([HOST, ZONE])), []);
            assert.deepStrictEqual(await onDeployment(topologySpread, spreadOver([ZONE, HOST, "x"])), []);
            assert.deepStrictEqual(await onDeployment(topologySpread, spreadOver([HOST])), [msg(3, ZONE)]);
            assert.deepStrictEqual(await onDeployment(topologySpread, spreadOver([ZONE])), [msg(3, HOST)]);
            assert.deepStrictEqual(await onDeployment(topologySpread, spreadOver([])), [msg(3, `${HOST} and ${ZONE}`)]);
            assert.deepStrictEqual(await onDeployment(topologySpread, (d) => delete T(d).topologySpreadConstraints), [msg(3, `${HOST} and ${ZONE}`)]);
        });
        it("applies from two replicas on: 2 is checked, 1, 0, unset and non-numbers are not", async () => {
            assert.deepStrictEqual(await onDeployment(topologySpread, (d) => {
                d.spec.replicas = 2;
                delete T(d).topologySpreadConstraints;
            }), [msg(2, `${HOST} and ${ZONE}`)]);
            for (const replicas of [1, 0, undefined, "3", null]) {
                assert.deepStrictEqual(await onDeployment(topologySpread, (d) => {
                    if (replicas === undefined) delete d.spec.replicas;
                    else d.spec.replicas = replicas;
                    delete T(d).topologySpreadConstraints;
                }), [], String(replicas));
            }
        });
        it("checks StatefulSets, not other kinds", async () => {
            const sts = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" }, spec: { replicas: 3, template: { spec: { containers: [] } } } };
            assert.deepStrictEqual(await run(topologySpread, sts, STATEFULSET), [
                `StatefulSet "db": spec.replicas is 3 but spec.template.spec.topologySpreadConstraints does not spread over ${HOST} and ${ZONE}; ` +
                    "add a constraint per key so one node or one zone failure cannot take every replica",
            ]);
            const ds = { ...sts, kind: "DaemonSet" };
            assert.deepStrictEqual(await run(topologySpread, ds, "kubernetes:apps/v1:DaemonSet"), []);
        });
        it("tolerates malformed constraints", async () => {
            assert.deepStrictEqual(await onDeployment(topologySpread, (d) => (T(d).topologySpreadConstraints = [null, { topologyKey: HOST }, "x"])), [msg(3, ZONE)]);
            assert.deepStrictEqual(await onDeployment(topologySpread, (d) => (T(d).topologySpreadConstraints = { topologyKey: HOST })), [msg(3, `${HOST} and ${ZONE}`)]);
            assert.deepStrictEqual(await onDeployment(topologySpread, (d) => delete d.spec.template), [msg(3, `${HOST} and ${ZONE}`)]);
        });
    });

    describe("volume-types", () => {
        const ALLOWED = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
        const msg = (name: string, i: number, source: string, who = D, spec = TS) =>
            `${who}volume "${name}" at ${spec}.volumes[${i}] uses ${source}; use a PersistentVolumeClaim or another allowed type`;
        it("passes every allowed type, and hostPath (host-path-volume's)", async () => {
            assert.deepStrictEqual([...RESTRICTED_VOLUME_TYPES], ALLOWED);
            for (const source of [...ALLOWED, "hostPath"]) {
                assert.deepStrictEqual(await onDeployment(volumeTypes, (d) => (T(d).volumes = [{ name: "v", [source]: {} }])), [], source);
            }
        });
        it("reports every other source, per volume and per source", async () => {
            assert.deepStrictEqual(
                await onDeployment(volumeTypes, (d) => T(d).volumes.push({ name: "share", nfs: { server: "10.0.0.1", path: "/share" } }, { name: "odd", rbd: {}, iscsi: {}, emptyDir: {} })),
                [msg("share", 2, "nfs"), msg("odd", 3, "rbd"), msg("odd", 3, "iscsi")],
            );
            assert.deepStrictEqual(await onPod(volumeTypes, (p) => (p.spec.volumes = [{ name: "g", gitRepo: { repository: "x" } }])), [msg("g", 0, "gitRepo", P, "spec")]);
        });
        it("ignores null sources, malformed volumes and lists", async () => {
            assert.deepStrictEqual(await onDeployment(volumeTypes, (d) => (T(d).volumes = [{ name: "a", nfs: null, emptyDir: {} }, { name: "u", iscsi: undefined, secret: {} }, null, "nfs", 3, { name: "b" }])), []);
            assert.deepStrictEqual(await onDeployment(volumeTypes, (d) => (T(d).volumes = { name: "a", nfs: {} })), []);
            assert.deepStrictEqual(await onDeployment(volumeTypes, (d) => delete T(d).volumes), []);
        });
    });
});
