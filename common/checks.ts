/**
 * Pure checks on setting values, shared by the environment schema (schema.ts) and the
 * components' argument validators, so an environment file and a direct caller of a component
 * are held to one grammar for Kubernetes quantities, CIDRs and variable names (name and
 * reference patterns live in patterns.ts). No dependencies beyond Node, so loading an
 * environment stays cheap.
 */
import { isIPv6 } from "net";

/** A container environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variable names that suggest a secret, which belongs in a Secret fed by the secret store, never in plain env. */
export const SECRET_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/**
 * Why a setting's value looks like secret material rather than a name or a plain setting, or
 * undefined when it does not: private keys, cloud and forge tokens, JWTs, credentials inside a
 * URL, and long random-looking runs (hex or base64 with mixed character classes). A secret
 * belongs in the secret store; files only name it. Never returns any part of the value.
 */
export function secretMaterialProblem(value: string): string | undefined {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return "holds a private key";
    if (/\b(AKIA|ASIA)[A-Z0-9]{16}\b/.test(value)) return "holds an AWS access key id";
    if (/\b(ghp_|gho_|github_pat_|glpat-|xox[abprs]-|sk-|sk_live_|AIza)[A-Za-z0-9_-]{10,}/.test(value)) return "holds an access token";
    if (/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./.test(value)) return "holds a JSON Web Token";
    if (/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i.test(value)) return "holds a URL with a password in it";
    for (const run of value.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? []) {
        if (/^[a-f0-9]{32,}$/i.test(run)) return "holds a long hex string, like a key or a hash";
        const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((c) => c.test(run)).length;
        if (classes === 3 && !/^[A-Za-z]+[0-9]*$/.test(run)) return "holds a long random-looking string, like a key or a password";
    }
    return undefined;
}

/** A registry as `host` or `host:port` (no scheme, no path). */
export const REGISTRY_SERVER = /^[\w.-]+(:\d+)?$/;

// Kubernetes quantity: decimal digits with an optional fraction and an SI or binary suffix.
// Exponent forms ("1e3") are left out on purpose: nobody writes them for CPU or memory.
const QUANTITY = /^(\d+)(?:\.(\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SUFFIX: Record<string, [bigint, bigint]> = {
    "": [1n, 1n], m: [1n, 1000n], k: [10n ** 3n, 1n], M: [10n ** 6n, 1n], G: [10n ** 9n, 1n], T: [10n ** 12n, 1n],
    P: [10n ** 15n, 1n], E: [10n ** 18n, 1n], Ki: [2n ** 10n, 1n], Mi: [2n ** 20n, 1n], Gi: [2n ** 30n, 1n],
    Ti: [2n ** 40n, 1n], Pi: [2n ** 50n, 1n], Ei: [2n ** 60n, 1n],
};

/** A quantity as an exact fraction, so "0.009" and "9m" compare equal (as floats they do not). */
function exactQuantity(q: string): { num: bigint; den: bigint } | undefined {
    const m = QUANTITY.exec(q);
    if (!m) return undefined;
    const fraction = m[2] ?? "";
    const [mul, div] = SUFFIX[m[3] ?? ""];
    return { num: BigInt(m[1] + fraction) * mul, den: 10n ** BigInt(fraction.length) * div };
}

/** Parses a Kubernetes quantity ("250m" -> 0.25, "1Gi" -> 1073741824); undefined if malformed. */
export function parseQuantity(q: string): number | undefined {
    const exact = exactQuantity(q);
    return exact && Number(exact.num) / Number(exact.den);
}

/** Compares two quantities exactly: negative when a < b, 0 when equal, positive when a > b; undefined if either is malformed. */
export function compareQuantities(a: string, b: string): number | undefined {
    const x = exactQuantity(a);
    const y = exactQuantity(b);
    if (!x || !y) return undefined;
    const diff = x.num * y.den - y.num * x.den;
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** What is wrong with an IPv4 CIDR ("a.b.c.d/n"), with the fix; undefined when it is one. */
export function cidrProblem(cidr: string): string | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,3})$/.exec(cidr);
    if (!m) {
        if (isIPv6(cidr.split("/")[0])) return "is IPv6; EKS takes IPv4 CIDRs here, like 10.20.0.0/16";
        return "is not an IPv4 CIDR; write it like 10.20.0.0/16";
    }
    const octet = m.slice(1, 5).map(Number).find((o) => o > 255);
    if (octet !== undefined) return `has octet ${octet}, above 255; write an IPv4 CIDR like 10.20.0.0/16`;
    if (Number(m[5]) > 32) return `has prefix length ${m[5]}, above 32; write an IPv4 CIDR like 10.20.0.0/16`;
    return undefined;
}

/** Parses "a.b.c.d/n" into a 32-bit base address and prefix length; throws naming the value and the fix. */
export function parseCidr(cidr: string): { base: number; prefix: number } {
    const problem = cidrProblem(cidr);
    if (problem) throw new Error(`"${cidr}" ${problem}`);
    const [address, prefixText] = cidr.split("/");
    const addr = address.split(".").map(Number).reduce((acc, o) => acc * 256 + o, 0);
    const prefix = Number(prefixText);
    const size = 2 ** (32 - prefix);
    return { base: addr - (addr % size), prefix };
}

function formatCidr(base: number, prefix: number): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** The subnet prefix a VPC of `prefix` gets for `azCount` zones, or why it is too small (with the fix). */
export function subnetPrefix(prefix: number, azCount: number): { prefix: number; problem?: string } {
    const newPrefix = prefix + Math.ceil(Math.log2(2 * azCount));
    const problem = newPrefix > 28
        ? `is too small for ${azCount} zones (subnets would be /${newPrefix}, AWS allows at most /28); use a larger CIDR such as /16`
        : undefined;
    return { prefix: newPrefix, problem };
}

/**
 * Splits the VPC CIDR into 2 * azCount equal blocks: the first azCount are private (one per
 * zone), the next azCount public. Pure, so the address plan is testable and stable.
 */
export function subnetCidrs(vpcCidr: string, azCount: number): { private: string[]; public: string[] } {
    const { base, prefix } = parseCidr(vpcCidr);
    const plan = subnetPrefix(prefix, azCount);
    if (plan.problem) throw new Error(`network.cidr ${vpcCidr} ${plan.problem}`);
    const size = 2 ** (32 - plan.prefix);
    const block = (i: number) => formatCidr(base + i * size, plan.prefix);
    return {
        private: Array.from({ length: azCount }, (_, i) => block(i)),
        public: Array.from({ length: azCount }, (_, i) => block(azCount + i)),
    };
}
