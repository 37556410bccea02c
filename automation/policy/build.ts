/**
 * The policy pack runs as compiled JavaScript (its package.json `main`, built by `npm run build`
 * in the pack at install), so neither `pulumi --policy-pack` nor `infra check` type-checks it at
 * every start. A checkout whose pack sources are newer than the build (a rule just edited, a
 * branch switched) is rebuilt here before the pack is started, so a run never checks with stale
 * rules. The build goes to a fresh folder that then replaces the old one, so a run starting the
 * pack at the same moment reads either build whole, and two runs rebuilding at once are harmless.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Where a pack's compiled entry point lives, when the pack is built from TypeScript. */
interface BuildLayout {
    /** Absolute path of the compiled `main`. */
    main: string;
    /** Absolute path of the output folder (tsconfig's outDir). */
    outDir: string;
}

/** The layout of a pack whose `main` is inside its tsconfig's outDir; undefined for a pack that is not built. */
export function buildLayoutOf(packDir: string): BuildLayout | undefined {
    let pkg: { main?: unknown };
    let tsconfig: { compilerOptions?: { outDir?: unknown } };
    try {
        pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
        tsconfig = JSON.parse(fs.readFileSync(path.join(packDir, "tsconfig.json"), "utf8"));
    } catch {
        return undefined;
    }
    const outDir = tsconfig.compilerOptions?.outDir;
    if (typeof pkg.main !== "string" || typeof outDir !== "string") return undefined;
    const main = path.resolve(packDir, pkg.main);
    const out = path.resolve(packDir, outDir);
    return main.startsWith(out + path.sep) ? { main, outDir: out } : undefined;
}

/** The newest modification time of the pack's TypeScript sources and build settings. */
function newestSource(packDir: string, outDir: string): number {
    let newest = 0;
    const skip = new Set([path.join(packDir, "node_modules"), path.join(packDir, "test"), outDir]);
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (!skip.has(p) && !e.name.startsWith(".") && !e.name.startsWith(`${path.basename(outDir)}.`)) walk(p);
            } else if (/\.ts$/.test(e.name) && !e.name.endsWith(".d.ts")) {
                newest = Math.max(newest, fs.statSync(p).mtimeMs);
            }
        }
    };
    walk(packDir);
    for (const f of ["tsconfig.json", "package.json"]) newest = Math.max(newest, fs.statSync(path.join(packDir, f)).mtimeMs);
    return newest;
}

function isStale(packDir: string, layout: BuildLayout): boolean {
    if (!fs.existsSync(layout.main)) return true;
    return fs.statSync(layout.main).mtimeMs < newestSource(packDir, layout.outDir);
}

/** True when the compiled pack is missing or older than a source. */
export function packBuildIsStale(packDir: string): boolean {
    const layout = buildLayoutOf(packDir);
    return layout !== undefined && isStale(packDir, layout);
}

/** Removes build folders of runs that were killed mid-build (their pid is gone). */
function removeLeftovers(outDir: string): void {
    const base = path.basename(outDir);
    for (const name of fs.readdirSync(path.dirname(outDir))) {
        const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(?:build|old)-(\\d+)-\\d+$`).exec(name);
        if (!m) continue;
        let alive = true;
        try {
            process.kill(Number(m[1]), 0);
        } catch (err) {
            alive = (err as NodeJS.ErrnoException).code === "EPERM";
        }
        if (!alive) fs.rmSync(path.join(path.dirname(outDir), name), { recursive: true, force: true });
    }
}

/**
 * Builds the pack when its compiled form is missing or stale; returns whether it built. Throws a
 * one-line error naming the pack and the fix when the compiler is absent or the sources do not compile.
 */
export function ensurePackBuilt(packDir: string): boolean {
    const layout = buildLayoutOf(packDir);
    if (!layout || !isStale(packDir, layout)) return false;
    let tsc: string;
    try {
        tsc = require.resolve("typescript/bin/tsc", { paths: [packDir] });
    } catch {
        throw new Error(`policy pack ${packDir} is not built and has no TypeScript compiler: run \`npm ci\` in ${packDir}`);
    }
    removeLeftovers(layout.outDir);
    const tmp = `${layout.outDir}.build-${process.pid}-${Date.now()}`;
    try {
        execFileSync(process.execPath, [tsc, "-p", "tsconfig.json", "--outDir", tmp], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    } catch (err) {
        fs.rmSync(tmp, { recursive: true, force: true });
        const out = String((err as { stdout?: string }).stdout ?? "").trim().split("\n")[0];
        throw new Error(`policy pack ${packDir} does not compile: ${out || (err as Error).message} (fix it, then \`npm run build\` in ${packDir})`);
    }
    // Swap the new build in: the old folder is moved aside first (rename cannot replace a full folder).
    const old = `${layout.outDir}.old-${process.pid}-${Date.now()}`;
    try {
        fs.renameSync(layout.outDir, old);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    try {
        fs.renameSync(tmp, layout.outDir);
    } catch (err) {
        // Another run put its build of the same sources in place first.
        if (!["ENOTEMPTY", "EEXIST"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    fs.rmSync(old, { recursive: true, force: true });
    return true;
}
