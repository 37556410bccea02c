/**
 * The destroy gate: what must be true before `infra destroy` may touch an environment.
 * Pure decisions (tested without a terminal) plus the one prompt that reads a typed answer.
 */
import * as readline from "readline";
import { InputError } from "../errors";

/** Environments that are only destroyed with --yes and --confirm <name>, or the name typed at the prompt. */
export const PROTECTED_ENVIRONMENTS: readonly string[] = ["prod"];

export interface DestroyGateInput {
    env: string;
    yes: boolean;
    confirm?: string;
    /** stdin and stdout are terminals, so a person can answer a prompt. */
    interactive: boolean;
}

/** "proceed": no prompt needed; "prompt": ask the person to type the environment name. */
export type DestroyGate = "proceed" | "prompt";

/** Decides whether destroy may go ahead, must ask, or is refused (InputError with the fix). */
export function destroyGate(input: DestroyGateInput): DestroyGate {
    const { env, yes, confirm, interactive } = input;
    if (confirm !== undefined && confirm !== env) {
        throw new InputError(`--confirm "${confirm}" does not match --env "${env}"; pass --confirm ${env} to destroy ${env}`);
    }
    const protectedEnv = PROTECTED_ENVIRONMENTS.includes(env);
    if (yes && (!protectedEnv || confirm === env)) return "proceed";
    if (interactive) return "prompt";
    if (protectedEnv) {
        throw new InputError(`refusing to destroy protected environment "${env}" without confirmation; pass --yes --confirm ${env}`);
    }
    throw new InputError(`refusing to destroy "${env}" without confirmation: no terminal to ask on; pass --yes`);
}

/** `up` on a protected environment needs --yes, or the name typed at the prompt. */
export function upGate(input: Omit<DestroyGateInput, "confirm">): DestroyGate {
    if (input.yes || !PROTECTED_ENVIRONMENTS.includes(input.env)) return "proceed";
    if (input.interactive) return "prompt";
    throw new InputError(`refusing to update protected environment "${input.env}" without confirmation: no terminal to ask on; pass --yes`);
}

/** Asks on the terminal for the environment name; resolves true only on an exact match. */
export async function promptForName(env: string, layers: string[], action = "destroys", input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
    const rl = readline.createInterface({ input, output });
    try {
        const answer = await new Promise<string>((resolve) =>
            rl.question(`This ${action} ${layers.join(", ")} in "${env}". Type the environment name to confirm: `, resolve));
        return answer.trim() === env;
    } finally {
        rl.close();
    }
}
