import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";
import { parseImage } from "../util/image";

/**
 * Prevents mutable image references: untagged or `latest` images change under a running
 * Deployment, so a rollback or a new node can run different code. With requireDigest
 * (prod), every image must be pinned by `@sha256:` digest, which is what promotion copies.
 * Severity high, mandatory. Kubescape C-0075.
 */
export const imageTag = rule(
    {
        name: "image-tag",
        description: "Images must have a fixed tag (not latest) and, where required, a sha256 digest.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "pod-security", kubescape: ["C-0075"] },
        remediationSteps: "Reference images as repo:version or repo@sha256:<digest> (digest required when requireDigest is set).",
        configKeys: ["requireDigest"],
        scope: "pods",
    },
    (pod, config) =>
        containersOf(pod).flatMap((c) => {
            const at = `${c.path}.image`;
            const image = parseImage(c.container.image);
            if (!image) return [`${describeContainer(c)} has no image at ${at}; set a pinned image`];
            const ref = String(c.container.image);
            if (config.requireDigest && !image.digest?.startsWith("sha256:")) {
                return [`${describeContainer(c)} image "${ref}" at ${at} is not pinned by digest; use repo@sha256:<digest>`];
            }
            if (image.digest) return [];
            if (!image.tag) return [`${describeContainer(c)} image "${ref}" at ${at} has no tag; pin a version tag or digest`];
            if (image.tag === "latest") return [`${describeContainer(c)} image "${ref}" at ${at} uses the latest tag; pin a version tag or digest`];
            return [];
        }),
);
