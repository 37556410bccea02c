import { rule } from "../util/rule";
import { containersOf, describeContainer } from "../util/podspec";
import { isAllowedRegistry, parseImage } from "../util/image";

/**
 * Prevents pulling images from registries outside the allowed list (typosquatted or
 * unscanned images). Severity high, mandatory. Kubescape C-0078.
 */
export const allowedRegistries = rule(
    {
        name: "allowed-registries",
        description: "Images must come from an allowed registry.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "pod-security", kubescape: ["C-0078"] },
        remediationSteps: "Pull the image from an allowed registry (mirror it into ECR) or add the registry to allowedRegistries.",
        configKeys: ["allowedRegistries"],
        scope: "pods",
    },
    (pod, config) =>
        containersOf(pod).flatMap((c) => {
            const image = parseImage(c.container.image);
            if (!image || isAllowedRegistry(image, config.allowedRegistries)) return [];
            return [
                `${describeContainer(c)} image "${String(c.container.image)}" at ${c.path}.image comes from ${image.registry}, ` +
                    `which is not in allowedRegistries (${config.allowedRegistries.join(", ")}); mirror it to an allowed registry`,
            ];
        }),
);
