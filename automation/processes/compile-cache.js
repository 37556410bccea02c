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
 * (XDG_CACHE_HOME or ~/.cache), per V8 version. Not the shared temp folder both mechanisms
 * default to: compiled code read from a folder another user could write first would run as ours.
 * Created private (0700); undefined when it cannot be.
 */
function cacheFolder() {
    const named = process.env.V8_COMPILE_CACHE_CACHE_DIR;
    const dir = named || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "infra", "compile-cache", `${process.arch}-v8-${process.versions.v8}`);
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
    const nodeCompile = Module.prototype._compile;
    // v8-compile-cache names its files after the main module, or, in a preload (none yet), after
    // the working folder. A preload names them by the script it runs instead (a folder of the
    // cache per script: the layer worker, the pack), so every checkout and workspace shares one
    // set per script, and two scripts that run at once do not overwrite each other's.
    const cwd = process.cwd();
    try {
        if (require.main === undefined) {
            const script = process.argv[1] ? `${path.basename(path.dirname(process.argv[1]))}-${path.basename(process.argv[1])}` : "eval";
            const own = path.join(dir, script.replace(/[^\w.-]/g, "_"));
            fs.mkdirSync(own, { recursive: true, mode: 0o700 });
            process.chdir(own);
        }
        require("v8-compile-cache");
    } catch {
        return "off";
    } finally {
        process.chdir(cwd);
    }
    const cached = Module.prototype._compile;
    // v8-compile-cache compiles with vm.Script, which loses two things Node's own compile gives:
    // dynamic import() (it throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING) and source maps (tsx's
    // TypeScript would report positions in its output, not in the .ts file). So only installed
    // packages' plain JavaScript goes through it, and none that calls import(); the rest, the
    // project's TypeScript included, compiles as it always did.
    Module.prototype._compile = function compile(content, filename) {
        const viaCache = typeof filename === "string" && filename.includes(`${path.sep}node_modules${path.sep}`) && filename.endsWith(".js") && !DYNAMIC_IMPORT.test(content);
        return (viaCache ? cached : nodeCompile).call(this, content, filename);
    };
    return "v8-compile-cache";
}

/** A dynamic import() anywhere in a file's source (a comment or a string too: erring towards Node's compile). */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/**
 * v8-compile-cache writes what it compiled when the process exits, and a process ended by a
 * signal never exits that way: the layer workers and the policy pack are stopped with SIGTERM.
 * Ending on SIGTERM by process.exit lets the cache be written; the exit code still says SIGTERM.
 * Only where nothing else handles SIGTERM, so a process that does (the SDK's own) keeps its way.
 */
function exitCleanlyOnSigterm() {
    process.once("SIGTERM", () => {
        if (process.listenerCount("SIGTERM") === 0) process.exit(128 + 15);
    });
}

/** What a parent adds to a Node child's arguments to have it use the cache. */
function compileCacheArgs() {
    return ["--require", module.filename];
}

let mode = "off";
let started = false;

/**
 * Turns the cache on once for this process (the CLI calls it first thing); later calls return
 * how it was turned on. Only a preload (below) also ends the process cleanly on SIGTERM.
 */
function start() {
    if (!started) {
        started = true;
        mode = enableCompileCache();
    }
    return mode;
}

// Preloaded with --require (no main module yet): a child of ours, started with compileCacheArgs().
// Required by anything else (a test, a tool), the file changes nothing until start() is called.
if (require.main === undefined && start() !== "off") exitCleanlyOnSigterm();

module.exports = { compileCacheArgs, start, mode: () => mode };
