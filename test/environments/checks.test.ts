/** The pure checks the environment schema and the components share: quantities and CIDRs. */
import * as assert from "assert";
import { cidrProblem, compareQuantities, parseCidr, parseQuantity, subnetCidrs, subnetPrefix } from "../../common/checks";

describe("Kubernetes quantities", () => {
    it("parses decimal and binary suffixes", () => {
        assert.strictEqual(parseQuantity("250m"), 0.25);
        assert.strictEqual(parseQuantity("1"), 1);
        assert.strictEqual(parseQuantity("1.5"), 1.5);
        assert.strictEqual(parseQuantity("2k"), 2000);
        assert.strictEqual(parseQuantity("256Mi"), 256 * 2 ** 20);
        assert.strictEqual(parseQuantity("1Gi"), 2 ** 30);
        assert.strictEqual(parseQuantity("1G"), 1e9);
        assert.strictEqual(parseQuantity("0"), 0);
    });

    it("refuses what is not a quantity", () => {
        for (const q of ["", "lots", "256MB", "1gi", "-1", "1e3", ".5", "5.", " 1", "1 Gi", "0x10"]) assert.strictEqual(parseQuantity(q), undefined, q);
        assert.strictEqual(compareQuantities("lots", "1"), undefined);
    });

    it("compares exactly, across suffixes, where floats would not", () => {
        assert.strictEqual(compareQuantities("500m", "1"), -1);
        assert.strictEqual(compareQuantities("1", "500m"), 1);
        assert.strictEqual(compareQuantities("256Mi", "1Gi"), -1);
        assert.strictEqual(compareQuantities("1024Mi", "1Gi"), 0);
        assert.strictEqual(compareQuantities("1G", "1Gi"), -1);
        assert.strictEqual(compareQuantities("1000m", "1"), 0);
        // 9 * 0.001 !== 0.009 in floating point; as fractions they are equal.
        assert.notStrictEqual(9 * 0.001, 0.009);
        assert.strictEqual(compareQuantities("0.009", "9m"), 0);
        assert.strictEqual(compareQuantities("1.5Gi", "1536Mi"), 0);
        assert.strictEqual(compareQuantities("1Ei", "1E"), 1);
    });
});

describe("IPv4 CIDRs", () => {
    it("accepts CIDRs and normalises the base address", () => {
        assert.strictEqual(cidrProblem("10.20.0.0/16"), undefined);
        assert.strictEqual(cidrProblem("0.0.0.0/0"), undefined);
        assert.strictEqual(cidrProblem("255.255.255.255/32"), undefined);
        assert.deepStrictEqual(parseCidr("10.20.3.4/16"), { base: 10 * 2 ** 24 + 20 * 2 ** 16, prefix: 16 });
    });

    it("says what is wrong: the prefix, the octet, IPv6, or no CIDR at all", () => {
        assert.match(cidrProblem("10.0.0.0/99")!, /prefix length 99, above 32/);
        assert.match(cidrProblem("10.0.0.0/33")!, /prefix length 33, above 32/);
        assert.match(cidrProblem("10.0.256.0/24")!, /octet 256, above 255/);
        assert.match(cidrProblem("2001:db8::/32")!, /is IPv6/);
        for (const c of ["10.0.0.0", "10.0.0/8", "office", "10.0.0.0/", "10.0.0.0/16 ", "1.2.3.4.5/8"]) assert.match(cidrProblem(c)!, /is not an IPv4 CIDR/, c);
        assert.throws(() => parseCidr("10.0.0.0/99"), /"10\.0\.0\.0\/99" has prefix length 99/);
    });

    it("plans subnets and says when a VPC is too small for its zones", () => {
        assert.deepStrictEqual(subnetCidrs("10.20.0.0/16", 2), { private: ["10.20.0.0/18", "10.20.64.0/18"], public: ["10.20.128.0/18", "10.20.192.0/18"] });
        assert.strictEqual(subnetPrefix(26, 2).problem, undefined);
        assert.match(subnetPrefix(27, 2).problem!, /too small for 2 zones \(subnets would be \/29/);
        assert.throws(() => subnetCidrs("10.0.0.0/27", 2), /network\.cidr 10\.0\.0\.0\/27 is too small/);
    });
});
