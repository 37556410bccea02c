/** Stop-signal handling through its functions (an EventEmitter stands in for the process). */
import { strict as assert } from "assert";
import { EventEmitter } from "events";
import { InterruptedError } from "../../common/errors";
import {
    FORCED_EXIT_MESSAGE, INTERRUPTING_MESSAGE, SAME_REQUEST_MS, STOP_AFTER_RUN_MESSAGE, STOP_SIGNALS, installSignalHandlers,
} from "../../automation/pipeline/signals";

function harness(start = 10_000) {
    const target = new EventEmitter();
    const written: string[] = [];
    const exits: number[] = [];
    let clock = start;
    const opts = {
        target,
        now: () => clock,
        stream: { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream,
        exit: (code: number) => exits.push(code),
    };
    return { target, written, exits, opts, advance: (ms: number) => (clock += ms) };
}

/** Leaves no stop request pending for the next test. */
function drain(): void {
    const h = harness();
    installSignalHandlers(new AbortController(), h.opts)();
    installSignalHandlers(new AbortController(), h.opts)();
}

describe("mutation: stop signals", () => {
    afterEach(drain);

    it("tells people exactly what a stop and a forced exit do", () => {
        assert.equal(INTERRUPTING_MESSAGE, "Interrupting: waiting for in-flight layers to stop (press Ctrl-C again to force exit)");
        assert.equal(STOP_AFTER_RUN_MESSAGE, "Stopping: the run that finished keeps its result; nothing more will start (press Ctrl-C again to force exit)");
        assert.equal(
            FORCED_EXIT_MESSAGE,
            "Forced exit: layers that were running may be left mid-update. Before the next run, check them with `infra refresh`; a Pulumi stack left locked needs `pulumi cancel -s <env>-<layer>`.",
        );
        assert.deepEqual(STOP_SIGNALS, ["SIGINT", "SIGTERM"]);
        assert.equal(SAME_REQUEST_MS, 300);
    });

    it("the first Ctrl-C aborts the run with an InterruptedError and prints one message", () => {
        const h = harness();
        const controller = new AbortController();
        installSignalHandlers(controller, h.opts);
        assert.equal(h.target.listenerCount("SIGINT"), 1);
        assert.equal(h.target.listenerCount("SIGTERM"), 1);
        h.target.emit("SIGINT", "SIGINT");
        assert.equal(controller.signal.aborted, true);
        const reason = controller.signal.reason as InterruptedError;
        assert.ok(reason instanceof InterruptedError);
        assert.equal(reason.message, "interrupted by Ctrl-C");
        assert.equal(reason.exitCode, 8);
        assert.deepEqual(h.written, [`\n${INTERRUPTING_MESSAGE}\n`]);
        assert.deepEqual(h.exits, []);
    });

    it("SIGTERM aborts with its own name", () => {
        const h = harness();
        const controller = new AbortController();
        installSignalHandlers(controller, h.opts);
        h.target.emit("SIGTERM", "SIGTERM");
        assert.equal((controller.signal.reason as Error).message, "interrupted by SIGTERM");
        assert.deepEqual(h.written, [`\n${INTERRUPTING_MESSAGE}\n`]);
    });

    it("a second request 300 ms or more later forces exit 8; one less than 300 ms later is the same request", () => {
        const h = harness();
        installSignalHandlers(new AbortController(), h.opts);
        h.target.emit("SIGINT", "SIGINT");
        h.advance(SAME_REQUEST_MS - 1);
        h.target.emit("SIGINT", "SIGINT");
        assert.deepEqual(h.exits, []);
        assert.equal(h.written.length, 1, "the repeat prints nothing");
        h.advance(1);
        h.target.emit("SIGTERM", "SIGTERM");
        assert.deepEqual(h.exits, [8]);
        assert.deepEqual(h.written, [`\n${INTERRUPTING_MESSAGE}\n`, `\n${FORCED_EXIT_MESSAGE}\n`]);
    });

    it("counts a signal at clock 0 as a fresh request", () => {
        const h = harness(0);
        const controller = new AbortController();
        installSignalHandlers(controller, h.opts);
        h.target.emit("SIGINT", "SIGINT");
        assert.equal(controller.signal.aborted, true);
    });

    it("the disposer swaps the run's handlers for one finishing listener per signal, and disposing twice keeps one", () => {
        const h = harness();
        const controller = new AbortController();
        const dispose = installSignalHandlers(controller, h.opts);
        dispose();
        assert.equal(h.target.listenerCount("SIGINT"), 1);
        assert.equal(h.target.listenerCount("SIGTERM"), 1);
        dispose();
        assert.equal(h.target.listenerCount("SIGINT"), 1);
        assert.equal(h.target.listenerCount("SIGTERM"), 1);
        h.target.emit("SIGTERM", "SIGTERM");
        assert.equal(controller.signal.aborted, false, "the finished run is not aborted");
        assert.deepEqual(h.written, [`\n${STOP_AFTER_RUN_MESSAGE}\n`]);
        assert.deepEqual(h.exits, []);
    });

    it("a request after the run is held for the next run, which starts aborted, and a later signal then forces the exit", () => {
        const h = harness();
        installSignalHandlers(new AbortController(), h.opts)();
        h.target.emit("SIGTERM", "SIGTERM");
        const next = new AbortController();
        const h2 = harness();
        const dispose = installSignalHandlers(next, h2.opts);
        assert.equal(next.signal.aborted, true);
        assert.equal((next.signal.reason as Error).message, "interrupted by SIGTERM");
        assert.ok(next.signal.reason instanceof InterruptedError);
        assert.equal(h.target.listenerCount("SIGINT"), 0, "the previous finishing listener is removed from its target");
        assert.equal(h.target.listenerCount("SIGTERM"), 0);
        h.target.emit("SIGINT", "SIGINT");
        assert.deepEqual(h.exits, []);
        h2.target.emit("SIGINT", "SIGINT");
        assert.deepEqual(h2.exits, [8], "the held request counts as the first");
        assert.deepEqual(h2.written, [`\n${FORCED_EXIT_MESSAGE}\n`]);
        dispose();
        const third = new AbortController();
        installSignalHandlers(third, harness().opts)();
        assert.equal(third.signal.aborted, false, "the held request is used up");
    });

    it("a request with no signal name is held as Ctrl-C", () => {
        const h = harness();
        installSignalHandlers(new AbortController(), h.opts)();
        h.target.emit("SIGINT");
        const next = new AbortController();
        installSignalHandlers(next, harness().opts)();
        assert.equal((next.signal.reason as Error).message, "interrupted by Ctrl-C");
    });

    it("a second request after the run (not a repeat) forces the exit", () => {
        const h = harness();
        installSignalHandlers(new AbortController(), h.opts)();
        h.target.emit("SIGINT", "SIGINT");
        h.advance(10);
        h.target.emit("SIGINT", "SIGINT");
        assert.deepEqual(h.exits, [], "a repeat delivery is the same request");
        h.advance(SAME_REQUEST_MS);
        h.target.emit("SIGINT", "SIGINT");
        assert.deepEqual(h.exits, [8]);
        assert.deepEqual(h.written, [`\n${STOP_AFTER_RUN_MESSAGE}\n`, `\n${FORCED_EXIT_MESSAGE}\n`]);
    });

    it("a run already stopped once forces the exit on a request after it finished", () => {
        const h = harness();
        const dispose = installSignalHandlers(new AbortController(), h.opts);
        h.target.emit("SIGINT", "SIGINT");
        dispose();
        h.advance(SAME_REQUEST_MS);
        h.target.emit("SIGINT", "SIGINT");
        assert.deepEqual(h.exits, [8]);
        const next = new AbortController();
        installSignalHandlers(next, harness().opts)();
        assert.equal(next.signal.aborted, false, "nothing is held after a forced exit request");
    });

    it("defaults to the process, its stderr, process.exit and the wall clock", () => {
        const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
        const realExit = process.exit;
        const realWrite = process.stderr.write;
        const exits: (number | undefined)[] = [];
        const written: string[] = [];
        let dispose = () => {};
        try {
            process.exit = ((code?: number) => { exits.push(code); }) as typeof process.exit;
            process.stderr.write = ((s: string) => { written.push(String(s)); return true; }) as typeof process.stderr.write;
            const controller = new AbortController();
            dispose = installSignalHandlers(controller);
            assert.equal(process.listenerCount("SIGINT"), before.int + 1);
            assert.equal(process.listenerCount("SIGTERM"), before.term + 1);
            process.emit("SIGINT", "SIGINT");
            assert.equal(controller.signal.aborted, true);
            process.emit("SIGINT", "SIGINT");
            assert.deepEqual(exits, [], "a repeat within 300 ms of wall-clock time is one request");
            const until = Date.now() + SAME_REQUEST_MS + 20;
            while (Date.now() < until) { /* wait on the wall clock */ }
            process.emit("SIGINT", "SIGINT");
            assert.deepEqual(exits, [8]);
            assert.deepEqual(written, [`\n${INTERRUPTING_MESSAGE}\n`, `\n${FORCED_EXIT_MESSAGE}\n`]);
        } finally {
            process.exit = realExit;
            process.stderr.write = realWrite;
            dispose();
            // Moves the handlers off the process onto a private emitter.
            installSignalHandlers(new AbortController(), harness().opts)();
        }
        assert.equal(process.listenerCount("SIGINT"), before.int);
        assert.equal(process.listenerCount("SIGTERM"), before.term);
    });
});
