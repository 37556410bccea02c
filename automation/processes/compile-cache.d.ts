/** Types of compile-cache.js (plain JavaScript so it can be preloaded before tsx; see there). */

export type CompileCacheMode = "node" | "v8-compile-cache" | "off";

/** Turns the cache on for this process, once; returns how ("off": disabled, or no private folder). */
export declare function start(): CompileCacheMode;

/** How this process caches compiled code; "off" until start() or a preload turned it on. */
export declare function mode(): CompileCacheMode;

/** Node arguments (`--require` of this file) that make a child use the cache from its first module on. */
export declare function compileCacheArgs(): string[];
