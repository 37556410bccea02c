/**
 * The one small interface the pipeline talks to, and the result model that both
 * engines (pulumi, offline) produce, so reports and exit codes do not care which ran.
 */
import type { Environment } from "../environments/schema";
import type { Layer } from "../stacks/graph";

export type Operation = "preview" | "up" | "refresh" | "destroy";

export type Severity = "low" | "medium" | "high" | "critical";
export type Enforcement = "advisory" | "mandatory" | "remediate" | "disabled";

/** What recordings hold in place of a secret value (RecordedResource.inputs). */
export const SECRET_MARKER = "[secret]";

/** One resource as the engine saw it registered. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** Inputs as registered; secret values are replaced by SECRET_MARKER. */
    inputs: Record<string, unknown>;
    parent?: string;
    provider?: string;
    dependencies: string[];
    custom: boolean;
}

/** One policy finding on a resource (urn set) or on the whole stack (urn absent). */
export interface PolicyViolation {
    policyPack: string;
    policyPackVersion?: string;
    rule: string;
    description?: string;
    message: string;
    severity: Severity;
    enforcement: Enforcement;
    urn?: string;
    resourceType?: string;
    resourceName?: string;
    layer: Layer;
    /** Standard controls this rule maps to, e.g. "PSS:restricted/capabilities", "CIS-5.2.8", "C-0046". */
    controls?: string[];
    /** How to fix any finding of this rule, as the pack publishes it (the rule's remediationSteps). */
    remediation?: string;
}

/** One Kubernetes object that failed OpenAPI schema validation. */
export interface SchemaIssue {
    urn: string;
    kind: string;
    name: string;
    message: string;
}

export interface ChangeSummary {
    create: number;
    update: number;
    replace: number;
    delete: number;
    same: number;
}

export interface OutputValue {
    value: unknown;
    secret: boolean;
}

/** A resource an operation changes (or a refresh found changed), with the top-level properties involved. */
export interface ChangedResource {
    urn: string;
    type: string;
    name: string;
    /** The engine's step: create, update, replace, delete, refresh, ... */
    op: string;
    properties: string[];
}

export interface LayerResult {
    env: string;
    layer: Layer;
    operation: Operation;
    resources: RecordedResource[];
    changes: ChangeSummary;
    outputs: Record<string, OutputValue>;
    policy: PolicyViolation[];
    schema: SchemaIssue[];
    durationMs: number;
    /** What changed, where the engine reports it (the pulumi engine does). */
    changed?: ChangedResource[];
    /** Full engine log for this layer, when the engine writes one. */
    logFile?: string;
}

export type EngineEvent =
    | { kind: "started"; layer: Layer; operation: Operation }
    | { kind: "progress"; layer: Layer; done: number; total?: number; resource?: string }
    | { kind: "policy"; layer: Layer; violation: PolicyViolation }
    | { kind: "log"; layer: Layer; line: string };

/**
 * Pulumi flags a user passes through to the layers they apply to. Resource URNs name their stack,
 * so each layer receives only the URNs of its own stack.
 */
export interface PassThrough {
    target?: string[];
    replace?: string[];
    exclude?: string[];
    refresh?: boolean;
    diff?: boolean;
    message?: string;
    /** Pulumi's own --parallel: resource operations at once inside one layer. */
    resourceParallel?: number;
}

export interface LayerRequest {
    env: string;
    /** The environment's parsed file, when the caller has it (it is loaded once per command). */
    environment?: Environment;
    layer: Layer;
    operation: Operation;
    /** Aborts the operation; the engine must stop and reject with an AbortError-like error. */
    signal: AbortSignal;
    onEvent: (event: EngineEvent) => void;
    /** Outputs of the layers this one needs, already produced in this run (offline engine feeds them to StackReferences). */
    upstream: Partial<Record<Layer, Record<string, OutputValue>>>;
    /** For refresh/drift: fail with changes reported when anything would change. */
    expectNoChanges?: boolean;
    /** Flags for the Pulumi engine; the offline engine plans every resource and ignores them. */
    passThrough?: PassThrough;
    /**
     * Called once with the layer's outputs as soon as they are final, while the engine still
     * checks the layer (the policy pack): a preview starts the layers that need them then. Only a
     * preview passes it, and an engine may never call it (the Pulumi engine does not).
     */
    onOutputs?: (outputs: Record<string, OutputValue>) => void;
}

/**
 * Where change detection keeps each layer's fingerprint after a successful `up`. The Pulumi engine
 * keeps it with the stack (a stack tag), so a teammate's apply is seen; otherwise a local file.
 */
export interface FingerprintStore {
    read(env: string, layer: Layer): Promise<string | undefined>;
    write(env: string, layer: Layer, fingerprint: string): Promise<void>;
    forget(env: string, layers: readonly Layer[]): Promise<void>;
}

/**
 * A layer's part in its last recorded `up`, kept with its stack by an engine whose state is shared
 * (the Pulumi engine: the stack tag `infra:last-run`), so the promotion gate of another machine or
 * CI runner sees how the source last ran, not only the runs in its own run-state folder.
 */
export interface RunMark {
    /** The run's id (state/runs), its start time (ISO) and its operation. */
    id: string;
    at: string;
    operation: Operation;
    /** How the layer ended in it (a pipeline LayerStatus). */
    status: string;
    /** Mandatory policy violations of the layer in it. */
    mandatory: number;
}

export interface RunMarkStore {
    read(env: string, layer: Layer): Promise<RunMark | undefined>;
    write(env: string, layer: Layer, mark: RunMark): Promise<void>;
}

/**
 * How a release's apply ended, kept with the stacks it applied by an engine whose state is shared
 * (the Pulumi engine: the stack tag `infra:release`). The history file's `applying`/`applied`
 * records are appended on the machine that applied; this is what another machine or a fresh CI
 * runner reads to know a committed `written` release was applied (release/marks.ts).
 */
export interface ReleaseMark {
    /** The release id (release/history.ts). */
    id: string;
    status: "applied" | "failed" | "interrupted";
    /** When it settled (ISO): the time of the history record of the same status. */
    at: string;
    /** How each app's canary ended, `<app> <outcome>` as the history keeps it; left out when too long to keep. */
    rollouts?: string[];
}

export interface ReleaseMarkStore {
    /** A layer's last release mark; undefined when the stack or the mark is absent. Rejects when the state cannot be read. */
    read(env: string, layer: Layer): Promise<ReleaseMark | undefined>;
    write(env: string, layer: Layer, mark: ReleaseMark): Promise<void>;
}

export interface Engine {
    readonly name: "pulumi" | "offline" | string;
    /** One line the CLI prints before a run, e.g. that the provider stand-in is in use. */
    readonly note?: string;
    run(request: LayerRequest): Promise<LayerResult>;
    outputs(env: string, layer: Layer, signal?: AbortSignal): Promise<Record<string, OutputValue>>;
    /**
     * Checks what the engine needs before anything runs (CLI, backend, credentials setup) and
     * returns one line describing it; a problem is an InputError raised before any lock or stack.
     */
    prepare?(): Promise<string>;
    /** The engine's own fingerprint store, when it has one that travels with the state. */
    readonly fingerprints?: FingerprintStore;
    /** Where the engine keeps each layer's last run with the state, when that is shared. */
    readonly runMarks?: RunMarkStore;
    /** Where the engine keeps how each release's apply ended with the state, when that is shared. */
    readonly releaseMarks?: ReleaseMarkStore;
    /** Releases anything the engine holds (policy server, child processes). */
    close?(): Promise<void>;
}

export function emptyChanges(): ChangeSummary {
    return { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
}
