/**
 * Finding the Pulumi CLI without loading the Automation API, so a missing CLI is reported
 * before anything else happens.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../errors";

export const PULUMI_MISSING = "the Pulumi CLI is not installed: install it with `curl -fsSL https://get.pulumi.com | sh` or use --engine offline";

/** The executable's path when `command` is on PATH. */
export function findOnPath(command: string, pathEnv: string | undefined = process.env.PATH): string | undefined {
    for (const dir of (pathEnv ?? "").split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, command);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // not in this directory
        }
    }
    return undefined;
}

/** Throws the install hint when there is no `pulumi` on PATH. */
export function assertPulumiInstalled(pathEnv: string | undefined = process.env.PATH): string {
    const found = findOnPath("pulumi", pathEnv);
    if (!found) throw new InputError(PULUMI_MISSING);
    return found;
}

