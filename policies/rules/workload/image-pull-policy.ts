import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";
import { parseImage } from "../util/image";

/**
 * Requires imagePullPolicy Always for images referenced by a tag alone: a tag can be moved,
 * and with IfNotPresent each node keeps running whatever it pulled first, so pods of one
 * Deployment silently run different code, and a node may start a cached image the registry
 * has since withdrawn. Digest-pinned images are immutable and skipped; untagged and
 * `latest` images already default to Always (and image-tag reports them). Severity low,
 * advisory. Kubescape C-0075 "Image pull policy on latest tag"; Polaris pullPolicyNotAlways.
 */
export const imagePullPolicy = rule(
    {
        name: "image-pull-policy",
        description: "Containers whose image is pinned by tag only should set imagePullPolicy: Always.",
        severity: "low",
        enforcementLevel: "advisory",
        controls: { nsaCisa: "pod-security", kubescape: ["C-0075"] },
        remediationSteps: "Pin the image by digest (repo@sha256:<digest>) or set imagePullPolicy: Always.",
        scope: "pods",
    },
    (pod) =>
        containersOf(pod).flatMap((c) => {
            const image = parseImage(c.container.image);
            if (!image || image.digest) return [];
            const policy: unknown = c.container.imagePullPolicy;
            if (policy === "Always") return [];
            // Unset means Always for untagged and `latest` images (the kubelet's default).
            if (policy === undefined && (!image.tag || image.tag === "latest")) return [];
            const was = policy === undefined ? "unset (IfNotPresent)" : `"${String(policy)}"`;
            return [
                `${describeContainer(c)} image "${String(c.container.image)}" is pinned by tag only and ` +
                    `${c.path}.imagePullPolicy is ${was}; set it to Always or pin the image by digest`,
            ];
        }),
);
