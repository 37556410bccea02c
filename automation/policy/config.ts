/**
 * One environment's policy pack configuration, built once for every path that runs the pack:
 * the offline engine (Configure over the Analyzer protocol), the Pulumi engine
 * (`policyPackConfigs` on preview and up) and `infra policy-config`, whose output is the file a
 * user passes to plain `pulumi preview --policy-pack policies --policy-pack-config <file>`.
 */
import * as fs from "fs";
import * as path from "path";
import type { Environment } from "../../environments/schema";
import { buildPackConfig, type RuleConfig } from "../../policies/config";
import { allRules } from "../../policies/rules";
import type { Severity } from "../engine";
import { InputError } from "../../common/errors";
import { secretStoreFolder } from "../../common/patterns";
import { writeAtomically } from "../files";

/**
 * The pack's per-environment config: the strictness each environment declares under `policy`.
 * With no allowedRegistries listed, images may come only from the environment's own registry.
 */
export function policyConfig(env: Environment): Record<string, RuleConfig> {
    const ownRegistry = env.registry.kind === "local" ? env.registry.server : `*.dkr.ecr.${env.aws?.region ?? "*"}.amazonaws.com`;
    try {
        return buildPackConfig({
            requireDigest: env.policy.requireDigest,
            allowedRegistries: env.policy.allowedRegistries.length > 0 ? env.policy.allowedRegistries : [ownRegistry],
            minReplicas: env.policy.minReplicas,
            profile: env.policy.profile,
            enforceBestPractices: env.policy.enforceBestPractices,
            exemptions: env.policy.exemptions,
            allowedHostPorts: env.policy.allowedHostPorts,
            // The apps' folders in the store (stacks/apps.ts builds each one from the same function).
            secretPathPrefix: secretStoreFolder(env.name),
        }, allRules);
    } catch (err) {
        // What the schema cannot know (rule ids, port order) is checked by the pack's own parser.
        throw new InputError(`environments/${env.name}.yaml: policy: ${(err as Error).message.replace(/^pack settings: /, "")}`);
    }
}

/** Writes the config as the JSON file `--policy-pack-config` reads (mode 0600) and returns its path. */
export function writePolicyConfigFile(env: Environment, dir: string): string {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `policy-config-${env.name}.json`);
    writeAtomically(file, JSON.stringify(policyConfig(env), null, 2) + "\n", 0o600);
    return file;
}

/** Each rule's severity as the pack declares it, for engines whose events carry none. */
export const RULE_SEVERITY: Readonly<Record<string, Severity>> = Object.freeze(
    Object.fromEntries(allRules.map((r) => [r.name, r.severity as Severity])),
);
