/**
 * Finding the Pulumi CLI and the plugin folders `npm run setup:engine` writes, without loading
 * the Automation API, so a missing CLI is reported before anything else happens.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../common/errors";

export const PULUMI_MISSING =
    "the Pulumi CLI is not installed: run `npm run setup:engine` (builds it into .tools/bin), or install it with `curl -fsSL https://get.pulumi.com | sh`, or use --engine offline";

/** Which provider plugins a run uses: the real ones, or the project's provider stand-in (no cloud). */
export const PROVIDER_MODES = ["real", "standin"] as const;
export type ProviderMode = (typeof PROVIDER_MODES)[number];

/**
 * The folders `npm run setup:engine` fills: the CLI and language host, and the stand-in wrappers.
 * INFRA_TOOLS_DIR points elsewhere (a clone sharing another's build, or a test hiding them).
 */
export function toolsDirs(projectDir: string): { root: string; bin: string; standinBin: string } {
    const root = process.env.INFRA_TOOLS_DIR ? path.resolve(process.env.INFRA_TOOLS_DIR) : path.join(projectDir, ".tools");
    return { root, bin: path.join(root, "bin"), standinBin: path.join(root, "standin-bin") };
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** The executable's path when `command` is on PATH. */
export function findOnPath(command: string, pathEnv: string | undefined = process.env.PATH): string | undefined {
    return (pathEnv ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command)).find(isExecutable);
}

/**
 * The CLI a run uses: the one `npm run setup:engine` built for this project (its version matches
 * the SDK in package-lock.json), else the first `pulumi` on PATH. `root` is set for the former,
 * in the layout the Automation API's PulumiCommand expects (<root>/bin/pulumi).
 */
export function locatePulumi(projectDir?: string, pathEnv: string | undefined = process.env.PATH): { path: string; root?: string } {
    if (projectDir) {
        const { root, bin } = toolsDirs(projectDir);
        if (isExecutable(path.join(bin, "pulumi"))) return { path: path.join(bin, "pulumi"), root };
    }
    const found = findOnPath("pulumi", pathEnv);
    if (!found) throw new InputError(PULUMI_MISSING);
    return { path: found };
}

/** Throws the install hint when there is no CLI for the project or on PATH. */
export function assertPulumiInstalled(pathEnv: string | undefined = process.env.PATH, projectDir?: string): string {
    return locatePulumi(projectDir, pathEnv).path;
}

/** Environment variables that make the CLI use the provider stand-in; InputError when it is not set up. */
export function standinEnv(projectDir: string, pathEnv: string | undefined): Record<string, string> {
    const { standinBin } = toolsDirs(projectDir);
    if (!isExecutable(path.join(standinBin, "pulumi-resource-aws"))) {
        throw new InputError("--providers standin needs the provider stand-in wrappers in .tools/standin-bin; run `npm run setup:engine`");
    }
    return {
        PATH: [standinBin, pathEnv ?? ""].filter(Boolean).join(path.delimiter),
        // The stand-in answers for every provider; nothing may be downloaded behind its back.
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
}
