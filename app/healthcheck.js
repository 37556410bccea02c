"use strict";
/**
 * Container HEALTHCHECK: exits 0 when /healthz answers 200 within two seconds. Uses node
 * itself, so the image needs no curl or wget.
 */
const http = require("http");

const req = http.get({ host: "127.0.0.1", port: Number(process.env.PORT ?? 8000), path: "/healthz", timeout: 2000 }, (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on("timeout", () => req.destroy(new Error("timeout")));
req.on("error", () => process.exit(1));
