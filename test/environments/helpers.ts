/** Helpers for the environment tests: edit a shipped file's text, get its one-line error, temporary environment dirs. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { parseEnvironment } from "../../environments/load";

export const ENV_DIR = path.resolve(__dirname, "../../environments");

/** The text of a shipped environment file. */
export function shipped(env: string): string {
    return fs.readFileSync(path.join(ENV_DIR, `${env}.yaml`), "utf8");
}

/** Replaces `from` in `text`, failing the test when `from` is not there (so an edit can never silently do nothing). */
export function replace(text: string, from: string | RegExp, to: string): string {
    const next = text.replace(from, to);
    assert.notStrictEqual(next, text, `edit did not apply: ${from}`);
    return next;
}

/** Parses the shipped `env` file after `edit`; returns the one-line InputError message, or fails when none is thrown. */
export function errorFor(edit: (text: string) => string, env = "dev"): string {
    const file = `environments/${env}.yaml`;
    try {
        parseEnvironment(edit(shipped(env)), file, env);
    } catch (err) {
        assert.ok(err instanceof InputError, `expected InputError, got ${err}`);
        assert.ok(!err.message.includes("\n"), `error must be one line: ${err.message}`);
        assert.ok(err.message.startsWith(`${file}: `), `error must start with the file: ${err.message}`);
        return err.message;
    }
    assert.fail("expected the edited file to be rejected");
}

/** Parses the shipped `env` file after `edit` and returns the result (fails the test on an error). */
export function accepted(edit: (text: string) => string, env = "dev") {
    return parseEnvironment(edit(shipped(env)), `environments/${env}.yaml`, env);
}

/** A temporary environments dir holding `files` (name -> text); removed by the returned cleanup. */
export function tempEnvDir(files: Record<string, string | Buffer>): { dir: string; cleanup(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-envs-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
