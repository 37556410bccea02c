/**
 * Loads and validates environments/<env>.yaml. Every failure is an InputError with one
 * line that names the file, the field, the value and the fix.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { InputError } from "../common/errors";
import { ENVIRONMENT_NAME } from "../common/patterns";
import { describeIssues } from "./issues";
import { Environment, environmentSchema } from "./schema";

/**
 * Environment files are a few KiB; past 1 MiB a file is refused before it is read or parsed,
 * since the YAML parser's time and memory grow with the input (68 MB took minutes and 3 GB).
 */
export const MAX_ENVIRONMENT_FILE_BYTES = 1024 * 1024;

function tooLarge(file: string, bytes: number): InputError {
    const mib = (bytes / MAX_ENVIRONMENT_FILE_BYTES).toFixed(1);
    return new InputError(`${file}: is ${mib} MiB (${bytes} bytes), over the 1 MiB limit for an environment file; remove what does not belong in it`);
}

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

/** Parses and validates one environment file's text; `file` is only used in messages. */
export function parseEnvironment(text: string, file: string, expectedName?: string): Environment {
    // Characters never outnumber UTF-8 bytes, so the cheap length test settles most texts.
    if (text.length > MAX_ENVIRONMENT_FILE_BYTES || Buffer.byteLength(text) > MAX_ENVIRONMENT_FILE_BYTES) throw tooLarge(file, Buffer.byteLength(text));
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        // Without pretty errors the parser gives offsets only; the line is counted from the text.
        const start = e.pos?.[0];
        const line = typeof start === "number" && start >= 0 ? ` line ${text.slice(0, start).split("\n").length}` : "";
        // A repeated key is named (a key is a name, never a value, so it can be shown).
        const key = e.code === "DUPLICATE_KEY" && typeof start === "number" ? ` ("${(/^[^:\n]*/.exec(text.slice(start))?.[0] ?? "").trim().slice(0, 80)}")` : "";
        throw new InputError(`${file}:${line} is not valid YAML: ${e.message.split("\n")[0]}${key}; fix the syntax`);
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
    if (!parsed.success) throw new InputError(describeIssues(file, environmentSchema, raw, parsed.error.issues));
    if (expectedName !== undefined && parsed.data.name !== expectedName) {
        throw new InputError(`${file}: name (${JSON.stringify(parsed.data.name)}) must match the file name; set name: ${expectedName}`);
    }
    checkBuildContexts(parsed.data, file);
    return parsed.data;
}

/** The folder build contexts are relative to: the project root, as stacks/images.ts resolves them. */
export const BUILD_CONTEXT_ROOT = path.resolve(__dirname, "..");

/**
 * The images layer builds every image that has no release pin, and components/registry/image.ts
 * refuses a context without its Dockerfile; checked here so no other layer has run by then.
 */
function checkBuildContexts(env: Environment, file: string): void {
    // One stat per path; any failure (missing, ENOTDIR under a file, no access) means "not there".
    const is = (p: string, kind: "dir" | "file") => {
        let stat: fs.Stats;
        try { stat = fs.statSync(p); } catch { return false; }
        return kind === "dir" ? stat.isDirectory() : stat.isFile();
    };
    env.images.forEach((img, i) => {
        if (env.release?.images?.[img.name]) return;
        const context = path.resolve(BUILD_CONTEXT_ROOT, img.context);
        if (!is(context, "dir")) {
            throw new InputError(`${file}: images.${i}.context (${JSON.stringify(img.context)}) is not a folder of the project; point it at the folder that holds the Dockerfile and the sources`);
        }
        if (!is(path.resolve(context, img.dockerfile), "file")) {
            throw new InputError(`${file}: images.${i}.dockerfile (${JSON.stringify(img.dockerfile)}) is not in ${img.context}; add it there or set dockerfile to its path inside the context`);
        }
    });
}

/** Loads environments/<name>.yaml; unknown names list the valid ones. */
export function loadEnvironment(name: string, dir: string = environmentsDir()): Environment {
    const file = path.join(dir, `${name}.yaml`);
    const rel = displayPath(file);
    if (!ENVIRONMENT_NAME.test(name) || !fs.existsSync(file)) {
        throw new InputError(`unknown environment "${name}": no ${rel}; valid: ${listEnvironments(dir).join(", ")}`);
    }
    // Checked before reading: a huge file, a directory or a device (/dev/zero) is never read.
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new InputError(`${rel}: is not a regular file; an environment is one YAML file`);
    if (stat.size > MAX_ENVIRONMENT_FILE_BYTES) throw tooLarge(rel, stat.size);
    return parseEnvironment(fs.readFileSync(file, "utf8"), rel, name);
}
