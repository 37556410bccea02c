/**
 * The provider stand-in's plugin process (provider.ts is the provider): what the
 * `pulumi-resource-<name>` wrappers start, with the package name and the engine address.
 */
import { exitWhenOrphaned } from "../../automation/processes/exit-with-parent";

// The CLI stops its plugins when it ends normally; when it is killed (SIGKILL, or its output pipe
// broken after infra was killed) nothing would, and the stand-in served on with no engine. So it
// ends with the CLI, watched from before the seconds the SDK takes to load (the wrapper execs
// node, so the parent is the CLI itself).
exitWhenOrphaned();

const { serve } = require("./provider") as typeof import("./provider");
serve(process.argv.slice(2));
