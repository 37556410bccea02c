/**
 * Kubernetes workload rules: every Pod Security Standards baseline and restricted control,
 * plus image, resource, probe, ServiceAccount-token, Service exposure and replica hygiene.
 */
import type { ResourceRule } from "../types";
import { allowedRegistries } from "./allowed-registries";
import { apparmor } from "./apparmor";
import { capabilitiesBaseline } from "./capabilities-baseline";
import { capabilitiesRestricted } from "./capabilities-restricted";
import { cpuRequests } from "./cpu-requests";
import { hostIpc } from "./host-ipc";
import { hostNetwork } from "./host-network";
import { hostPathVolume } from "./host-path-volume";
import { hostPid } from "./host-pid";
import { hostPorts } from "./host-ports";
import { hostProcess } from "./host-process";
import { imageTag } from "./image-tag";
import { livenessProbe } from "./liveness-probe";
import { memoryRequestsLimits } from "./memory-requests-limits";
import { minReplicas } from "./min-replicas";
import { privilegeEscalation } from "./privilege-escalation";
import { privilegedContainer } from "./privileged-container";
import { procMount } from "./proc-mount";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { readinessProbe } from "./readiness-probe";
import { runAsNonRoot } from "./run-as-non-root";
import { runAsRootUser } from "./run-as-root-user";
import { seccompProfile } from "./seccomp-profile";
import { seccompUnconfined } from "./seccomp-unconfined";
import { selinux } from "./selinux";
import { serviceAccountToken } from "./service-account-token";
import { serviceExposure } from "./service-exposure";
import { sysctls } from "./sysctls";
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

/** Hygiene beyond PSS: filesystem, resources, images, tokens, probes, exposure, replicas. */
export const hygieneRules: readonly ResourceRule[] = [
    readOnlyRootFilesystem, memoryRequestsLimits, cpuRequests, imageTag, allowedRegistries,
    serviceAccountToken, livenessProbe, readinessProbe, serviceExposure, minReplicas,
];

export const workloadRules: readonly ResourceRule[] = [...baselineRules, ...restrictedRules, ...hygieneRules];
