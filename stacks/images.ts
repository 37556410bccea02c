/**
 * Layer "images": builds and pushes each image once and exports digest-pinned references.
 * An environment that runs a promoted release never builds: it exports the pinned digests
 * it was given, so it runs exactly what the source environment ran.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { Image } from "../components/registry/image";
import { Repository } from "../components/registry/repository";
import type { Environment } from "../environments/schema";
import { awsTags, pinnedImage, PROJECT_DIR } from "./settings";
import type { LayerProgramOutputs } from "./types";

export function imagesLayer(env: Environment): LayerProgramOutputs<"images"> {
    const refs: Record<string, pulumi.Output<string>> = {};
    const registry = env.registry;
    const provider = env.aws ? new aws.Provider("aws", { region: env.aws.region as aws.Region, defaultTags: { tags: awsTags(env, "images") } }) : undefined;
    for (const img of env.images) {
        const pin = pinnedImage(env, img.name);
        if (pin) {
            refs[img.name] = pulumi.output(pin);
            continue;
        }
        const context = path.resolve(PROJECT_DIR, img.context);
        if (registry.kind === "ecr") {
            const repo = new Repository(img.name, { name: `platform/${env.name}/${img.name}`, untaggedExpiryDays: registry.untaggedExpiryDays, keepTagged: registry.keepTagged }, { provider });
            const image = new Image(img.name, { context, dockerfile: img.dockerfile, repositoryUrl: repo.repositoryUrl, registry: { kind: "ecr", registryId: repo.registryId } }, { provider });
            refs[img.name] = image.ref;
        } else {
            const image = new Image(img.name, { context, dockerfile: img.dockerfile, repositoryUrl: `${registry.server}/${img.name}`, registry: { kind: "local", server: registry.server } });
            refs[img.name] = image.ref;
        }
    }
    return { images: pulumi.all(refs) };
}
