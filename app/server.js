"use strict";
/**
 * Sample service for the platform: health, readiness, Prometheus metrics and a greeting,
 * with one structured JSON log line per request carrying a correlation id and the W3C
 * trace context. No dependencies, so the image needs no install or build step.
 */
const http = require("http");
const crypto = require("crypto");

const PORT = Number(process.env.PORT ?? 8000);
// All interfaces by default (a container must accept traffic from its pod IP); tests pin loopback.
const HOST = process.env.HOST || undefined;
const SHUTDOWN_TIMEOUT_MS = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10000);
const SERVICE = process.env.SERVICE_NAME ?? "platform-app";
const started = Date.now();
let shuttingDown = false;

/** Routes are the label values; anything else is "other" so a scanner cannot explode the series count. */
const ROUTES = new Set(["/", "/healthz", "/readyz", "/metrics"]);
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const requests = new Map(); // "method|route|status" -> count
const latency = new Map(); // "method|route" -> { buckets: number[], sum, count }

function log(level, msg, fields = {}) {
    process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level, service: SERVICE, msg, ...fields }) + "\n");
}

/** Parses a W3C traceparent header ("00-<32 hex>-<16 hex>-<2 hex>"); undefined when absent or malformed. */
function parseTraceparent(header) {
    const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(header ?? "").trim());
    if (!m || m[1] === "ff" || /^0+$/.test(m[2]) || /^0+$/.test(m[3])) return undefined;
    return { traceparent: m[0], traceId: m[2], spanId: m[3] };
}

/** The caller's x-request-id when it is a sane token, otherwise a fresh one; never echo arbitrary bytes. */
function requestIdOf(req) {
    const incoming = req.headers["x-request-id"];
    return typeof incoming === "string" && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : crypto.randomUUID();
}

function observe(method, route, status, seconds) {
    const key = `${method}|${route}|${status}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const lk = `${method}|${route}`;
    let h = latency.get(lk);
    if (!h) latency.set(lk, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => { if (seconds <= b) h.buckets[i]++; });
    h.sum += seconds;
    h.count++;
}

function escapeLabel(v) {
    return String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Prometheus text exposition format 0.0.4. */
function metricsText() {
    const lines = [
        "# HELP http_requests_total HTTP requests served, by method, route and status.",
        "# TYPE http_requests_total counter",
    ];
    for (const [key, n] of requests) {
        const [method, route, status] = key.split("|");
        lines.push(`http_requests_total{method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"} ${n}`);
    }
    lines.push("# HELP http_request_duration_seconds HTTP request latency.", "# TYPE http_request_duration_seconds histogram");
    for (const [key, h] of latency) {
        const [method, route] = key.split("|");
        const labels = `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`;
        BUCKETS.forEach((b, i) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${b}"} ${h.buckets[i]}`));
        lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
        lines.push(`http_request_duration_seconds_sum{${labels}} ${h.sum}`);
        lines.push(`http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    lines.push(
        "# HELP process_uptime_seconds Seconds since the process started.",
        "# TYPE process_uptime_seconds gauge",
        `process_uptime_seconds ${(Date.now() - started) / 1000}`,
        "# HELP process_resident_memory_bytes Resident memory size in bytes.",
        "# TYPE process_resident_memory_bytes gauge",
        `process_resident_memory_bytes ${process.memoryUsage().rss}`,
    );
    return lines.join("\n") + "\n";
}

function sendJson(res, status, body) {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
}

function handle(req, res) {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
    switch (path) {
        case "/healthz": return sendJson(res, 200, { status: "ok" });
        // Not ready while draining, so the Service stops sending new requests before the pod exits.
        case "/readyz": return shuttingDown ? sendJson(res, 503, { status: "shutting down" }) : sendJson(res, 200, { status: "ready" });
        case "/metrics":
            res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
            return res.end(metricsText());
        case "/": return sendJson(res, 200, { service: SERVICE, message: "hello" });
        default: return sendJson(res, 404, { error: "not found" });
    }
}

const server = http.createServer((req, res) => {
    const start = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const trace = parseTraceparent(req.headers.traceparent);
    res.setHeader("x-request-id", requestId);
    if (shuttingDown) res.setHeader("connection", "close");
    res.on("finish", () => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const path = (req.url ?? "/").split("?")[0];
        const route = ROUTES.has(path) ? path : "other";
        observe(req.method ?? "GET", route, res.statusCode, seconds);
        log("info", "request", {
            requestId, method: req.method, path, route, status: res.statusCode,
            durationMs: Math.round(seconds * 1e6) / 1e3, ...(trace ?? {}),
        });
    });
    try {
        handle(req, res);
    } catch (err) {
        log("error", "handler failed", { requestId, error: String(err && err.stack ? err.stack : err) });
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
    }
});

/** Stops accepting connections, lets in-flight requests finish, exits 0; exits 1 if draining overruns. */
function shutdown(signal) {
    if (shuttingDown) return;
    shuttingDown = true;
    log("info", "shutting down", { signal });
    const force = setTimeout(() => {
        log("error", "shutdown timed out", { timeoutMs: SHUTDOWN_TIMEOUT_MS });
        process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    server.close(() => {
        log("info", "stopped");
        process.exit(0);
    });
    server.closeIdleConnections();
}

process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

server.listen(PORT, HOST, () => {
    log("info", "listening", { port: server.address().port });
});
