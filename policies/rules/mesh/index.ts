/** Service-mesh (Istio) rules: STRICT mTLS everywhere, no injection opt-outs, mutual TLS in-mesh. */
import type { Rule } from "../types";
import { meshDestinationRuleIstioMutual } from "./destination-rule-tls";
import { meshStrictMtlsMeshWide } from "./mesh-wide-strict";
import { meshNamespaceInjectionEnabled } from "./namespace-injection";
import { meshPeerAuthenticationStrict } from "./peer-authentication-mode";
import { meshWorkloadSidecarInjection } from "./workload-injection";

export const meshRules: Rule[] = [
    meshPeerAuthenticationStrict,
    meshStrictMtlsMeshWide,
    meshNamespaceInjectionEnabled,
    meshWorkloadSidecarInjection,
    meshDestinationRuleIstioMutual,
];
