/**
 * The language host's process (host.ts is the host): what `.tools/bin/pulumi-language-nodejs`
 * starts, with the engine address.
 */
import { exitWhenOrphaned } from "../../automation/processes/exit-with-parent";

// The CLI stops the host when it ends normally; when it is killed (SIGKILL, or its output pipe
// broken after infra was killed) nothing would, and the host served on with no engine. So it ends
// with the CLI, and its exit hook ends the programs and policy packs it started. Watched from
// before gRPC and the SDK's protocol modules load (the wrapper execs node, so the parent is the
// CLI itself).
exitWhenOrphaned();

const { serve } = require("./host") as typeof import("./host");
serve(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`pulumi-language-nodejs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
