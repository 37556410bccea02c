/** Messages between the offline engine and its layer worker processes (workers.ts, runner.ts). */
import type { OutputValue, RecordedResource, SchemaIssue } from "../engine";
import type { Layer } from "../../stacks/graph";

export interface RunnerRequest {
    kind: "run";
    env: string;
    layer: Layer;
    /** Outputs of upstream layers, served to the program's StackReferences. */
    upstream: Partial<Record<Layer, Record<string, OutputValue>>>;
    /** Directory for fabricated files (e.g. the kubeconfig of an existing cluster). */
    scratchDir: string;
}

export type RunnerMessage =
    | { kind: "progress"; done: number; resource: string }
    | { kind: "result"; resources: RecordedResource[]; outputs: Record<string, OutputValue>; schema: SchemaIssue[]; schemaChecked: number; schemaUnchecked: number }
    | { kind: "error"; message: string; stack?: string; input: boolean };
