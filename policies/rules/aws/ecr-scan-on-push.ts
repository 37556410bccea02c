import { rule } from "../util/rule";
import { asList, asObject, label } from "./util";

/**
 * Prevents ECR repositories without scan on push, so every pushed image is scanned for known
 * vulnerabilities before it can be deployed.
 * Severity medium; CIS Amazon EKS 5.1.1, Kubescape C-0221.
 */
export const ecrScanOnPush = rule(
    {
        name: "ecr-scan-on-push",
        description: "ECR repositories must scan images on push.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { cisEks: ["5.1.1"], nsaCisa: "pod-security", awsFsbp: ["ECR.1"], kubescape: ["C-0221"] },
        remediationSteps: "Set imageScanningConfiguration.scanOnPush = true on the repository (or enable registry-wide enhanced scanning).",
        scope: "resource",
        types: ["aws:ecr/repository:Repository"],
    },
    (args, reportViolation) => {
        const scanning = asObject(asList(args.props.imageScanningConfiguration)[0]);
        if (scanning.scanOnPush === true) return;
        reportViolation(`${label(args)} does not scan images on push: set imageScanningConfiguration.scanOnPush = true.`);
    },
);
