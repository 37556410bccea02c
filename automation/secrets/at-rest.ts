/**
 * Secret values at rest, the way Pulumi's passphrase secrets provider keeps them: the key is
 * derived from PULUMI_CONFIG_PASSPHRASE (or the file PULUMI_CONFIG_PASSPHRASE_FILE names) with
 * scrypt and a random salt, each value is sealed with AES-256-GCM under its own random IV, and
 * the salt and scrypt cost travel inside the sealed text, so a file can be read on its own
 * (a backup, a copy). GCM authenticates: a wrong passphrase or an edited value is an error,
 * never garbage. Without a passphrase there is no key, and callers keep no secret values at all.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from "crypto";
import * as fs from "fs";
import { InputError } from "../../common/errors";

/** Version tag of the sealed text: `v1:<N>:<r>:<p>:<salt>:<iv>:<tag>:<ciphertext>`, base64 fields. */
const VERSION = "v1";
/** scrypt cost (32 MiB, about 0.1 s here): the same order as Pulumi's passphrase provider, paid once per salt per process. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Where a passphrase came from, for messages that name the variable to fix. */
export interface Passphrase {
    value: string;
    source: "PULUMI_CONFIG_PASSPHRASE" | "PULUMI_CONFIG_PASSPHRASE_FILE";
}

/**
 * The passphrase a run has, as the Pulumi CLI picks it: PULUMI_CONFIG_PASSPHRASE first, then the
 * file PULUMI_CONFIG_PASSPHRASE_FILE names (one trailing line break dropped, as editors add one).
 * Undefined when neither is set or the value is empty; InputError when the file cannot be read.
 */
export function passphraseFrom(env: NodeJS.ProcessEnv = process.env): Passphrase | undefined {
    if (env.PULUMI_CONFIG_PASSPHRASE) return { value: env.PULUMI_CONFIG_PASSPHRASE, source: "PULUMI_CONFIG_PASSPHRASE" };
    const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    if (!file) return undefined;
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new InputError(`PULUMI_CONFIG_PASSPHRASE_FILE (${file}) cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}); point it at the file that holds the passphrase`);
    }
    const value = text.replace(/\r?\n$/, "");
    return value ? { value, source: "PULUMI_CONFIG_PASSPHRASE_FILE" } : undefined;
}

/** Derived keys by passphrase and salt: scrypt is slow on purpose, and one run reads many values. */
const keys = new Map<string, Buffer>();
/** The salt this process seals with, per passphrase: one derivation per run, a fresh salt per run. */
const sessionSalts = new Map<string, Buffer>();

const fingerprint = (pass: string): string => createHash("sha256").update(pass).digest("hex");

/** The key for `pass` (whose fingerprint is `fp`, the cache key) and `salt`, derived once per process. */
function deriveKey(pass: string, fp: string, salt: Buffer, cost: { N: number; r: number; p: number }): Buffer {
    const id = `${fp}:${cost.N}:${cost.r}:${cost.p}:${salt.toString("base64")}`;
    let key = keys.get(id);
    if (!key) {
        key = scryptSync(pass, salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r });
        keys.set(id, key);
    }
    return key;
}

/** True for text `seal` produced (whatever the passphrase). */
export function isSealed(text: unknown): text is string {
    return typeof text === "string" && text.startsWith(`${VERSION}:`) && text.split(":").length === 8;
}

/**
 * Seals a JSON value. `context` (for example `dev-monitoring/grafanaAdminPassword`) is bound to
 * the ciphertext as associated data, so a sealed value moved to another output does not open.
 */
export function seal(value: unknown, pass: Passphrase, context: string): string {
    const fp = fingerprint(pass.value);
    let salt = sessionSalts.get(fp);
    if (!salt) { salt = randomBytes(16); sessionSalts.set(fp, salt); }
    const key = deriveKey(pass.value, fp, salt, COST);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const data = Buffer.concat([cipher.update(JSON.stringify(value) ?? "null", "utf8"), cipher.final()]);
    const b64 = (b: Buffer) => b.toString("base64");
    return [VERSION, COST.N, COST.r, COST.p, b64(salt), b64(iv), b64(cipher.getAuthTag()), b64(data)].join(":");
}

/**
 * Opens a sealed value. `where` names the file for the message. InputError (exit 2) when there is
 * no passphrase, when it is the wrong one, or when the text was altered: one line, no secret in it.
 */
export function unseal(text: string, pass: Passphrase | undefined, context: string, where: string): unknown {
    if (!pass) throw new InputError(`${where} holds encrypted secrets; set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase they were written with`);
    const [version, n, r, p, salt, iv, tag, data] = text.split(":");
    const cost = { N: Number(n), r: Number(r), p: Number(p) };
    if (version !== VERSION || ![cost.N, cost.r, cost.p].every((x) => Number.isInteger(x) && x > 0) || cost.N > 2 ** 17 || cost.r > 16 || cost.p > 4) {
        throw new InputError(`${where}: an encrypted secret (${context}) is not in the ${VERSION} format; the file was edited, restore it from a backup`);
    }
    try {
        const decipher = createDecipheriv("aes-256-gcm", deriveKey(pass.value, fingerprint(pass.value), Buffer.from(salt, "base64"), cost), Buffer.from(iv, "base64"));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64"));
        const plain = Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]);
        return JSON.parse(plain.toString("utf8"));
    } catch {
        throw new InputError(`${where}: ${pass.source} does not decrypt its secrets (wrong passphrase, or the file was edited); use the passphrase they were written with`);
    }
}
