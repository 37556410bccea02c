/** Types of worker-process.js (plain JavaScript so bin/infra.js can run it before tsx; see there). */
import type { ChildProcess } from "child_process";

/** Forks a layer worker in `projectDir`, with the parent watch, the compile cache and tsx preloaded. */
export declare function spawnWorker(projectDir: string): ChildProcess;

/** True for an `infra` command line (argv without node and script) that will plan layers offline. */
export declare function plansOffline(args: readonly string[]): boolean;

/** Starts one worker now when `args` plan offline; returns it, or undefined when it started none. */
export declare function prestartWorker(args: readonly string[], projectDir: string): ChildProcess | undefined;

/** The prestarted worker, once, when it runs in `projectDir` and is alive; else undefined. */
export declare function takePrestarted(projectDir: string): ChildProcess | undefined;
