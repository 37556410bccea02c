/** Child process of the offline engine: plans one layer (plan.ts) and reports over IPC. */
import { InputError } from "../errors";
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

process.once("message", (req: RunnerRequest) => {
    run(req)
        .catch(async (err: unknown) => {
            const e = err as Error;
            // Pulumi wraps program errors; keep the first line a person can act on.
            const message = String(e?.message ?? err).replace(/^Running program '[^']*' failed with an unhandled exception:\s*/, "").split("\n")[0];
            await send({ kind: "error", message, stack: e?.stack, input: err instanceof InputError });
        })
        .finally(() => process.exit(0));
});
