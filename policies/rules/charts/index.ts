/** Helm chart rules: insecure pod settings in release values, and chart version pinning. */
import type { Rule } from "../types";
import { chartNoDangerousCapabilities } from "./capabilities";
import { chartNoHostNamespaces } from "./host-namespaces";
import { chartNoPrivilegeEscalation } from "./privilege-escalation";
import { chartNoPrivileged } from "./privileged";
import { chartNoRootUser } from "./root-user";
import { chartSecurityContextEnabled } from "./security-context-disabled";
import { chartVersionPinned } from "./version-pinned";

export const chartRules: Rule[] = [
    chartNoPrivileged,
    chartNoHostNamespaces,
    chartNoRootUser,
    chartNoPrivilegeEscalation,
    chartNoDangerousCapabilities,
    chartSecurityContextEnabled,
    chartVersionPinned,
];
