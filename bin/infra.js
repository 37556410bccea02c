#!/usr/bin/env node
// Entry point of the `infra` CLI: loads tsx so the TypeScript sources run as they are, without a build step.
"use strict";
// Compiled code of earlier runs first (automation/processes/compile-cache.js), then tsx.
require("../automation/processes/compile-cache.js").start();
// A command that will plan layers offline gets its first layer worker now, while the CLI loads.
require("../automation/offline/worker-process.js").prestartWorker(process.argv.slice(2), require("path").resolve(__dirname, ".."));
require("tsx/cjs");
require("../automation/cli/main.ts")
    .main(process.argv)
    // Exit explicitly: an engine's child processes or gRPC servers must not keep a finished run alive.
    .then((code) => process.exit(code), (err) => {
        process.stderr.write(`infra: ${err && err.message ? err.message : err}\n`);
        process.exit(1);
    });
