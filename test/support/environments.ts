/** A temporary copy of the project's environment files, for INFRA_ENVIRONMENTS_DIR, so no test edits the real ones. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ENVIRONMENTS = path.resolve(__dirname, "..", "..", "environments");

/** Copies environments/*.yaml into `dir` (created; default a new temporary folder) and returns it. */
export function copyEnvironments(dir: string = fs.mkdtempSync(path.join(os.tmpdir(), "infra-envs-"))): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(ENVIRONMENTS).filter((x) => x.endsWith(".yaml"))) fs.copyFileSync(path.join(ENVIRONMENTS, f), path.join(dir, f));
    return dir;
}
