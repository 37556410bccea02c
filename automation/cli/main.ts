/**
 * The `infra` CLI: yargs command modules (one per file in commands/), strict parsing, and the
 * one place that turns errors into exit codes and one-line messages.
 */
import type { Argv, CommandModule } from "yargs";
import { EXIT, InputError } from "../../common/errors";
import { emit } from "../orchestrator/output";
import { globalOptions } from "./options";
import * as backup from "./commands/backup";
import * as check from "./commands/check";
import * as destroy from "./commands/destroy";
import * as doctor from "./commands/doctor";
import * as dr from "./commands/dr";
import * as drift from "./commands/drift";
import * as graph from "./commands/graph";
import * as outputs from "./commands/outputs";
import * as policyConfig from "./commands/policy-config";
import * as preview from "./commands/preview";
import * as promote from "./commands/promote";
import * as refresh from "./commands/refresh";
import * as releases from "./commands/releases";
import * as restore from "./commands/restore";
import * as rollback from "./commands/rollback";
import * as up from "./commands/up";

/** What every file in commands/ exports. */
export interface CommandFile {
    command: string;
    describe: string;
    builder: (y: Argv) => Argv<unknown>;
    /** Each command's handler takes its own parsed arguments; `never` accepts every such handler. */
    handler: (argv: never) => Promise<void>;
    examples: ReadonlyArray<[string, string]>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandFile[] = [up, preview, refresh, drift, destroy, outputs, check, policyConfig, graph, promote, rollback, releases, backup, restore, dr, doctor];

/** Exit code and the message to print for an error; `detail` is the stack, shown only with --verbose. */
export function exitFor(err: unknown): { code: number; message: string; detail?: string } {
    const e = err instanceof Error ? err : new Error(String(err));
    const exitCode = (e as Error & { exitCode?: unknown }).exitCode;
    const code = typeof exitCode === "number" ? exitCode : EXIT.failed;
    return { code, message: oneLine(e.message) || e.name, detail: code === EXIT.badInput ? undefined : e.stack };
}

/** Joins a possibly multi-line message (yargs lists choices on several lines) into one line. */
function oneLine(text: string): string {
    return text.split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
}

/**
 * yargs calls this for parse and validation problems (unknown command or flag, missing or bad
 * value) with a message, and for errors from handlers with the error itself, which passes through.
 */
function onFail(message: string | null | undefined, err: Error | undefined): never {
    if (err && err.name !== "YError") throw err;
    throw new InputError(`${oneLine(message ?? err?.message ?? "invalid arguments")}; run \`infra --help\` for usage`);
}

/** Builds the parser over `args` (without node and script). */
export function buildCli(args: string[]): Argv {
    const yargs = require("yargs/yargs") as (args: string[]) => Argv;
    let cli = globalOptions(yargs(args))
        .scriptName("infra")
        .usage("$0 <command> [options]\n\nRun the platform's layers (cluster, images, monitoring, mesh, apps) as ordered Pulumi stacks.")
        .command(COMMANDS as unknown as CommandModule[])
        .demandCommand(1, "name a command")
        .recommendCommands()
        .completion("completion", "Print a shell completion script: infra completion >> ~/.bashrc (or ~/.zshrc)")
        .strict()
        .fail(onFail)
        .exitProcess(false)
        .version(require("../../package.json").version)
        .help()
        .alias("help", "h")
        .wrap(Math.min(120, process.stdout.columns ?? 120))
        .epilogue("Exit codes (the Pulumi CLI's table): 0 ok, 1 failed, 2 bad input, 3 credentials, 4 layer update failed, 5 mandatory policy violation, 6 stack not found, 7 drift or unexpected changes, 8 cancelled.");
    for (const c of COMMANDS) for (const [cmd, text] of c.examples) cli = cli.example(cmd, text);
    return cli;
}

/**
 * Runs the CLI and resolves with the exit code; errors are printed here and nowhere else. With
 * --events the last NDJSON line on stdout is the outcome, so a consumer of the stream alone knows
 * how the command ended.
 */
export async function main(argv: string[] = process.argv): Promise<number> {
    const args = argv.slice(2);
    const verbose = args.includes("--verbose") || args.includes("-v");
    const events = args.includes("--events") && !args.includes("--help") && !args.includes("-h");
    try {
        await buildCli(args).parseAsync();
        emit({ events }, { kind: "result", exitCode: EXIT.ok });
        return EXIT.ok;
    } catch (err) {
        const { code, message, detail } = exitFor(err);
        process.stderr.write(`infra: ${message}\n`);
        if (verbose && detail) process.stderr.write(`${detail}\n`);
        emit({ events }, { kind: "result", exitCode: code, error: message });
        return code;
    }
}
