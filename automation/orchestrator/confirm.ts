/**
 * The gates of `up` and `destroy`: what must be true before they touch an environment. Pure
 * decisions (tested without a terminal) plus the prompts that read a typed answer. Which
 * environments are protected is declared in their file (`protected: true`), not listed here.
 */
import * as readline from "readline";
import { InputError } from "../../common/errors";

export interface DestroyGateInput {
    env: string;
    /** `protected: true` in the environment's file. */
    protectedEnv: boolean;
    yes: boolean;
    confirm?: string;
    /** stdin and stdout are terminals, so a person can answer a prompt. */
    interactive: boolean;
}

/** "proceed": no prompt needed; "prompt": ask the person to type the environment name. */
export type DestroyGate = "proceed" | "prompt";

/** Decides whether destroy may go ahead, must ask, or is refused (InputError with the fix). */
export function destroyGate(input: DestroyGateInput): DestroyGate {
    const { env, yes, confirm, interactive, protectedEnv } = input;
    if (confirm !== undefined && confirm !== env) {
        throw new InputError(`--confirm "${confirm}" does not match --env "${env}"; pass --confirm ${env} to destroy ${env}`);
    }
    if (yes && (!protectedEnv || confirm === env)) return "proceed";
    if (interactive) return "prompt";
    if (protectedEnv) {
        throw new InputError(`refusing to destroy protected environment "${env}" without confirmation; pass --yes --confirm ${env}`);
    }
    throw new InputError(`refusing to destroy "${env}" without confirmation: no terminal to ask on; pass --yes`);
}

export interface UpGateInput extends Omit<DestroyGateInput, "confirm"> {
    skipPreview: boolean;
}

/** What `up` does before applying: preview or not, and which question it asks. */
export interface UpGate {
    preview: boolean;
    ask: "none" | "yes" | "name";
}

/**
 * On a terminal, `up` previews every selected layer first (unless --skip-preview) and asks before
 * applying (unless --yes): "yes" for an ordinary environment, the name typed again for a protected
 * one. Without a terminal nobody reads a preview, so none is made; a protected environment then
 * needs --yes.
 */
export function upGate(input: UpGateInput): UpGate {
    const { env, yes, interactive, protectedEnv, skipPreview } = input;
    if (!interactive) {
        if (protectedEnv && !yes) throw new InputError(`refusing to update protected environment "${env}" without confirmation: no terminal to ask on; pass --yes`);
        return { preview: false, ask: "none" };
    }
    return { preview: !skipPreview, ask: yes ? "none" : protectedEnv ? "name" : "yes" };
}

/** Asks a yes/no question on the terminal; resolves true only for "y" or "yes". */
export async function promptYes(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
    const rl = readline.createInterface({ input, output });
    try {
        const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
        return /^(y|yes)$/i.test(answer.trim());
    } finally {
        rl.close();
    }
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
