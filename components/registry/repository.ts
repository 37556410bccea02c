/**
 * An ECR repository that scans every pushed image, never lets a tag move, encrypts with KMS
 * and expires what nobody can deploy any more.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface RepositoryArgs {
    /** Repository name. Default: auto-named from the component name, so stacks never collide. */
    readonly name?: pulumi.Input<string>;
    /** KMS key ARN for image encryption. Default: the AWS managed key for ECR (still KMS, not AES256). */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Days after which untagged images (superseded layers of a tag push) expire. Default 14. */
    readonly untaggedExpiryDays?: number;
    /** Tagged images kept; older ones expire. Default 30: enough history to roll back by digest. */
    readonly keepTagged?: number;
    /** Tags for the repository. Default none. */
    readonly tags?: Record<string, string>;
}

/** Checks RepositoryArgs; throws an InputPropertyError naming the bad value and the fix. */
export function validateRepositoryArgs(args: RepositoryArgs): void {
    for (const key of ["untaggedExpiryDays", "keepTagged"] as const) {
        const v = args[key];
        if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
            throw new pulumi.InputPropertyError({ propertyPath: key, reason: `${key} is ${v}; use a whole number >= 1` });
        }
    }
}

/** The ECR lifecycle policy document: expire untagged after `untaggedDays`, keep the last `keepTagged` tagged. */
export function lifecyclePolicyDocument(untaggedDays: number, keepTagged: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images after ${untaggedDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the last ${keepTagged} tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTagged },
                action: { type: "expire" },
            },
        ],
    });
}

/** A hardened ECR repository with a lifecycle policy. */
export class Repository extends pulumi.ComponentResource {
    /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, what image tags are built from. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The registry (account) id, for fetching push credentials. */
    public readonly registryId: pulumi.Output<string>;
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: RepositoryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        validateRepositoryArgs(args);
        super("platform:registry:Repository", name, {}, opts);

        const repo = new aws.ecr.Repository(`${name}-repo`, {
            name: args.name,
            // Every image is scanned for CVEs as it lands, before anything can deploy it.
            imageScanningConfiguration: { scanOnPush: true },
            // A tag always names the same image: promotion by digest and audits depend on it.
            imageTagMutability: "IMMUTABLE",
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
            // Deleting the stack must not silently delete images that running workloads pin.
            forceDelete: false,
            tags: args.tags ?? {},
        }, { parent: this });

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: repo.name,
            policy: lifecyclePolicyDocument(args.untaggedExpiryDays ?? 14, args.keepTagged ?? 30),
        }, { parent: this });

        this.repositoryUrl = repo.repositoryUrl;
        this.registryId = repo.registryId;
        this.arn = repo.arn;
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, registryId: this.registryId, arn: this.arn });
    }
}
