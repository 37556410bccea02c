/**
 * RBAC rules: single-role and single-binding checks plus the stack-level effective-permissions
 * check that follows bindings to the roles they grant.
 */
import type { Rule } from "../types";
import { rbacNoAnonymousSubject } from "./anonymous-subject";
import { rbacNoClusterAdminBinding } from "./cluster-admin-binding";
import { rbacNoDefaultServiceAccountBinding } from "./default-service-account";
import { rbacEffectivePermissions } from "./effective-permissions";
import { rbacNoEscalateBindImpersonate } from "./escalate-bind-impersonate";
import { rbacNoNodeProxy } from "./node-proxy";
import { rbacNoPodCreate } from "./pod-create";
import { rbacNoPodExec } from "./pod-exec";
import { rbacNoSecretsRead } from "./secrets-read";
import { rbacNoSystemMastersSubject } from "./system-masters-subject";
import { rbacNoTokenRequest } from "./token-request";
import { rbacNoWildcardPermissions } from "./wildcard-permissions";

export const rbacRules: Rule[] = [
    rbacNoWildcardPermissions,
    rbacNoClusterAdminBinding,
    rbacNoAnonymousSubject,
    rbacNoSystemMastersSubject,
    rbacNoEscalateBindImpersonate,
    rbacNoSecretsRead,
    rbacNoPodExec,
    rbacNoNodeProxy,
    rbacNoTokenRequest,
    rbacNoPodCreate,
    rbacNoDefaultServiceAccountBinding,
    rbacEffectivePermissions,
];
