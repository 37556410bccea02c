/**
 * Every rule of the pack, as plain objects. Tests and reports import this module; only
 * ../index.ts turns it into a PolicyPack (which starts a gRPC server).
 */
import type { Rule } from "./types";
import { awsRules } from "./aws";
import { chartRules } from "./charts";
import { meshRules } from "./mesh";
import { rbacRules } from "./rbac";
import { secretRules } from "./secrets";
import { stackRules } from "./stack";
import { workloadRules } from "./workload";

export { workloadRules } from "./workload";

export const allRules: readonly Rule[] = [...workloadRules, ...rbacRules, ...meshRules, ...awsRules, ...chartRules, ...secretRules, ...stackRules];
