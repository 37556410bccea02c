/**
 * Which state backend a run uses, decided in one place and said out loud: PULUMI_BACKEND_URL, else
 * the project's declared `backend.url` in Pulumi.yaml, else the account `pulumi login` selected
 * (asked of the CLI with `pulumi whoami`, never read from its credentials file), else the project's
 * own file backend in .pulumi-state/. That last one is a per-machine folder: it needs a passphrase
 * for secrets, and under CI=true it is refused, since a runner's disk is thrown away with it.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { InputError } from "../../common/errors";

export type BackendSource = "PULUMI_BACKEND_URL" | "Pulumi.yaml" | "pulumi login" | "project default";

export interface Backend {
    url: string;
    source: BackendSource;
    /** Variables the CLI needs to use it (the project default is passed as PULUMI_BACKEND_URL). */
    env: Record<string, string>;
}

export const DEFAULT_STATE_DIR = ".pulumi-state";

/** The backend named without asking the CLI: the environment variable, then Pulumi.yaml. */
export function declaredBackend(projectDir: string, env: NodeJS.ProcessEnv = process.env): Backend | undefined {
    if (env.PULUMI_BACKEND_URL) return { url: env.PULUMI_BACKEND_URL, source: "PULUMI_BACKEND_URL", env: {} };
    const file = path.join(projectDir, "Pulumi.yaml");
    let project: unknown;
    try {
        project = YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new InputError(`${file} cannot be read as YAML (${(err as Error).message.split("\n")[0]}); fix the file`);
    }
    const url = (project as { backend?: { url?: unknown } } | null)?.backend?.url;
    if (url === undefined) return undefined;
    if (typeof url !== "string" || url.trim() === "") throw new InputError(`${file}: backend.url must be a URL such as s3://bucket/prefix or file://~; fix or remove it`);
    return { url, source: "Pulumi.yaml", env: {} };
}

/**
 * Resolves the backend. `whoAmI` asks the CLI which backend it is logged in to and resolves
 * undefined when it is logged in nowhere.
 */
export async function resolveBackend(projectDir: string, env: NodeJS.ProcessEnv, whoAmI: () => Promise<string | undefined>): Promise<Backend> {
    const declared = declaredBackend(projectDir, env);
    if (declared) return declared;
    const loggedIn = await whoAmI();
    if (loggedIn) return { url: loggedIn, source: "pulumi login", env: {} };
    if (env.CI === "true") {
        throw new InputError(`no state backend is declared and CI=true: set PULUMI_BACKEND_URL or backend.url in Pulumi.yaml (the implicit ${DEFAULT_STATE_DIR}/ would be lost with the runner)`);
    }
    if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        throw new InputError(`the project's file backend (${DEFAULT_STATE_DIR}/) encrypts secrets with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), or set PULUMI_BACKEND_URL / run \`pulumi login\``);
    }
    const url = `file://${path.join(projectDir, DEFAULT_STATE_DIR)}`;
    return { url, source: "project default", env: { PULUMI_BACKEND_URL: url } };
}
