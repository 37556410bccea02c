/**
 * The house rules for .github/workflows that actionlint does not know: a maintained Node LTS in
 * setup-node, an npm cache keyed on every lockfile, each action on its current major, the Pulumi CLI
 * at the lockfile's SDK version, and no command or step run twice in one job (npm scripts are
 * expanded from package.json, so `npm test` after `npm run lint` counts as linting twice).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** Node majors that are maintained LTS lines now: 22 (maintenance) and 24 (active). */
export const NODE_LTS: readonly number[] = [22, 24];

/**
 * The current major of every action the workflows may use, and where that was read. A `uses:` of
 * an action not listed here is a finding: add it with its current major first.
 */
export const CURRENT_MAJORS: Readonly<Record<string, { major: number; why: string }>> = {
    "actions/checkout": { major: 6, why: "v6.0.0 (Nov 2025) runs on node24; v6.0.2 is the latest 6.x" },
    "actions/setup-node": { major: 6, why: "v6.0.0 (Oct 2025, node24, auto-cache for npm only); v6.4.0 Apr 2026" },
    "actions/setup-go": { major: 6, why: "v6.0.0 (Sep 2025, node24); v6.4.0 2026" },
    "actions/upload-artifact": { major: 7, why: "v6 was the first on node24 (Dec 2025); v7.0.1 (Apr 2026) is the latest" },
    "actions/download-artifact": { major: 8, why: "v7 was the first on node24 (Dec 2025); v8.0.1 (Mar 2026, ESM) is the latest" },
    "actions/github-script": { major: 9, why: "v8 moved to node24 (Sep 2025); v9.0.0 (2026) drops require('@actions/github'), which these scripts do not use" },
    "github/codeql-action": { major: 4, why: "v4 (Oct 2025, node24); v3 is deprecated in December 2026" },
    "aws-actions/configure-aws-credentials": { major: 6, why: "v6.0.0 (Feb 2026) moved to node24; v6.2.3 Aug 2026" },
    "pulumi/actions": { major: 7, why: "v7.0.0 (May 2026) is the first on node24; v6.6.1 was the last on node20" },
};

export interface Finding {
    file: string;
    job?: string;
    rule: "node-version" | "npm-cache" | "action-major" | "unknown-action" | "pulumi-version" | "run-twice" | "pipe-status" | "parse";
    message: string;
}

/** What the rules compare against, read from the project. */
export interface ProjectFacts {
    /** package.json scripts, for expanding `npm run X` / `npm test`. */
    scripts: Record<string, string>;
    /** Lockfiles the npm cache must be keyed on, relative to the repository root. */
    lockfiles: string[];
    /** The @pulumi/pulumi version in package-lock.json. */
    pulumiVersion: string;
}

/** Reads the facts from a project folder: its package.json, its lockfiles, its locked Pulumi SDK. */
export function projectFacts(root: string): ProjectFacts {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const lockfiles = ["package-lock.json", "policies/package-lock.json"].filter((f) => fs.existsSync(path.join(root, f)));
    return { scripts: pkg.scripts ?? {}, lockfiles, pulumiVersion: lock.packages["node_modules/@pulumi/pulumi"].version };
}

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; name?: string; shell?: string }
interface Defaults { defaults?: { run?: { shell?: string } } }

/**
 * A `run:` without an explicit `shell: bash` runs as `bash -e {0}`, without pipefail, so in
 * `infra promote ... | tee out.txt` a failed promote would pass. A pipeline needs `shell: bash`
 * (GitHub then adds -o pipefail) on the step, job or workflow, or its own `set -o pipefail`.
 */
function pipeStatusLost(step: Step, job: Defaults, workflow: Defaults): boolean {
    const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
    if (shell === "bash") return false;
    const script = step.run ?? "";
    return commandsOf(script).some((c) => /[^|]\|[^|]/.test(` ${c} `)) && !/set -[a-z]*o pipefail|set -o pipefail/.test(script);
}

/** Shell words that are not work: flow control and printing, which may repeat freely. */
const NOT_WORK = new Set(["echo", "printf", "exit", "cd", "set", "export", "test", "[", "true", "false", "if", "then", "else", "elif", "fi", "do", "done", "for", "while", "case", "esac", "{", "}", "local", "shift", "cat"]);

/** The commands of a shell script, one per line or `&&`/`;` part, without comments. */
export function commandsOf(script: string): string[] {
    return script.split("\n")
        .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
        .flatMap((l) => l.split(/\s*(?:&&|\|\||;)\s*/))
        .map((c) => c.replace(/\s+/g, " ").trim())
        .filter((c) => c !== "" && !NOT_WORK.has(c.split(" ")[0]));
}

/**
 * A command with npm scripts expanded to the commands they run: `npm test` / `npm run lint` become
 * their package.json scripts (recursively), `npm ci` and `npm install` add the postinstall script.
 */
export function expandCommand(command: string, scripts: Record<string, string>, seen: Set<string> = new Set()): string[] {
    const m = /^npm (?:run(?:-script)? (\S+)|(test|t))(?: --.*)?$/.exec(command);
    const script = m ? (m[1] ?? "test") : undefined;
    if (script !== undefined) {
        if (seen.has(script) || scripts[script] === undefined) return [command];
        const next = new Set(seen).add(script);
        return commandsOf(scripts[script]).flatMap((c) => expandCommand(c, scripts, next));
    }
    if (/^npm (ci|install|i)(\s|$)/.test(command) && !command.includes("--prefix") && scripts.postinstall && !seen.has("postinstall")) {
        return [command, ...commandsOf(scripts.postinstall).flatMap((c) => expandCommand(c, scripts, new Set(seen).add("postinstall")))];
    }
    return [command];
}

/** `npx mocha` runs what the script `mocha` runs: compared without the npx prefix. */
function sameCommand(command: string): string {
    return command.replace(/^npx (?:--yes |-y )?/, "");
}

function asList(value: unknown): string[] {
    return String(value ?? "").split("\n").map((s) => s.trim()).filter(Boolean);
}

function checkStep(file: string, job: string, step: Step, facts: ProjectFacts, out: Finding[]): void {
    if (!step.uses || step.uses.startsWith("./") || step.uses.startsWith("docker://")) return;
    const [target, ref = ""] = step.uses.split("@");
    const action = target.split("/").slice(0, 2).join("/");
    const known = CURRENT_MAJORS[action];
    if (!known) {
        out.push({ file, job, rule: "unknown-action", message: `${step.uses}: not in the table of current majors; add ${action} to CURRENT_MAJORS in tools/ci/workflow-rules.ts with its current major and why` });
    } else if (!new RegExp(`^v${known.major}(\\.\\d+){0,2}$`).test(ref)) {
        out.push({ file, job, rule: "action-major", message: `${step.uses}: pin ${action}@v${known.major}, its current major (${known.why})` });
    }
    const w = step.with ?? {};
    if (action === "actions/setup-node") {
        const version = String(w["node-version"] ?? "");
        const major = Number(/^(\d+)(\.x|\.\d+(\.\d+)?)?$/.exec(version)?.[1]);
        if (!NODE_LTS.includes(major)) {
            out.push({ file, job, rule: "node-version", message: `actions/setup-node node-version "${version || "(none)"}": use a maintained LTS, ${NODE_LTS.join(" or ")}` });
        }
        const keyed = asList(w["cache-dependency-path"]);
        const missing = facts.lockfiles.filter((f) => !keyed.includes(f));
        if (w.cache !== "npm" || missing.length > 0) {
            out.push({ file, job, rule: "npm-cache", message: `actions/setup-node: set cache: npm and cache-dependency-path listing ${facts.lockfiles.join(" and ")}${missing.length ? ` (missing: ${missing.join(", ")})` : ""}` });
        }
    }
    if (action === "pulumi/actions" && String(w["pulumi-version"] ?? "") !== facts.pulumiVersion) {
        out.push({ file, job, rule: "pulumi-version", message: `pulumi/actions pulumi-version "${w["pulumi-version"] ?? "(none)"}": install ${facts.pulumiVersion}, the @pulumi/pulumi version in package-lock.json` });
    }
}

/** The findings of one workflow file's text; `file` names it in every message. */
export function checkWorkflow(file: string, text: string, facts: ProjectFacts): Finding[] {
    let doc: Defaults & { jobs?: Record<string, Defaults & { steps?: Step[] }> };
    try {
        doc = YAML.parse(text);
    } catch (err) {
        return [{ file, rule: "parse", message: `not valid YAML: ${(err as Error).message.split("\n")[0]}` }];
    }
    const out: Finding[] = [];
    for (const [job, spec] of Object.entries(doc?.jobs ?? {})) {
        const ran = new Map<string, string>();
        const usedSteps = new Map<string, string>();
        for (const [i, step] of (spec?.steps ?? []).entries()) {
            const label = step.name ?? step.uses ?? `step ${i + 1}`;
            checkStep(file, job, step, facts, out);
            if (pipeStatusLost(step, spec ?? {}, doc ?? {})) {
                out.push({ file, job, rule: "pipe-status", message: `"${label}" pipes a command without pipefail (a failure before the pipe would pass); add shell: bash to the step, job or workflow defaults` });
            }
            if (step.uses) {
                const key = `${step.uses} ${JSON.stringify(step.with ?? {})}`;
                const first = usedSteps.get(key);
                if (first) out.push({ file, job, rule: "run-twice", message: `"${label}" repeats "${first}" (${step.uses} with the same inputs); keep one` });
                else usedSteps.set(key, label);
            }
            for (const command of commandsOf(step.run ?? "").flatMap((c) => expandCommand(c, facts.scripts)).map(sameCommand)) {
                const first = ran.get(command);
                if (first) out.push({ file, job, rule: "run-twice", message: `"${label}" runs \`${command}\` again (already run by "${first}"); keep one` });
                else ran.set(command, label);
            }
        }
    }
    return out;
}

/** One line per finding, as the tests and a person read them. */
export function formatFinding(f: Finding): string {
    return `${f.file}${f.job ? ` (job ${f.job})` : ""}: [${f.rule}] ${f.message}`;
}
