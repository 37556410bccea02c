/**
 * Failures and drift injected into the provider stand-in by tests, read from the JSON file that
 * INFRA_STANDIN_FAULTS names:
 *
 *   { "failures": [{ "match": "dev-cluster::platform", "op": "create", "kind": "transient", "times": 1 }],
 *     "drift":    [{ "match": "::grafana-admin", "property": "length", "value": 40 }] }
 *
 * `match` is a substring of the resource URN; `op` one of create, update, delete, read or any;
 * `times` (default: always) counts across every provider process of the run: each injection
 * claims a token file next to the faults file with an exclusive create, so parallel layers and
 * retries see one shared count.
 */
import * as fs from "fs";

export type FaultOp = "create" | "update" | "delete" | "read" | "any";

export interface FailureSpec { match: string; op?: FaultOp; kind: "transient" | "permanent"; times?: number }
export interface DriftSpec { match: string; property: string; value: unknown }

/** Messages in the shape real providers use, so the engine's error mapping is exercised as it is for AWS. */
const MESSAGES = {
    transient: "ThrottlingException: Rate exceeded (injected by the provider stand-in)",
    permanent: "InvalidParameterException: the request was rejected (injected by the provider stand-in)",
};

export class Faults {
    constructor(private readonly file: string | undefined, private readonly failures: FailureSpec[], private readonly drift: DriftSpec[]) {}

    /** Throws the injected failure for this operation on this URN, if one applies and has turns left. */
    maybeFail(op: Exclude<FaultOp, "any">, urn: string): void {
        this.failures.forEach((f, index) => {
            if (!urn.includes(f.match) || (f.op && f.op !== "any" && f.op !== op)) return;
            if (f.times !== undefined && !this.claim(index, f.times)) return;
            throw new Error(MESSAGES[f.kind]);
        });
    }

    driftFor(urn: string): DriftSpec[] {
        return this.drift.filter((d) => urn.includes(d.match));
    }

    private claim(index: number, times: number): boolean {
        for (let i = 0; i < times; i++) {
            try {
                fs.writeFileSync(`${this.file}.${index}.${i}.used`, "", { flag: "wx" });
                return true;
            } catch {
                // taken by an earlier call; try the next turn
            }
        }
        return false;
    }
}

export function loadFaults(file: string | undefined): Faults {
    if (!file || !fs.existsSync(file)) return new Faults(file, [], []);
    const spec = JSON.parse(fs.readFileSync(file, "utf8")) as { failures?: FailureSpec[]; drift?: DriftSpec[] };
    return new Faults(file, spec.failures ?? [], spec.drift ?? []);
}
