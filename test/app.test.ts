import { strict as assert } from "assert";
import { spawn, ChildProcess } from "child_process";
import { readFileSync } from "fs";
import * as http from "http";
import * as path from "path";

const APP_DIR = path.join(__dirname, "..", "app");

interface Started {
    child: ChildProcess;
    port: number;
    logs: Record<string, any>[];
    exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts app/server.js on a free loopback port and waits for its "listening" log line. */
function startServer(): Promise<Started> {
    const child = spawn(process.execPath, [path.join(APP_DIR, "server.js")], {
        env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", SHUTDOWN_TIMEOUT_MS: "3000" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const logs: Record<string, any>[] = [];
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on("exit", (code, signal) => res({ code, signal })));
    return new Promise((resolve, reject) => {
        let buffer = "";
        const timer = setTimeout(() => reject(new Error("server did not report a port within 5 s")), 5000);
        child.stdout!.on("data", (chunk: Buffer) => {
            buffer += chunk.toString();
            let nl: number;
            while ((nl = buffer.indexOf("\n")) >= 0) {
                const line = buffer.slice(0, nl);
                buffer = buffer.slice(nl + 1);
                const entry = JSON.parse(line); // every line must be JSON
                logs.push(entry);
                if (entry.msg === "listening") {
                    clearTimeout(timer);
                    resolve({ child, port: entry.port, logs, exit });
                }
            }
        });
        child.on("exit", (code) => reject(new Error(`server exited early with ${code}`)));
    });
}

function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent: false }, (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        }).on("error", reject);
    });
}

/** The value of one sample line in Prometheus text format, 0 when absent. */
function sample(text: string, series: string): number {
    const line = text.split("\n").find((l) => l.startsWith(series + " "));
    return line ? Number(line.slice(series.length + 1)) : 0;
}

const HEALTHZ_OK = 'http_requests_total{method="GET",route="/healthz",status="200"}';

describe("sample app server", function () {
    this.timeout(20000);
    let server: Started;

    before(async () => { server = await startServer(); });
    after(() => { if (server.child.exitCode === null) server.child.kill("SIGKILL"); });

    it("answers /healthz with 200 JSON", async () => {
        const res = await get(server.port, "/healthz");
        assert.equal(res.status, 200);
        assert.match(String(res.headers["content-type"]), /application\/json/);
        assert.deepEqual(JSON.parse(res.body), { status: "ok" });
    });

    it("answers /readyz and / and 404s unknown paths", async () => {
        assert.equal((await get(server.port, "/readyz")).status, 200);
        assert.equal((await get(server.port, "/")).status, 200);
        assert.equal((await get(server.port, "/nope")).status, 404);
    });

    it("counts requests by method, route and status in /metrics", async () => {
        const before = sample((await get(server.port, "/metrics")).body, HEALTHZ_OK);
        await get(server.port, "/healthz");
        await get(server.port, "/healthz");
        const res = await get(server.port, "/metrics");
        assert.match(String(res.headers["content-type"]), /text\/plain; version=0\.0\.4/);
        assert.equal(sample(res.body, HEALTHZ_OK), before + 2);
        assert.ok(sample(res.body, 'http_requests_total{method="GET",route="other",status="404"}') >= 1, "unknown paths share one route label");
    });

    it("exposes a latency histogram and an uptime gauge", async () => {
        const text = (await get(server.port, "/metrics")).body;
        assert.match(text, /# TYPE http_request_duration_seconds histogram/);
        const count = sample(text, 'http_request_duration_seconds_count{method="GET",route="/healthz"}');
        assert.equal(sample(text, 'http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}'), count);
        assert.ok(count >= 2);
        assert.match(text, /# TYPE process_uptime_seconds gauge\nprocess_uptime_seconds \d/);
    });

    it("echoes x-request-id and logs it with the W3C trace context", async () => {
        const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const res = await get(server.port, "/", { "x-request-id": "req-123", traceparent });
        assert.equal(res.headers["x-request-id"], "req-123");
        await new Promise((r) => setTimeout(r, 50));
        const line = server.logs.find((l) => l.requestId === "req-123");
        assert.ok(line, "a log line carries the request id");
        assert.equal(line.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert.equal(line.spanId, "00f067aa0ba902b7");
        assert.equal(line.traceparent, traceparent);
        assert.equal(line.status, 200);
        assert.equal(line.level, "info");
    });

    it("generates a request id when none (or an unsafe one) is sent", async () => {
        const res = await get(server.port, "/healthz");
        assert.match(String(res.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
        const unsafe = await get(server.port, "/healthz", { "x-request-id": "a b;c" });
        assert.notEqual(unsafe.headers["x-request-id"], "a b;c");
    });

    it("exits 0 within 5 s of SIGTERM, even with an idle keep-alive connection open", async () => {
        const agent = new http.Agent({ keepAlive: true });
        await new Promise<void>((res, rej) => http.get({ host: "127.0.0.1", port: server.port, path: "/healthz", agent }, (r) => { r.resume(); r.on("end", res); }).on("error", rej));
        const t0 = Date.now();
        server.child.kill("SIGTERM");
        const result = await Promise.race([server.exit, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("no exit within 5 s")), 5000))]);
        assert.deepEqual(result, { code: 0, signal: null });
        assert.ok(Date.now() - t0 < 5000);
        assert.ok(server.logs.some((l) => l.msg === "shutting down" && l.signal === "SIGTERM"));
        agent.destroy();
    });
});

describe("sample app Dockerfile", () => {
    const text = readFileSync(path.join(APP_DIR, "Dockerfile"), "utf8");
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    const froms = lines.filter((l) => /^FROM\s/i.test(l));
    const finalStage = lines.slice(lines.lastIndexOf(froms[froms.length - 1]));
    const instruction = (name: string) => finalStage.filter((l) => l.toUpperCase().startsWith(name + " "));

    it("is multi-stage", () => assert.ok(froms.length >= 2, `${froms.length} FROM lines`));

    it("pins every base image to a version tag, never latest", () => {
        const stageNames = new Set(froms.map((f) => /\sAS\s+(\S+)/i.exec(f)?.[1]).filter(Boolean));
        for (const f of froms) {
            const image = f.split(/\s+/).find((p, i) => i > 0 && !p.startsWith("--"))!;
            if (stageNames.has(image)) continue;
            assert.match(image, /:(?!latest\b)[\w.-]*\d[\w.-]*(@sha256:[a-f0-9]{64})?$|@sha256:[a-f0-9]{64}$/, `${image} is pinned`);
        }
    });

    it("runs the final stage as a numeric non-root user", () => {
        const user = instruction("USER");
        assert.equal(user.length, 1);
        const [uid] = user[0].split(/\s+/)[1].split(":");
        assert.match(uid, /^\d+$/);
        assert.notEqual(Number(uid), 0);
    });

    it("has a HEALTHCHECK that uses node, not curl", () => {
        const hc = instruction("HEALTHCHECK");
        assert.equal(hc.length, 1);
        assert.match(hc[0], /CMD \["node"/);
        assert.doesNotMatch(text, /curl|wget/);
    });

    it("starts through tini as PID 1", () => assert.deepEqual(instruction("ENTRYPOINT"), ['ENTRYPOINT ["/usr/bin/tini", "--"]']));

    it("exposes 8000 and bakes in no secrets", () => {
        assert.deepEqual(instruction("EXPOSE"), ["EXPOSE 8000"]);
        assert.doesNotMatch(text, /(PASSWORD|SECRET|TOKEN|API_KEY)\s*=/i);
    });
});
