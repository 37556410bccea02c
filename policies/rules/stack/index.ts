/**
 * Stack rules: what only the whole stack shows, because the objects involved point at each
 * other (selectors, targets, bindings) - disruption budgets, default-deny and scoped network
 * policies, autoscaler targets, naked Pods, unneeded ServiceAccount tokens, selectors that
 * match nothing, VPAs that would fight a CPU-scaling HPA; and TLS on the hosts an Ingress or Gateway serves.
 */
import type { Rule } from "../types";
import { hpaTarget } from "./hpa-target";
import { ingressTls } from "./ingress-tls";
import { nakedPod } from "./naked-pod";
import { networkDefaultDeny } from "./network-default-deny";
import { pdbCoverage } from "./pdb-coverage";
import { policyExemptions } from "./policy-exemptions";
import { selectorMatchesPods } from "./selector-matches-pods";
import { serviceAccountAutomount } from "./service-account-automount";
import { serviceIngressScoped } from "./service-ingress-scoped";
import { vpaHpaCpu } from "./vpa-hpa-cpu";

export const stackRules: readonly Rule[] = [
    pdbCoverage, networkDefaultDeny, serviceIngressScoped, hpaTarget, nakedPod, serviceAccountAutomount, selectorMatchesPods, ingressTls, policyExemptions, vpaHpaCpu,
];

/** Rules that need several related objects to say anything; a one-object fixture cannot satisfy them. */
export const RELATION_RULES: ReadonlySet<string> = new Set(stackRules.filter((r) => "validateStack" in r).map((r) => r.name));
