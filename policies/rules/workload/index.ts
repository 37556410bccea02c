/**
 * Kubernetes workload rules: every Pod Security Standards baseline and restricted control,
 * plus host-escape, credential, image, resource, probe, ServiceAccount-token, Service
 * exposure, namespace and replica hygiene.
 */
import type { ResourceRule } from "../types";
import { allowedRegistries } from "./allowed-registries";
import { apparmor } from "./apparmor";
import { capabilitiesBaseline } from "./capabilities-baseline";
import { capabilitiesRestricted } from "./capabilities-restricted";
import { containerRuntimeSocket } from "./container-runtime-socket";
import { cpuLimits } from "./cpu-limits";
import { cpuRequests } from "./cpu-requests";
import { defaultNamespace } from "./default-namespace";
import { hostIpc } from "./host-ipc";
import { hostNetwork } from "./host-network";
import { hostPathVolume } from "./host-path-volume";
import { hostPid } from "./host-pid";
import { hostPorts } from "./host-ports";
import { hostProcess } from "./host-process";
import { imagePullPolicy } from "./image-pull-policy";
import { imageTag } from "./image-tag";
import { livenessProbe } from "./liveness-probe";
import { memoryRequestsLimits } from "./memory-requests-limits";
import { minReplicas } from "./min-replicas";
import { priorityClass } from "./priority-class";
import { privilegeEscalation } from "./privilege-escalation";
import { privilegedContainer } from "./privileged-container";
import { procMount } from "./proc-mount";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { readinessProbe } from "./readiness-probe";
import { runAsNonRoot } from "./run-as-non-root";
import { runAsRootUser } from "./run-as-root-user";
import { seccompProfile } from "./seccomp-profile";
import { seccompUnconfined } from "./seccomp-unconfined";
import { secretsFromEnv } from "./secrets-from-env";
import { selinux } from "./selinux";
import { sensitiveEnvVar } from "./sensitive-env-var";
import { serviceAccountToken } from "./service-account-token";
import { serviceExposure } from "./service-exposure";
import { serviceExternalName } from "./service-external-name";
import { sysctls } from "./sysctls";
import { topologySpread } from "./topology-spread";
import { volumeTypes } from "./volume-types";

/** PSS baseline: what no workload may do, whatever the environment. */
export const baselineRules: readonly ResourceRule[] = [
    privilegedContainer, hostProcess, hostNetwork, hostPid, hostIpc, hostPathVolume, hostPorts,
    capabilitiesBaseline, apparmor, selinux, procMount, seccompUnconfined, sysctls,
];

/** PSS restricted: current pod hardening best practice. */
export const restrictedRules: readonly ResourceRule[] = [
    capabilitiesRestricted, volumeTypes, privilegeEscalation, runAsNonRoot, runAsRootUser, seccompProfile,
];

/** Hygiene beyond PSS: filesystem, resources, images, credentials, tokens, probes, exposure, namespaces, replicas. */
export const hygieneRules: readonly ResourceRule[] = [
    readOnlyRootFilesystem, memoryRequestsLimits, cpuRequests, cpuLimits, imageTag, imagePullPolicy, allowedRegistries,
    containerRuntimeSocket, sensitiveEnvVar, secretsFromEnv, serviceAccountToken, livenessProbe, readinessProbe,
    serviceExposure, serviceExternalName, defaultNamespace, minReplicas, topologySpread, priorityClass,
];


export const workloadRules: readonly ResourceRule[] = [...baselineRules, ...restrictedRules, ...hygieneRules];
