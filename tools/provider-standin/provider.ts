/**
 * The provider stand-in: one Node provider plugin that answers for the aws, kubernetes,
 * docker-build and random providers, whose real binaries cannot be had on machines with no cloud.
 * It lets the real Pulumi CLI run the real layer programs end to end (real state, diffs, stack
 * references, secrets encryption, the policy pack, locking, refresh, export/import) while
 * creating nothing anywhere. Outputs are fabricated by the same functions the offline engine uses
 * (automation/offline/fabricate.ts), so both engines agree on what an endpoint, ARN, digest or
 * generated password looks like.
 *
 * It is started through `pulumi-resource-<name>` wrappers that `npm run setup:engine` writes to
 * .tools/standin-bin/, a folder that is on PATH only when a run names the stand-in
 * (`--providers standin` or INFRA_PROVIDERS=standin); it is never picked up silently.
 *
 * For tests: every call is appended to $INFRA_STANDIN_RECORD (JSONL, secrets masked), and
 * $INFRA_STANDIN_FAULTS names a JSON file of injected failures and drift (see faults.ts).
 * The plugin process is main.ts.
 */
import * as fs from "fs";
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import { parseUrn } from "../../automation/engines/pulumi-events";
import { fabricateCall, fabricateResource } from "../../automation/offline/fabricate";
import { maskSecrets } from "../../automation/offline/mock-runtime";
import { loadFaults, type Faults } from "./faults";

/** The packages the stand-in answers for, and the npm package whose version it reports. */
export const STANDIN_PACKAGES: Record<string, string> = {
    aws: "@pulumi/aws",
    kubernetes: "@pulumi/kubernetes",
    "docker-build": "@pulumi/docker-build",
    random: "@pulumi/random",
};

/**
 * Key under which the stand-in keeps, in a resource's state, the inputs that state reflects, so
 * Diff can compare them with the program's inputs (secret values stay wrapped, so the engine
 * encrypts them in state like any other secret output).
 */
const META = "__standin";

interface Meta { inputs: Record<string, unknown> }

function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export class StandinProvider implements provider.Provider {
    readonly version: string;

    constructor(readonly pkg: string, private readonly faults: Faults, private readonly recordFile?: string) {
         
        this.version = require(`${STANDIN_PACKAGES[pkg]}/package.json`).version;
    }

    private record(op: string, urn: string | undefined, extra: Record<string, unknown> = {}): void {
        if (!this.recordFile) return;
        const line = JSON.stringify({ time: new Date().toISOString(), pid: process.pid, pkg: this.pkg, op, urn, ...extra }) + "\n";
        fs.appendFileSync(this.recordFile, line);
    }

    private fabricate(urn: string, inputs: Record<string, unknown>): { id: string; outs: Record<string, unknown> } {
        const { type, name } = parseUrn(urn);
        const { id, state } = fabricateResource(type, name, inputs as Record<string, any>);  
        const meta: Meta = { inputs };
        return { id, outs: { ...state, [META]: meta } };
    }

    async check(urn: string, _olds: unknown, news: Record<string, unknown>) {
        this.record("check", urn);
        return { inputs: news };
    }

    /** Changed when the inputs differ from those the state was made from (or, after a refresh, found with). */
    async diff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const meta = olds[META] as Meta | undefined;
        const changes = !meta || !sameValue(meta.inputs, news);
        this.record("diff", urn, { id, changes });
        return { changes };
    }

    async create(urn: string, inputs: Record<string, unknown>) {
        this.record("create", urn, { inputs: maskSecrets(inputs) });
        this.faults.maybeFail("create", urn);
        return this.fabricate(urn, inputs);
    }

    async update(id: string, urn: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
        this.record("update", urn, { id, inputs: maskSecrets(news) });
        this.faults.maybeFail("update", urn);
        return { outs: this.fabricate(urn, news).outs };
    }

    async delete(id: string, urn: string) {
        this.record("delete", urn, { id });
        this.faults.maybeFail("delete", urn);
    }

    /**
     * Returns the state as stored, with any injected drift applied to outputs and inputs alike, as a
     * real provider reads a property changed outside Pulumi: refresh shows it, adopts it into state,
     * and the next `up` of the unchanged program puts it back.
     */
    async read(id: string, urn: string, props?: Record<string, unknown>) {
        this.record("read", urn, { id });
        this.faults.maybeFail("read", urn);
        const state = { ...(props ?? {}) };
        const drift = this.faults.driftFor(urn);
        const meta = state[META] as Meta | undefined;
        if (drift.length === 0 || !meta) return { id, props: state };
        const inputs = { ...meta.inputs };
        for (const d of drift) {
            state[d.property] = d.value;
            inputs[d.property] = d.value;
        }
        return { id, props: { ...state, [META]: { inputs } }, inputs };
    }

    async invoke(token: string, inputs: Record<string, unknown>) {
        this.record("invoke", undefined, { token });
        return { outputs: fabricateCall(token, inputs as Record<string, any>) };  
    }
}

/** Serves the stand-in for `pkg` as the CLI's plugin protocol asks (`args`: the engine address). */
export function serve([pkg, ...rest]: string[]): void {
    if (!pkg || !(pkg in STANDIN_PACKAGES)) {
        process.stderr.write(`provider stand-in: unknown package "${pkg ?? ""}"; expected one of ${Object.keys(STANDIN_PACKAGES).join(", ")}\n`);
        process.exit(2);
    }
    const record = process.env.INFRA_STANDIN_RECORD ? path.resolve(process.env.INFRA_STANDIN_RECORD) : undefined;
    provider.main(new StandinProvider(pkg, loadFaults(process.env.INFRA_STANDIN_FAULTS), record), rest).catch((err) => {
        process.stderr.write(`provider stand-in (${pkg}): ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
