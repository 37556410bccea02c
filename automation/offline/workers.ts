/**
 * A small pool of layer worker processes for the offline engine. Each layer program runs in
 * a child process (never in the orchestrator), but loading the Pulumi SDK and providers costs
 * about 1.5 s per process on these machines, several times what planning a layer costs; so
 * workers are started ahead of need and reused for the next layer. A worker whose layer
 * failed or was cancelled is replaced, never reused: a failed program can leave the SDK's
 * global state unsettled.
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { InputError, InterruptedError } from "../../common/errors";
import { stopChild as stop } from "../processes/stop";
import { spawnWorker, takePrestarted } from "./worker-process";
import type { RunnerMessage, RunnerRequest } from "./protocol";
import { stackName } from "../../stacks/names";

type Result = Extract<RunnerMessage, { kind: "result" }>;

interface Job {
    label: string;
    log: number;
    logFile: string;
    onProgress: (done: number, resource: string) => void;
    settle: (outcome: Result | Error) => void;
    outcome?: Result | Error;
}

interface Worker {
    child: ChildProcess;
    job?: Job;
}

export class LayerWorkers {
    private readonly idle: Worker[] = [];
    private readonly waiting: { resolve: (w: Worker) => void; reject: (err: Error) => void }[] = [];
    private readonly live = new Set<Worker>();
    /** Workers retired after a failed or cancelled layer, until they have exited. */
    private readonly stopping = new Set<Promise<void>>();
    private closed = false;

    constructor(private readonly size: number, private readonly cwd: string) {
        for (let i = 0; i < size; i++) this.release(this.spawn());
    }

    /** Plans one layer on a worker; rejects with the program's error, or InterruptedError on abort. */
    async run(request: RunnerRequest, opts: { signal: AbortSignal; logFile: string; onProgress: (done: number, resource: string) => void }): Promise<Result> {
        if (opts.signal.aborted) throw new InterruptedError();
        const worker = await this.acquire();
        // Aborted while waiting for a worker: a listener added now would never fire.
        if (opts.signal.aborted) {
            this.release(worker);
            throw new InterruptedError();
        }
        fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
        const log = fs.openSync(opts.logFile, "w", 0o600);
        const label = stackName(request.env, request.layer);
        const outcome = await new Promise<Result | Error>((resolve) => {
            const onAbort = () => {
                job.outcome = new InterruptedError(`${label} interrupted`);
                void stop(worker.child);
            };
            const job: Job = {
                label, log, logFile: opts.logFile, onProgress: opts.onProgress,
                settle: (o) => { opts.signal.removeEventListener("abort", onAbort); resolve(o); },
            };
            worker.job = job;
            opts.signal.addEventListener("abort", onAbort, { once: true });
            worker.child.send(request);
        });
        worker.job = undefined;
        fs.closeSync(log);
        if (outcome instanceof Error) {
            this.retire(worker);
            throw outcome;
        }
        this.release(worker);
        return outcome;
    }

    async close(): Promise<void> {
        this.closed = true;
        // Nothing will free a worker for layers still waiting for one: end their runs now.
        for (const w of this.waiting.splice(0)) w.reject(new InterruptedError("the offline engine was closed"));
        // Retired workers too: none may still be running (or writing its cache) once the engine is closed.
        await Promise.all([...[...this.live].map((w) => stop(w.child)), ...this.stopping]);
    }

    private spawn(): Worker {
        // The first may have been started before the CLI loaded (worker-process.js).
        const child = takePrestarted(this.cwd) ?? spawnWorker(this.cwd);
        const worker: Worker = { child };
        this.live.add(worker);
        const sink = (chunk: Buffer) => { if (worker.job) fs.writeSync(worker.job.log, chunk); };
        child.stdout!.on("data", sink);
        child.stderr!.on("data", sink);
        child.on("message", (msg: RunnerMessage) => {
            const job = worker.job;
            if (!job) return;
            if (msg.kind === "progress") job.onProgress(msg.done, msg.resource);
            else if (msg.kind === "result") job.settle(msg);
            else {
                fs.writeSync(job.log, `\n${msg.stack ?? msg.message}\n`);
                job.outcome = msg.input ? new InputError(msg.message) : new Error(`${job.label}: ${msg.message}`);
            }
        });
        child.on("exit", (code, signal) => {
            this.live.delete(worker);
            const i = this.idle.indexOf(worker);
            if (i >= 0) this.idle.splice(i, 1);
            const job = worker.job;
            if (job) job.settle(job.outcome ?? new Error(`${job.label}: layer process exited (${signal ?? code}) without a result; see ${job.logFile}`));
        });
        return worker;
    }

    private acquire(): Promise<Worker> {
        const w = this.idle.shift();
        if (w) return Promise.resolve(w);
        if (this.live.size < this.size && !this.closed) return Promise.resolve(this.spawn());
        if (this.closed) return Promise.reject(new InterruptedError("the offline engine was closed"));
        return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    }

    private release(worker: Worker): void {
        const next = this.waiting.shift();
        if (next) next.resolve(worker);
        else this.idle.push(worker);
    }

    /** Ends a worker after a failed or cancelled layer and starts a fresh one in its place. */
    private retire(worker: Worker): void {
        const stopped: Promise<void> = stop(worker.child).finally(() => this.stopping.delete(stopped));
        this.stopping.add(stopped);
        this.live.delete(worker);
        if (!this.closed) this.release(this.spawn());
    }
}
