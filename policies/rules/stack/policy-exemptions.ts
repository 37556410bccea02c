import { EXEMPTIONS_RULE } from "../../config";
import { exemptionMatches, exemptionTargetOf, rule, type StackFinding } from "../util/rule";

/**
 * Makes exemptions visible: for every resource an `exemptions` entry covers, one advisory
 * finding naming the rules it is exempt from and the entry's reason, so a report shows what
 * is not being checked and why. Never raised to mandatory (buildPackConfig skips it) and not
 * itself subject to exemptions. Severity low; no control (an audit trail of the pack's own config).
 */
export const policyExemptions = rule(
    {
        name: EXEMPTIONS_RULE,
        description: "Lists every resource an exemption covers, with the exemption's reason.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: {},
        remediationSteps: "Nothing to fix while the reason holds; remove the exemption from the environment's policy.exemptions once it no longer does.",
        honoursExemptions: false,
        scope: "stack",
    },
    (stack, config) => {
        if (config.exemptions.length === 0) return [];
        const out: StackFinding[] = [];
        for (const resource of stack.resources) {
            const target = exemptionTargetOf(resource);
            for (const e of config.exemptions) {
                if (!exemptionMatches(e, target)) continue;
                const kind = typeof resource.props.kind === "string" ? resource.props.kind : resource.type.split(":").pop()!;
                out.push({
                    // Stryker disable next-line LogicalOperator,StringLiteral: the finding's namespace is neither in the message nor in the URN it is reported on
                    object: { resource, kind, name: target.name, namespace: target.namespace ?? "" },
                    message: `exempt from ${e.rules ? e.rules.join(", ") : "every rule that honours exemptions"}: ${e.reason}`,
                });
            }
        }
        return out;
    },
);
