/**
 * Loads and validates environments/<env>.yaml. Every failure is an InputError with one
 * line that names the file, the field, the value and the fix.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { ZodIssue } from "zod";
import { InputError } from "../common/errors";
import { ENVIRONMENT_NAME } from "../common/patterns";
import { Environment, environmentSchema } from "./schema";

/**
 * Where environment files live: this folder, or INFRA_ENVIRONMENTS_DIR (used to point a run
 * at a reviewed copy, and by tests that must not touch the real files). Read at each call,
 * so a run or a test can point elsewhere after this module is loaded.
 */
export function environmentsDir(): string {
    return process.env.INFRA_ENVIRONMENTS_DIR || __dirname;
}

/** A path as people should read it: relative inside the working directory, absolute outside it. */
export function displayPath(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith("..") ? rel : file;
}

/** The environments that have a file, in promotion order when the files declare one. */
export function listEnvironments(dir: string = environmentsDir()): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)).sort();
}

function valueAt(obj: unknown, p: (string | number)[]): unknown {
    return p.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as any)[k] : undefined), obj);
}

function describeIssue(file: string, raw: unknown, issue: ZodIssue): string {
    const field = issue.path.join(".") || "(top level)";
    const value = valueAt(raw, issue.path as (string | number)[]);
    const shown = value === undefined ? "missing" : JSON.stringify(value)?.slice(0, 60);
    let fix = issue.message;
    if (issue.code === "unrecognized_keys") fix = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; remove or correct the spelling`;
    else if (issue.code === "invalid_type" && value === undefined) fix = `is required (${issue.expected}); add it`;
    else if (issue.code === "invalid_type") fix = `must be ${issue.expected}, not ${issue.received}`;
    else if (issue.code === "invalid_union_discriminator") fix = `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    else if (issue.code === "invalid_enum_value") fix = `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    return `${file}: ${field} (${shown}) ${fix}`;
}

/** Parses and validates one environment file's text; `file` is only used in messages. */
export function parseEnvironment(text: string, file: string, expectedName?: string): Environment {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        const line = e.linePos?.[0] ? ` line ${e.linePos[0].line}` : "";
        throw new InputError(`${file}:${line} is not valid YAML: ${e.message.split("\n")[0]}; fix the syntax`);
    }
    let raw: unknown;
    try {
        raw = doc.toJS();
    } catch (err) {
        // The parser refuses some documents only while building values (e.g. an alias bomb).
        throw new InputError(`${file}: the YAML parser refused it (${(err as Error).message.split("\n")[0]}); remove the aliases or the construct it names`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
        throw new InputError(`${file}: must be a YAML mapping of environment settings; see environments/dev.yaml for an example`);
    }
    const parsed = environmentSchema.safeParse(raw);
    if (!parsed.success) throw new InputError(describeIssue(file, raw, parsed.error.issues[0]));
    if (expectedName !== undefined && parsed.data.name !== expectedName) {
        throw new InputError(`${file}: name (${JSON.stringify(parsed.data.name)}) must match the file name; set name: ${expectedName}`);
    }
    return parsed.data;
}

/** Loads environments/<name>.yaml; unknown names list the valid ones. */
export function loadEnvironment(name: string, dir: string = environmentsDir()): Environment {
    const file = path.join(dir, `${name}.yaml`);
    const rel = displayPath(file);
    if (!ENVIRONMENT_NAME.test(name) || !fs.existsSync(file)) {
        throw new InputError(`unknown environment "${name}": no ${rel}; valid: ${listEnvironments(dir).join(", ")}`);
    }
    return parseEnvironment(fs.readFileSync(file, "utf8"), rel, name);
}
