// Ends a child process of `infra` when `infra` is gone, however it went (SIGKILL included, where
// no exit hook of the parent runs). Preloaded with `node --require` into the offline engine's
// layer workers and the policy pack, so it also covers their slow start (the SDK takes seconds
// to load) and needs no cooperation from code we do not own (the SDK's run-policy-pack).
// The Pulumi CLI's plugins of ours (the language host, the provider stand-in) have a parent that
// cannot name itself in their environment: they call exitWhenOrphaned() first thing instead.
// Plain JavaScript: the policy pack runs under ts-node, not tsx, so a .ts preload could not load.
"use strict";

/** The variable the parent sets to its pid: `{ [PARENT_PID_VARIABLE]: String(process.pid) }`. */
const PARENT_PID_VARIABLE = "INFRA_EXIT_WITH_PARENT";

/**
 * Calls `onGone` once when the parent `parentPid` is no longer this process's parent (it died and
 * the process was re-parented to init or a subreaper; a re-parented pid cannot come back, so pid
 * reuse cannot fool it), or, for a child with an IPC channel, as soon as the channel closes.
 * Returns a function that stops watching.
 */
function watchParent(options) {
    const proc = options.process || process;
    const intervalMs = options.intervalMs || 250;
    let done = false;
    const gone = (why) => {
        if (done) return;
        done = true;
        stop();
        options.onGone(why);
    };
    const check = () => {
        if (proc.ppid !== options.parentPid) gone(`parent ${options.parentPid} is gone (parent now ${proc.ppid})`);
    };
    const onDisconnect = () => gone("the IPC channel to the parent closed");
    // Polling is the one signal that works for every kind of child; the IPC channel, where there is
    // one, is only faster. The timer is unref'd: watching must never keep a process alive.
    const timer = setInterval(check, intervalMs);
    if (timer.unref) timer.unref();
    if (proc.channel) proc.on("disconnect", onDisconnect);
    function stop() {
        clearInterval(timer);
        proc.removeListener("disconnect", onDisconnect);
    }
    check();
    return stop;
}

/** Exits this process once `parentPid` is no longer its parent. */
function exitOnceGone(parentPid) {
    watchParent({
        parentPid,
        onGone: () => {
            // Nobody is left to read a result or a log; an exit hook may still tidy up.
            process.exit(0);
        },
    });
}

/** Starts watching when this file is preloaded into a child that the parent named itself to. */
function watchFromEnvironment() {
    const parentPid = Number(process.env[PARENT_PID_VARIABLE]);
    // Not inherited further: a grandchild's parent is not `infra`.
    delete process.env[PARENT_PID_VARIABLE];
    if (!Number.isInteger(parentPid) || parentPid <= 0) return;
    exitOnceGone(parentPid);
}

/**
 * Exits this process once the parent it has now is gone: for a process started by a program we do
 * not own (the Pulumi CLI starting its plugins), which cannot set PARENT_PID_VARIABLE. Call it
 * before anything slow loads, so the parent has had no time to die unseen (a parent that died
 * before the call is indistinguishable from having been started by init).
 */
function exitWhenOrphaned() {
    exitOnceGone(process.ppid);
}

/** What a parent adds to a Node child's arguments and environment to have the child end with it. */
function exitWithParent() {
    return { execArgv: ["--require", module.filename], env: { [PARENT_PID_VARIABLE]: String(process.pid) } };
}

watchFromEnvironment();

module.exports = { PARENT_PID_VARIABLE, watchParent, exitWithParent, exitWhenOrphaned };
