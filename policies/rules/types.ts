/**
 * The shape every rule in rules/ exports: a plain CrossGuard policy object plus the
 * standard controls it covers, so tests and reports can import rules without starting
 * a policy server.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** Standard controls a rule maps to; shown in reports and SARIF help. */
export interface Controls {
    /** Pod Security Standards control, e.g. "baseline/privileged" or "restricted/capabilities". */
    pss?: string;
    /** CIS Kubernetes / EKS / AWS Foundations benchmark id, e.g. "CIS-K8s-5.2.2". */
    cis?: string;
    /** Kubescape control id, e.g. "C-0057". */
    kubescape?: string;
}

export type ResourceRule = ResourceValidationPolicy & {
    /** Stable id; equals `name`. */
    name: string;
    severity: NonNullable<ResourceValidationPolicy["severity"]>;
    controls: Controls;
};

export type StackRule = StackValidationPolicy & {
    name: string;
    severity: NonNullable<StackValidationPolicy["severity"]>;
    controls: Controls;
};

export type Rule = ResourceRule | StackRule;
