/**
 * A generated secret written to AWS Secrets Manager, so it lives in the secret store and not
 * only in Pulumi state: an operator reads it there (break-glass, rotation) without access to
 * the stack. Encrypted with a customer-managed KMS key of its own (rotated yearly), so reading
 * it takes kms:Decrypt on that key as well as the secret's own IAM permission.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { fail } from "../validation";

/** A Secrets Manager name: the characters AWS allows, at most 512. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

export interface StoredSecretArgs {
    /** The secret's name in the store, e.g. "platform/dev/monitoring/grafana-admin". */
    readonly name: string;
    readonly description: string;
    /** The value, as JSON key/value pairs. Kept a Pulumi secret whatever the caller passes. */
    readonly value: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Days a deleted secret can still be restored. Default 30 (AWS's maximum): a destroyed
     * stack never loses the only copy of a password at once.
     */
    readonly recoveryWindowInDays?: number;
    readonly tags?: Record<string, string>;
}

export function validateStoredSecretArgs(args: StoredSecretArgs): void {
    if (!SECRET_NAME.test(args.name)) fail("name", `name "${args.name}" is not a Secrets Manager name; use letters, digits and /_+=.@-, e.g. "platform/dev/monitoring/grafana-admin"`);
    const days = args.recoveryWindowInDays ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30) fail("recoveryWindowInDays", `recoveryWindowInDays ${days} is out of range; use 7-30`);
}

/** `platform:secrets:StoredSecret`: a KMS key, the secret and its current value. */
export class StoredSecret extends pulumi.ComponentResource {
    /** ARN of the secret (not its value). */
    public readonly secretArn: pulumi.Output<string>;
    /** ARN of the KMS key that encrypts it. */
    public readonly kmsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: StoredSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:secrets:StoredSecret", name, {}, opts);
        validateStoredSecretArgs(args);
        const child = { parent: this };
        const key = new aws.kms.Key(`${name}-key`, {
            description: `Encrypts ${args.name} in Secrets Manager`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: args.tags,
        }, child);
        const secret = new aws.secretsmanager.Secret(`${name}-secret`, {
            name: args.name,
            description: args.description,
            kmsKeyId: key.arn,
            recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
            tags: args.tags,
        }, child);
        new aws.secretsmanager.SecretVersion(`${name}-version`, {
            secretId: secret.id,
            secretString: pulumi.secret(pulumi.output(args.value).apply((v) => JSON.stringify(v))),
        }, child);
        this.secretArn = secret.arn;
        this.kmsKeyArn = key.arn;
        this.registerOutputs({ secretArn: this.secretArn, kmsKeyArn: this.kmsKeyArn });
    }
}
