/**
 * A content hash of a Docker build context, used as the default image tag. ECR tags are
 * immutable, so the tag must change exactly when what goes into the build changes: the hash
 * covers every file the builder would receive (honouring .dockerignore) plus the Dockerfile,
 * and nothing else (no timestamps, no absolute paths).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** One .dockerignore rule. */
export interface IgnoreRule {
    regex: RegExp;
    /** A `!pattern` rule re-includes what earlier rules excluded. */
    negate: boolean;
}

function globToRegex(glob: string): RegExp {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*" && glob[i + 1] === "*") {
            // "**/" matches zero or more directories; a trailing "**" matches everything below.
            if (glob[i + 2] === "/") { re += "(?:.*/)?"; i += 2; } else { re += ".*"; i += 1; }
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    // A pattern that names a directory also excludes everything under it.
    return new RegExp(`^${re}(?:/.*)?$`);
}

/**
 * Parses .dockerignore text: comments, blank lines, `!` exceptions, `*`, `?` and `**`.
 * Patterns are relative to the context root (a leading "/" or "./" is dropped).
 */
export function parseDockerignore(text: string): IgnoreRule[] {
    return text.split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => {
            const negate = line.startsWith("!");
            const pattern = path.posix.normalize((negate ? line.slice(1) : line).trim()).replace(/^\/+/, "").replace(/\/+$/, "");
            return { regex: globToRegex(pattern), negate };
        });
}

/** Whether a context-relative POSIX path is excluded; the last matching rule wins, as in Docker. */
export function isIgnored(relPath: string, rules: IgnoreRule[]): boolean {
    let ignored = false;
    for (const rule of rules) {
        if (rule.regex.test(relPath)) ignored = !rule.negate;
    }
    return ignored;
}

/** Files of the context that reach the builder, as sorted context-relative POSIX paths. */
export function listContextFiles(contextDir: string, rules: IgnoreRule[]): string[] {
    const out: string[] = [];
    const hasExceptions = rules.some((r) => r.negate);
    const walk = (rel: string) => {
        for (const entry of fs.readdirSync(path.join(contextDir, rel), { withFileTypes: true })) {
            const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
            if (entry.isDirectory()) {
                // An ignored directory is still walked when a "!" rule might re-include a file inside it.
                if (hasExceptions || !isIgnored(child, rules)) walk(child);
            } else if (!isIgnored(child, rules)) out.push(child);
        }
    };
    walk("");
    return out.sort();
}

/** sha256 over (path, content) pairs; length-prefixed so no two file sets hash alike by concatenation. */
export function hashEntries(entries: { path: string; content: Buffer }[]): string {
    const h = createHash("sha256");
    for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
        h.update(`${e.path}\0${e.content.length}\0`);
        h.update(e.content);
    }
    return h.digest("hex");
}

/**
 * The content hash (64 hex chars) of `contextDir` as Docker would send it, plus the Dockerfile
 * (which Docker always sends, even when .dockerignore lists it). Symlinks hash by their target.
 */
export function contextHash(contextDir: string, dockerfilePath = path.join(contextDir, "Dockerfile")): string {
    const ignoreFile = path.join(contextDir, ".dockerignore");
    const rules = fs.existsSync(ignoreFile) ? parseDockerignore(fs.readFileSync(ignoreFile, "utf8")) : [];
    const read = (abs: string) => {
        const st = fs.lstatSync(abs);
        return st.isSymbolicLink() ? Buffer.from(`symlink:${fs.readlinkSync(abs)}`) : fs.readFileSync(abs);
    };
    const entries = listContextFiles(contextDir, rules).map((rel) => ({ path: rel, content: read(path.join(contextDir, rel)) }));
    entries.push({ path: "\0dockerfile", content: fs.readFileSync(dockerfilePath) });
    return hashEntries(entries);
}
