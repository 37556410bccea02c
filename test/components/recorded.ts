/** Reading a mock-runtime recording in the component tests. */
import { strict as assert } from "assert";
import type { RecordedResource } from "../../automation/engine";
import { ofType } from "../../automation/offline/mock-runtime";

/** The inputs of the one resource of `type` in the recording; fails unless there is exactly one. */
export function oneInputs(resources: RecordedResource[], type: string): Record<string, any> {
    const found = ofType(resources, type);
    assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
    return found[0].inputs as Record<string, any>;
}
