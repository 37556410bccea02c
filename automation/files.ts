/** File writes shared across the orchestrator. */
import * as fs from "fs";
import * as path from "path";

/** Writes a file through a temporary name in the same folder, so a failure never leaves half a file. */
export function writeAtomically(file: string, text: string, mode?: number): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
    fs.renameSync(tmp, file);
}
