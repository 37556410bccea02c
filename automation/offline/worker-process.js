// Starting a layer worker process of the offline engine (runner.ts), and starting the first one
// early: `infra check` spends about half a second loading its own modules before the engine asks
// for a worker, and a worker then spends over a second loading the SDK. bin/infra.js calls
// prestartWorker() before the CLI loads, for the commands that will certainly plan layers
// offline, and the engine's worker pool takes that process as its first worker. A prestarted
// worker nobody takes ends with the CLI, like every worker (processes/exit-with-parent.js).
// Plain JavaScript: bin/infra.js runs it before tsx is loaded.
"use strict";

const { fork } = require("child_process");
const path = require("path");
const { compileCacheArgs } = require("../processes/compile-cache.js");
const { exitWithParent } = require("../processes/exit-with-parent.js");

const RUNNER = path.join(__dirname, "runner.ts");

/** Forks a layer worker in `projectDir`. */
function spawnWorker(projectDir) {
    // A worker outlives no run: it watches this process from its first instruction on
    // (processes/exit-with-parent.js), before the seconds it spends loading the SDK. The compile
    // cache comes before tsx, so the SDK loads from code compiled before.
    const lifetime = exitWithParent();
    return fork(RUNNER, [], {
        cwd: projectDir,
        execArgv: [...lifetime.execArgv, ...compileCacheArgs(), "--require", "tsx/cjs"],
        env: { ...process.env, ...lifetime.env },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
}

/**
 * True for an `infra` command line that will plan layers with the offline engine: `check`
 * (whose default engine is offline) without --engine pulumi, and not asking for help or the
 * version. Anything else, or anything unclear, is false: a wrong guess costs a second of CPU.
 */
function plansOffline(args) {
    const command = args.find((a) => !a.startsWith("-"));
    if (command !== "check") return false;
    if (args.some((a) => a === "-h" || a === "--help" || a === "--version")) return false;
    const i = args.findIndex((a) => a === "--engine" || a.startsWith("--engine="));
    if (i >= 0) {
        const value = args[i].includes("=") ? args[i].slice("--engine=".length) : args[i + 1];
        if (value !== "offline") return false;
    }
    return true;
}

let prestarted;

/**
 * A CLI that exits before its engine took the worker (bad input, --help of a subcommand) kills
 * it at once: still loading the SDK, the worker would notice its parent gone only after that.
 */
function killUntaken() {
    if (prestarted && prestarted.child.exitCode === null && prestarted.child.signalCode === null) prestarted.child.kill("SIGKILL");
}

/** Starts a worker in `projectDir` now when `args` (argv without node and script) plan offline; returns it. */
function prestartWorker(args, projectDir) {
    if (prestarted || !plansOffline(args)) return undefined;
    prestarted = { projectDir, child: spawnWorker(projectDir) };
    process.once("exit", killUntaken);
    return prestarted.child;
}

/** The prestarted worker, once, when it runs in `projectDir` and is still alive; else undefined. */
function takePrestarted(projectDir) {
    const p = prestarted;
    prestarted = undefined;
    process.removeListener("exit", killUntaken);
    if (!p || p.projectDir !== projectDir || p.child.exitCode !== null || p.child.signalCode !== null) {
        // Not this pool's: it holds nothing, and may still be loading (when SIGTERM would wait).
        if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
        return undefined;
    }
    return p.child;
}

module.exports = { spawnWorker, plansOffline, prestartWorker, takePrestarted };
