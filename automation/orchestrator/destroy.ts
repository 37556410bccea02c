/** `destroy`: the confirmation gate, then the pipeline in reverse order. */
import { InputError } from "../../common/errors";
import { destroyGate, promptForName } from "./confirm";
import type { CommonArgs } from "../cli/options";
import { executeRun, failureOf, printSummary, resolveEnvironment, resolveLayers } from "./run";

export interface DestroyArgs extends CommonArgs {
    yes: boolean;
    confirm?: string;
}

/** Refuses without the required confirmation before any engine or lock is touched. */
export async function runDestroy(args: DestroyArgs, interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)): Promise<void> {
    const environment = resolveEnvironment(args.env);
    const selected = resolveLayers(args);
    const gate = destroyGate({ env: args.env, yes: args.yes, confirm: args.confirm, interactive, protectedEnv: environment.protected });
    if (gate === "prompt" && !(await promptForName(args.env, [...selected].reverse(), "destroys (in reverse order)"))) {
        throw new InputError(`destroy of "${args.env}" not confirmed: the typed name did not match; nothing was touched`);
    }
    const summary = await executeRun(args, { operation: "destroy", selected, environment, command: `infra destroy --env ${args.env}` });
    printSummary(args, summary);
    failureOf(summary);
}
