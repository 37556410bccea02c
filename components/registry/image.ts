/**
 * Builds an image with BuildKit and pushes it under a content-hash tag, exposing a
 * digest-pinned reference (`repo@sha256:...`) so deployments run exactly what was built.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import { REGISTRY_SERVER } from "../../common/checks";
import { contextHash } from "./context-hash";

/** Push to ECR with short-lived credentials from the ECR API. */
export interface EcrRegistryArgs {
    readonly kind: "ecr";
    /** Registry (account) id of the repository, e.g. `Repository.registryId`. */
    readonly registryId: pulumi.Input<string>;
}

/** Push to a local registry (e.g. `docker run -p 5001:5000 registry:2`) without credentials. */
export interface LocalRegistryArgs {
    readonly kind: "local";
    /** host:port of the registry, e.g. "localhost:5001". */
    readonly server: string;
}

export interface ImageArgs {
    /** Build context directory. */
    readonly context: string;
    /** Dockerfile path relative to the context. Default "Dockerfile". */
    readonly dockerfile?: string;
    /** Where the image goes. */
    readonly registry: EcrRegistryArgs | LocalRegistryArgs;
    /**
     * Repository to push to, without tag. Required for ECR (`Repository.repositoryUrl`);
     * default for a local registry: `<server>/<component name>`.
     */
    readonly repositoryUrl?: pulumi.Input<string>;
    /**
     * Image tag. Default: a hash of the build context's contents, so with immutable tags a new
     * tag appears exactly when the content changes, and an unchanged context is not rebuilt.
     */
    readonly tag?: string;
    /** Target platforms. Default ["linux/amd64"], what the cluster's nodes run. */
    readonly platforms?: dockerBuild.Platform[];
    /** Build arguments. Default none. */
    readonly buildArgs?: Record<string, pulumi.Input<string>>;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Checks ImageArgs (including that the context holds the Dockerfile); throws naming the path and the fix. */
export function validateImageArgs(args: ImageArgs): void {
    const bad = (propertyPath: string, reason: string) => new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath} ${reason}` });
    const context = path.resolve(args.context);
    if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
        throw bad("context", `${context} is not a directory; point it at the folder that holds the Dockerfile and the sources`);
    }
    const dockerfile = path.resolve(context, args.dockerfile ?? "Dockerfile");
    const rel = path.relative(context, dockerfile);
    if (rel.startsWith("..") || path.isAbsolute(rel)) {
        throw bad("dockerfile", `${dockerfile} is outside the context ${context}; move it into the context`);
    }
    if (!fs.existsSync(dockerfile) || !fs.statSync(dockerfile).isFile()) {
        throw bad("dockerfile", `${dockerfile} does not exist; add a Dockerfile to ${context} or set dockerfile to its path inside the context`);
    }
    if (args.tag !== undefined && !TAG.test(args.tag)) {
        throw bad("tag", `"${args.tag}" is not a valid image tag; use letters, digits, "_", "." and "-" (max 128)`);
    }
    if (args.platforms !== undefined && args.platforms.length === 0) {
        throw bad("platforms", "is empty; omit it for linux/amd64 or list the node platforms");
    }
    if (args.registry.kind === "ecr" && args.repositoryUrl === undefined) {
        throw bad("repositoryUrl", "is required for an ECR registry; pass Repository.repositoryUrl");
    }
    if (args.registry.kind === "local" && !REGISTRY_SERVER.test(args.registry.server)) {
        throw bad("registry.server", `"${args.registry.server}" is not host:port; use e.g. localhost:5001`);
    }
}

/** A built and pushed image. */
export class Image extends pulumi.ComponentResource {
    /** Digest-pinned reference `<repositoryUrl>@sha256:...`, what workloads should deploy. */
    public readonly ref: pulumi.Output<string>;
    /** The pushed manifest digest, `sha256:...`. */
    public readonly digest: pulumi.Output<string>;
    /** The pushed tag (the content hash unless given). */
    public readonly tag: pulumi.Output<string>;

    constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
        validateImageArgs(args);
        super("platform:registry:Image", name, {}, opts);

        const context = path.resolve(args.context);
        const dockerfile = path.resolve(context, args.dockerfile ?? "Dockerfile");
        const tag = args.tag ?? contextHash(context, dockerfile).slice(0, 32);
        const repositoryUrl = pulumi.output(args.repositoryUrl ?? `${(args.registry as LocalRegistryArgs).server}/${name}`);

        let registries: dockerBuild.types.input.RegistryArgs[] = [];
        if (args.registry.kind === "ecr") {
            const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: args.registry.registryId }, { parent: this });
            registries = [{
                address: repositoryUrl.apply((url) => url.split("/")[0]),
                username: auth.userName,
                password: pulumi.secret(auth.password),
            }];
        }

        const image = new dockerBuild.Image(`${name}-image`, {
            context: { location: context },
            dockerfile: { location: dockerfile },
            platforms: args.platforms ?? ["linux/amd64"],
            buildArgs: args.buildArgs,
            push: true,
            tags: [pulumi.interpolate`${repositoryUrl}:${tag}`],
            registries,
        }, { parent: this });

        this.digest = image.digest;
        this.ref = pulumi.interpolate`${repositoryUrl}@${image.digest}`;
        this.tag = pulumi.output(tag);
        this.registerOutputs({ ref: this.ref, digest: this.digest, tag: this.tag });
    }
}
