/**
 * A layer worker of the offline engine: plans the layers it is sent (plan.ts), one at a
 * time, and reports over IPC. After a failed layer it exits, so the engine starts a fresh
 * worker rather than reuse an SDK runtime a failed program may have left unsettled.
 */
import { InputError } from "../../common/errors";
import { planLayer } from "./plan";
import type { RunnerMessage, RunnerRequest } from "./protocol";

function send(message: RunnerMessage): Promise<void> {
    return new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : (console.log(JSON.stringify(message)), resolve())));
}

async function run(req: RunnerRequest): Promise<void> {
    let lastSent = 0;
    const result = await planLayer(req, (done, resource) => {
        const now = Date.now();
        // Progress is for people: a few updates a second are enough and keep IPC cheap.
        if (now - lastSent > 100) { lastSent = now; void send({ kind: "progress", done, resource }); }
    });
    await send(result);
}

let queue = Promise.resolve();
process.on("message", (req: RunnerRequest) => {
    queue = queue.then(() => run(req)).catch(async (err: unknown) => {
        const e = err as Error;
        // Pulumi wraps program errors; keep the first line a person can act on.
        const message = String(e?.message ?? err).replace(/^Running program '[^']*' failed with an unhandled exception:\s*/, "").split("\n")[0];
        await send({ kind: "error", message, stack: e?.stack, input: err instanceof InputError });
        process.exit(0);
    });
});
// The engine going away (exit, crash or SIGKILL) ends this worker: see processes/exit-with-parent.js,
// which the engine preloads into it.
