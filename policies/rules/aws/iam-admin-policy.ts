import { rule } from "../util/rule";
import { asList, asObject, label } from "./util";

const POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];
const ATTACH_TYPES = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
];
const ADMIN_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
/** AWS's PowerUserAccess: every action but IAM, Organizations and Account, on every resource (the NotAction shape below). */
const POWER_USER_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/PowerUserAccess$/;

/** A policy document from a JSON string or an object; undefined when unreadable (e.g. unknown at preview). */
function parseDocument(doc: unknown): Record<string, unknown> | undefined {
    if (typeof doc === "string") {
        try {
            return asObject(JSON.parse(doc));
        // Stryker disable next-line BlockStatement: an empty catch falls through to the non-string branch below, which also returns undefined for a string
        } catch {
            return undefined;
        }
    }
    return doc && typeof doc === "object" ? asObject(doc) : undefined;
}

/** True when the document has an Allow statement with Action "*" (or "*:*") on Resource "*". */
export function grantsFullAdmin(doc: unknown): boolean {
    const parsed = parseDocument(doc);
    if (!parsed) return false;
    return asList<Record<string, unknown>>(parsed.Statement).some((s) => {
        const st = asObject(s);
        const actions = asList(st.Action).map(String);
        const resources = asList(st.Resource).map(String);
        return st.Effect === "Allow" && actions.some((a) => ALL_ACTIONS.includes(a)) && resources.includes("*");
    });
}

/** Actions that cover every action: an exclusion list holding one excludes everything. */
const ALL_ACTIONS = ["*", "*:*"];

/**
 * The exclusion list of the first Allow statement with NotAction on Resource "*", or undefined.
 * Such a statement grants every action of every service it does not list, on every resource,
 * including the actions AWS adds later, so no exclusion list short of "*" bounds it: NotAction
 * ["iam:*"] leaves every other service fully open, and even PowerUserAccess's shape (iam,
 * organizations and account excluded) is all but admin. A list holding "*" grants nothing.
 */
export function notActionOnAll(doc: unknown): string[] | undefined {
    const parsed = parseDocument(doc);
    if (!parsed) return undefined;
    for (const s of asList<Record<string, unknown>>(parsed.Statement)) {
        const st = asObject(s);
        if (st.Effect !== "Allow" || st.NotAction === undefined || st.NotAction === null || !asList(st.Resource).map(String).includes("*")) continue;
        const excluded = asList(st.NotAction).map(String);
        if (!excluded.some((a) => ALL_ACTIONS.includes(a))) return excluded;
    }
    return undefined;
}

/**
 * The exclusion list of the first Allow statement with Action "*" (or "*:*") on NotResource, or
 * undefined. Every action on every resource but the listed ones is admin over all the rest,
 * including the resources created later; a list holding "*" grants nothing.
 */
export function allActionsNotResource(doc: unknown): string[] | undefined {
    const parsed = parseDocument(doc);
    if (!parsed) return undefined;
    for (const s of asList<Record<string, unknown>>(parsed.Statement)) {
        const st = asObject(s);
        if (st.Effect !== "Allow" || st.NotResource === undefined || st.NotResource === null || !asList(st.Action).map(String).some((a) => ALL_ACTIONS.includes(a))) continue;
        const excluded = asList(st.NotResource).map(String);
        if (!excluded.includes("*")) return excluded;
    }
    return undefined;
}

/** Every policy document a resource carries, with where it sits. */
function documents(type: string, props: Record<string, unknown>): { where: string; doc: unknown }[] {
    if (POLICY_TYPES.includes(type)) return [{ where: "policy", doc: props.policy }];
    if (type === "aws:iam/role:Role") {
        return asList<Record<string, unknown>>(props.inlinePolicies).map((p, i) => ({ where: `inlinePolicies[${i}]`, doc: asObject(p).policy }));
    }
    // Stryker disable next-line ArrayDeclaration: a non-object entry destructures to an undefined doc, which grantsFullAdmin never flags
    return [];
}

/**
 * Prevents IAM policies that grant full administrator access ("Effect": "Allow", "Action": "*"
 * or "*:*", "Resource": "*") or all but a NotAction list of it ("NotAction" on "Resource": "*",
 * whatever it excludes short of "*"; see notActionOnAll) or of Action "*" on NotResource (see
 * allActionsNotResource), as managed, inline or role-embedded
 * documents (JSON string or object), and attachments of the AWS AdministratorAccess and
 * PowerUserAccess managed policies. Grant the actions the principal uses, on its resources.
 * Severity critical; CIS AWS Foundations 3.0.0 1.16.
 */
export const iamNoFullAdminPolicy = rule(
    {
        name: "iam-no-full-admin-policy",
        description: "IAM policies must not allow \"*\" actions on \"*\" resources (nor all but a NotAction or NotResource list), nor attach AdministratorAccess or PowerUserAccess.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["1.16"], awsFsbp: ["IAM.1"] },
        remediationSteps: "Replace Action \"*\" on Resource \"*\" (or NotAction / NotResource) with the actions and resources the principal needs.",
        scope: "resource",
    },
    (args, reportViolation) => {
        const fix = "list the actions and resource ARNs the principal needs.";
        for (const { where, doc } of documents(args.type, args.props)) {
            if (grantsFullAdmin(doc)) {
                reportViolation(`${label(args)} ${where} allows Action "*" on Resource "*": ${fix}`);
                continue;
            }
            const excluded = notActionOnAll(doc);
            if (excluded) {
                reportViolation(`${label(args)} ${where} allows every action except NotAction [${excluded.join(", ")}] on Resource "*": ${fix}`);
                continue;
            }
            const spared = allActionsNotResource(doc);
            if (spared) reportViolation(`${label(args)} ${where} allows Action "*" on every resource except NotResource [${spared.join(", ")}]: ${fix}`);
        }
        const arns = ATTACH_TYPES.includes(args.type)
            ? [args.props.policyArn]
            : args.type === "aws:iam/role:Role"
              ? asList(args.props.managedPolicyArns)
              // Stryker disable next-line ArrayDeclaration: a placeholder string is never an AdministratorAccess ARN, so nothing more is reported
              : [];
        if (arns.some((a) => typeof a === "string" && ADMIN_ARN.test(a))) {
            reportViolation(`${label(args)} attaches the AdministratorAccess managed policy: attach a least-privilege policy instead.`);
        }
        if (arns.some((a) => typeof a === "string" && POWER_USER_ARN.test(a))) {
            reportViolation(`${label(args)} attaches the PowerUserAccess managed policy (every action but IAM, Organizations and Account): attach a least-privilege policy instead.`);
        }
    },
);
