/**
 * The shape every rule in rules/ exports: a plain CrossGuard policy object plus the
 * standard controls it covers, so tests and reports can import rules without starting
 * a policy server.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** Sections of the NSA-CISA Kubernetes Hardening Guide (v1.2), by short id. */
export type NsaCisaSection =
    | "pod-security" // Kubernetes Pod security: non-root, immutable filesystems, images, PSS, service account tokens
    | "network-separation" // Network separation and hardening: namespaces, network policies, resource policies, control plane, encryption, secrets
    | "authentication-authorization" // Authentication and authorization: RBAC
    | "audit-logging"; // Audit logging and threat detection

/**
 * Standard controls a rule maps to, machine-readable: reports, SARIF help and the policy tags
 * the pack publishes (util/controls.ts) are derived from this one shape.
 */
export interface Controls {
    /** Pod Security Standards level and control, as the PSS page names them, e.g. { level: "baseline", control: "privileged" }. */
    pss?: { level: "baseline" | "restricted"; control: string };
    /** CIS Kubernetes Benchmark recommendation ids, e.g. ["5.2.2"]. */
    cisKubernetes?: string[];
    /** CIS Amazon EKS Benchmark recommendation ids, e.g. ["4.2.1"]. */
    cisEks?: string[];
    /** CIS AWS Foundations Benchmark recommendation ids, e.g. ["2.1.1"]. */
    cisAws?: string[];
    /** NSA-CISA Kubernetes Hardening Guide section. */
    nsaCisa?: NsaCisaSection;
    /** AWS Foundational Security Best Practices control ids, e.g. ["EKS.1"]. */
    awsFsbp?: string[];
    /** Kubescape control ids, e.g. ["C-0057"]. */
    kubescape?: string[];
}

export type ResourceRule = ResourceValidationPolicy & {
    /** Stable id; equals `name`. */
    name: string;
    severity: NonNullable<ResourceValidationPolicy["severity"]>;
    controls: Controls;
    /** How to fix a finding; every rule has one. */
    remediationSteps: string;
};

export type StackRule = StackValidationPolicy & {
    name: string;
    severity: NonNullable<StackValidationPolicy["severity"]>;
    controls: Controls;
    remediationSteps: string;
};

export type Rule = ResourceRule | StackRule;
