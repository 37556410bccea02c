// Keeps V8's compiled code of every module a process loads on disk, so the next process that
// loads the same files skips compiling them: the CLI, the offline engine's layer workers and the
// policy pack each load the Pulumi SDK (thousands of files), which was most of their start-up.
// Node 22.1+ has this built in (module.enableCompileCache); on Node 20 the v8-compile-cache
// package does the same by wrapping Module.prototype._compile. Either way the cache is keyed by
// each file's contents, so an edited file is compiled afresh, and code is all it holds (no
// values, no secrets). It lives in the user's cache folder (cacheFolder below);
// DISABLE_V8_COMPILE_CACHE=1 turns it off.
// Plain JavaScript: it is preloaded with `node --require` before tsx, into processes of ours.
"use strict";

const fs = require("fs");
const Module = require("module");
const os = require("os");
const path = require("path");

/**
 * The cache folder: V8_COMPILE_CACHE_CACHE_DIR when set, else the user's own cache folder
 * (XDG_CACHE_HOME when it is absolute, as the XDG spec asks, or ~/.cache), per V8 version. Not the
 * shared temp folder both mechanisms default to: compiled code read from a folder another user
 * could write first would run as ours. Created private (0700); undefined when it cannot be.
 */
function cacheFolder() {
    const named = process.env.V8_COMPILE_CACHE_CACHE_DIR;
    const xdg = process.env.XDG_CACHE_HOME;
    const home = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
    const dir = path.resolve(named || path.join(home, "infra", "compile-cache", `${process.arch}-v8-${process.versions.v8}`));
    try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const st = fs.statSync(dir);
        // Only a folder of this user's that nobody else may write into.
        if (!st.isDirectory() || (typeof process.getuid === "function" && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return undefined;
        return dir;
    } catch {
        return undefined;
    }
}

/** How long a save may hold v8-compile-cache's lock file before it counts as left by a killed process. */
const STALE_LOCK_MS = 60_000;

/**
 * v8-compile-cache skips saving while its lock file exists, and a process killed mid-save leaves
 * it for good: the cache would stay as it was, silently. A lock older than STALE_LOCK_MS goes.
 */
function clearStaleLocks(dir) {
    try {
        for (const name of fs.readdirSync(dir)) {
            if (!name.endsWith(".LOCK")) continue;
            const file = path.join(dir, name);
            if (Date.now() - fs.statSync(file).mtimeMs > STALE_LOCK_MS) fs.rmSync(file, { force: true });
        }
    } catch {
        // Another process removed it first, or the folder went: nothing to clear.
    }
}

/** Turns the cache on for this process; returns how ("off" when disabled or no private folder could be made). */
function enableCompileCache() {
    if (process.env.DISABLE_V8_COMPILE_CACHE) return "off";
    const dir = cacheFolder();
    if (!dir) return "off";
    // Children inherit the folder, and v8-compile-cache reads it from here.
    process.env.V8_COMPILE_CACHE_CACHE_DIR = dir;
    if (typeof Module.enableCompileCache === "function") {
        Module.enableCompileCache(dir);
        return "node";
    }
    clearStaleLocks(dir);
    // v8-compile-cache names its files after the main module, or in a preload (no main module yet)
    // after the working folder: one set per project folder for the layer workers, one per pack
    // folder for the pack, one per checkout for the CLI. Each set holds its own files' code.
    const nodeCompile = Module.prototype._compile;
    try {
        require("v8-compile-cache");
    } catch {
        return "off";
    }
    const cached = Module.prototype._compile;
    // v8-compile-cache compiles CommonJS with vm.Script, which loses what Node's own compile gives:
    // dynamic import() (it throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), source maps (tsx's
    // TypeScript would report positions in its output, not in the .ts file) and ES module syntax
    // (Node 20.19+ compiles a package's ES modules for require() through the same method, with a
    // format argument the package does not pass on). So only installed packages' plain CommonJS
    // goes through it, and none that calls import(); everything else, the project's TypeScript
    // included, compiles as it always did, with every argument Node gave.
    Module.prototype._compile = function compile(content, filename, format) {
        const viaCache = (format === undefined || format === "commonjs") && typeof filename === "string" &&
            filename.includes(`${path.sep}node_modules${path.sep}`) && /\.c?js$/.test(filename) && !DYNAMIC_IMPORT.test(content);
        if (viaCache) {
            try {
                return cached.call(this, content, filename);
            } catch (err) {
                // What the package could not compile (syntax Node accepts another way), Node compiles.
                if (!(err instanceof SyntaxError)) throw err;
            }
        }
        return nodeCompile.apply(this, arguments);
    };
    return "v8-compile-cache";
}

/** A dynamic import() anywhere in a file's source (a comment or a string too: erring towards Node's compile). */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/**
 * v8-compile-cache writes what it compiled when the process exits, and a process ended by a
 * signal never exits that way: the layer workers and the policy pack are stopped with SIGTERM.
 * Once the process has loaded (its main module ran), SIGTERM ends it by process.exit, so the
 * cache is written; the exit code still says SIGTERM (143). While it is still loading, SIGTERM
 * keeps its default and ends it at once: a stop must not wait for the SDK to finish loading.
 * Only where nothing else handles SIGTERM, so a process that does (the SDK's own) keeps its way.
 */
function exitCleanlyOnSigterm() {
    setImmediate(() => {
        process.once("SIGTERM", () => {
            if (process.listenerCount("SIGTERM") === 0) process.exit(128 + 15);
        });
    });
}

/** What a parent adds to a Node child's arguments to have it use the cache. */
function compileCacheArgs() {
    return ["--require", module.filename];
}

/** How this process caches compiled code, once start() has run. */
let mode;

/**
 * Turns the cache on once for this process (the CLI calls it first thing); later calls return
 * how it was turned on. Only a preload (below) also ends the process cleanly on SIGTERM.
 */
function start() {
    mode ??= enableCompileCache();
    return mode;
}

// Preloaded with --require: a child of ours, started with compileCacheArgs(). Required by anything
// else (a test, a tool, a `node -e` script), the file changes nothing until start() is called.
if (module.parent && module.parent.id === "internal/preload" && start() !== "off") exitCleanlyOnSigterm();

module.exports = { compileCacheArgs, start, mode: () => mode ?? "off" };
