/**
 * The smallest Engine gRPC service a policy pack needs: the CLI hands every plugin the
 * address of its engine, and the SDK inside the pack sends `Log` calls there. We collect
 * those lines instead of printing them; the other calls answer like an engine with no
 * root resource.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";

export interface EngineServer {
    /** "127.0.0.1:<port>", passed to the pack as its engine address. */
    readonly address: string;
    close(): Promise<void>;
}

const LEVELS: Record<number, string> = {
    [engineproto.LogSeverity.DEBUG]: "debug",
    [engineproto.LogSeverity.INFO]: "info",
    [engineproto.LogSeverity.WARNING]: "warning",
    [engineproto.LogSeverity.ERROR]: "error",
};

/** Starts the Engine service on an ephemeral loopback port. */
export function startEngineServer(onLog: (line: string) => void): Promise<EngineServer> {
    const server = new grpc.Server();
    const impl: enginerpc.IEngineServer = {
        log: (call, callback) => {
            const req = call.request;
            const urn = req.getUrn() ? ` (${req.getUrn()})` : "";
            onLog(`${LEVELS[req.getSeverity()] ?? "info"}: ${req.getMessage()}${urn}`);
            callback(null, new Empty());
        },
        getRootResource: (_call, callback) => callback(null, new engineproto.GetRootResourceResponse()),
        setRootResource: (_call, callback) => callback(null, new engineproto.SetRootResourceResponse()),
        startDebugging: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: "debugging is not supported" }),
        requirePulumiVersion: (_call, callback) => callback(null, new engineproto.RequirePulumiVersionResponse()),
    };
    server.addService(enginerpc.EngineService, impl);
    return new Promise((resolve, reject) => {
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
            if (err) return reject(new Error(`engine server: cannot bind a loopback port: ${err.message}`));
            resolve({
                address: `127.0.0.1:${port}`,
                // The pack may still hold a channel open; nothing it could send matters after close.
                close: async () => server.forceShutdown(),
            });
        });
    });
}
