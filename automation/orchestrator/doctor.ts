/**
 * `infra doctor`: what a run of the Pulumi engine would use on this machine, so a user can see it
 * before running anything: the CLI and its version, the language host, the state backend and why
 * it was chosen, the provider plugins found, and which environments are locked and by whom.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listEnvironments } from "../../environments/load";
import { PROJECT_DIR } from "../../stacks/settings";
import { findOnPath, locatePulumi, PROVIDER_MODES, toolsDirs, type ProviderMode } from "../engines/pulumi-cli";
import { readLock } from "../state/lock";
import { statePaths } from "../state/workspace";
import { emit, print, type OutputArgs } from "./output";

const PROVIDER_PACKAGES = ["aws", "kubernetes", "docker-build", "random"];

interface Report {
    cli: { path?: string; version?: string; problem?: string };
    languageHost?: { path: string; kind: string };
    backend: { url?: string; source?: string; problem?: string };
    providers: { mode: ProviderMode; plugins: Record<string, string> };
    locks: Record<string, string>;
}

function languageHost(cliPath: string): Report["languageHost"] {
    const file = [path.join(path.dirname(cliPath), "pulumi-language-nodejs"), findOnPath("pulumi-language-nodejs")].find((f) => f && fs.existsSync(f));
    if (!file) return undefined;
    const ours = fs.readFileSync(file).subarray(0, 4096).toString("latin1").includes("tools/language-host");
    return { path: file, kind: ours ? "the project's Node.js language host (tools/language-host)" : "Pulumi's language host" };
}

function plugins(mode: ProviderMode): Record<string, string> {
    const dirs = mode === "standin" ? [toolsDirs(PROJECT_DIR).standinBin] : (process.env.PATH ?? "").split(path.delimiter);
    const home = process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
    return Object.fromEntries(PROVIDER_PACKAGES.map((pkg) => {
        const onPath = dirs.map((d) => path.join(d, `pulumi-resource-${pkg}`)).find((f) => fs.existsSync(f));
        if (onPath) return [pkg, mode === "standin" ? `provider stand-in (${onPath})` : onPath];
        const installed = fs.existsSync(path.join(home, "plugins")) ? fs.readdirSync(path.join(home, "plugins")).filter((d) => d.startsWith(`resource-${pkg}-v`)) : [];
        return [pkg, installed.length ? `${installed.sort().pop()} in ${path.join(home, "plugins")}` : "not found (the CLI downloads it on first use, where it can)"];
    }));
}

function locks(): Record<string, string> {
    return Object.fromEntries(listEnvironments().map((env) => {
        const holder = readLock(path.join(statePaths().locks, `${env}.lock`));
        return [env, holder ? `held by pid ${holder.pid} (${holder.user}@${holder.hostname}) running "${holder.command}" since ${holder.startedAt}` : "free"];
    }));
}

/** Inspects the set-up and prints the report. */
export async function doctorCommand(argv: OutputArgs & { providers: ProviderMode }): Promise<void> {
    const mode = PROVIDER_MODES.includes(argv.providers) ? argv.providers : "real";
    const report: Report = { cli: {}, backend: {}, providers: { mode, plugins: plugins(mode) }, locks: locks() };
    try {
        const cli = locatePulumi(PROJECT_DIR);
        report.cli.path = cli.path;
        report.cli.version = execFileSync(cli.path, ["version"], { timeout: 30_000 }).toString().trim();
        report.languageHost = languageHost(cli.path);
        const { pulumiSetup } = require("../engines/pulumi") as typeof import("../engines/pulumi");
        try {
            const setup = await pulumiSetup(PROJECT_DIR, process.env, "real");
            report.backend = { url: setup.backend.url, source: setup.backend.source };
        } catch (err) {
            report.backend.problem = (err as Error).message;
        }
    } catch (err) {
        report.cli.problem = (err as Error).message;
        report.backend.problem = "needs the Pulumi CLI";
    }
    emit(argv, { kind: "doctor", report });
    if (argv.json) return print(argv, JSON.stringify(report, null, 2));
    const rows: Array<[string, string]> = [
        ["pulumi", report.cli.problem ?? `${report.cli.version ?? "?"} at ${report.cli.path}`],
        ["language host", report.languageHost ? `${report.languageHost.kind} at ${report.languageHost.path}` : "not found next to the CLI or on PATH"],
        ["state backend", report.backend.problem ?? `${report.backend.url} (from ${report.backend.source})`],
        ...Object.entries(report.providers.plugins).map(([pkg, where]): [string, string] => [`provider ${pkg}`, where]),
        ...Object.entries(report.locks).map(([env, state]): [string, string] => [`lock ${env}`, state]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    print(argv, rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n"));
}
