import { rule } from "../util/rule";
import { asList, asObject, isTrue, label } from "./util";

/** Each block device a resource declares, with its path and encrypted flag. */
function devices(type: string, props: Record<string, unknown>): { where: string; encrypted: unknown }[] {
    switch (type) {
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return asList<Record<string, unknown>>(props.blockDeviceMappings)
                .map((m, i) => ({ m: asObject(m), i }))
                .filter(({ m }) => m.ebs !== undefined)
                .map(({ m, i }) => ({ where: `blockDeviceMappings[${i}].ebs (${String(m.deviceName ?? "?")})`, encrypted: asObject(m.ebs).encrypted }));
        case "aws:ec2/instance:Instance":
            return [
                ...(props.rootBlockDevice !== undefined ? [{ where: "rootBlockDevice", encrypted: asObject(props.rootBlockDevice).encrypted }] : []),
                ...asList<Record<string, unknown>>(props.ebsBlockDevices).map((d, i) => ({ where: `ebsBlockDevices[${i}]`, encrypted: asObject(d).encrypted })),
            ];
        case "aws:ebs/volume:Volume":
            return [{ where: "volume", encrypted: props.encrypted }];
        default:
            return [];
    }
}

/**
 * Prevents unencrypted EBS volumes declared by launch templates, instances and standalone volumes.
 * Node volumes hold container images, emptyDir data and kubelet credentials; encryption at rest
 * (ideally with a customer KMS key) protects snapshots and detached volumes.
 * Severity medium; CIS AWS Foundations 3.0.0 2.2.1.
 */
export const ec2EbsEncrypted = rule(
    {
        name: "ec2-ebs-encrypted",
        description: "EBS volumes in launch templates, instances and volumes must set encrypted = true.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["2.2.1"], awsFsbp: ["EC2.3"] },
        remediationSteps: "Set encrypted = true on every EBS block device (ebs.encrypted in launch templates and instances, encrypted on aws.ebs.Volume), with a customer KMS key.",
        scope: "resource",
    },
    (args, reportViolation) => {
        for (const d of devices(args.type, args.props)) {
            if (isTrue(d.encrypted)) continue;
            reportViolation(`${label(args)} declares an unencrypted EBS volume at ${d.where}: set encrypted = true (and kmsKeyId to a customer key).`);
        }
    },
);
