/** Engines by name: the pipeline and commands only ever see the Engine interface. */
import type { Engine } from "../engine";
import { InputError } from "../../common/errors";
import type { ProviderMode } from "./pulumi-cli";

/** The engines a run can use, by the name `--engine` takes. */
export const ENGINES = ["pulumi", "offline"] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EngineOptions {
    projectDir: string;
    logDir?: string;
    /** Where the offline engine keeps its applied state; default the run-state folder's. */
    stateDir?: string;
    /** Policy pack directory; false runs no policy pack. Default <projectDir>/policies. */
    policyPackDir?: string | false;
    /** Pulumi engine only: real provider plugins (default) or the provider stand-in. */
    providers?: ProviderMode;
}

/**
 * Creates an engine. Modules load lazily: the offline engine does not pay for the
 * Automation API, and the pulumi engine checks for its CLI before anything else.
 */
export function createEngine(name: EngineName, opts: EngineOptions): Engine {
    if (name === "pulumi") {
        const { PulumiEngine } = require("./pulumi") as typeof import("./pulumi");
        return new PulumiEngine(opts);
    }
    if (name === "offline") {
        const { OfflineEngine } = require("../offline/engine") as typeof import("../offline/engine");
        return new OfflineEngine(opts);
    }
    throw new InputError(`unknown engine "${String(name)}"; use --engine pulumi or --engine offline`);
}
