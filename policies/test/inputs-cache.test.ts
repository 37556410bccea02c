/** The pack's shared deserialization: one plain copy of a request's inputs for every rule. */
import * as assert from "assert";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { SDK_VERSION, shareDeserializedInputs } from "../inputs-cache";

describe("shared deserialized inputs", () => {
    it("deserializes a request's Struct once for every rule, and each request on its own", () => {
        assert.strictEqual(shareDeserializedInputs(), true, "the SDK's deserialize module has the expected shape");
        assert.strictEqual(shareDeserializedInputs(), true, "installing twice is harmless");
        const { deserializeProperties } = require("@pulumi/policy/deserialize");
        const a = Struct.fromJavaScript({ metadata: { name: "api" } });
        const b = Struct.fromJavaScript({ metadata: { name: "api" } });
        const first = deserializeProperties(a, false);
        assert.deepStrictEqual(first, { metadata: { name: "api" } });
        assert.strictEqual(deserializeProperties(a, false), first, "the same request's inputs are shared");
        assert.notStrictEqual(deserializeProperties(b, false), first, "another request gets its own copy");
        assert.notStrictEqual(deserializeProperties(a, true), first, "the secret-preserving (remediation) form is not shared");
    });

    it("was checked against the SDK version the pack pins", () => {
        assert.strictEqual(require("../package.json").dependencies["@pulumi/policy"], SDK_VERSION, "bumping @pulumi/policy means re-reading its server.js and updating SDK_VERSION");
    });
});
