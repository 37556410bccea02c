import { rule } from "../util/rule";
import { configWithDefaults } from "../../config";
import { ANYWHERE, asList, asObject, label } from "./util";

/**
 * Ports that must never be reachable from the internet: remote administration (22 SSH, 3389 RDP),
 * the Docker daemon (2375, 2376), etcd (2379, 2380), the Kubernetes API server (6443), the kubelet
 * (10250, and 10255 read-only) and databases/caches that hold application data (3306 MySQL,
 * 5432 PostgreSQL, 6379 Redis, 27017 MongoDB).
 */
export const DEFAULT_ADMIN_PORTS = [22, 3389, 2375, 2376, 2379, 2380, 6443, 10250, 10255, 3306, 5432, 6379, 27017];

interface Ingress {
    where: string;
    protocol: string;
    from?: number;
    to?: number;
    cidrs: string[];
}

/** The ingress permissions a resource declares, normalised across the three AWS shapes. */
function ingresses(type: string, props: Record<string, unknown>): Ingress[] {
    const num = (v: unknown) => (v === undefined || v === null || v === "" ? undefined : Number(v));
    const strs = (v: unknown) => asList(v).map(String);
    switch (type) {
        case "aws:ec2/securityGroup:SecurityGroup":
            return asList<Record<string, unknown>>(props.ingress).map((r, i) => {
                const o = asObject(r);
                return { where: `ingress[${i}]`, protocol: String(o.protocol ?? "-1"), from: num(o.fromPort), to: num(o.toPort), cidrs: [...strs(o.cidrBlocks), ...strs(o.ipv6CidrBlocks)] };
            });
        case "aws:ec2/securityGroupRule:SecurityGroupRule":
            if (props.type !== "ingress") return [];
            return [{ where: "rule", protocol: String(props.protocol ?? "-1"), from: num(props.fromPort), to: num(props.toPort), cidrs: [...strs(props.cidrBlocks), ...strs(props.ipv6CidrBlocks)] }];
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            // Stryker disable next-line MethodExpression: non-string CIDRs never equal an ANYWHERE entry, so keeping them changes no finding
            return [{ where: "rule", protocol: String(props.ipProtocol ?? "-1"), from: num(props.fromPort), to: num(props.toPort), cidrs: [props.cidrIpv4, props.cidrIpv6].filter((c): c is string => typeof c === "string") }];
        default:
            return [];
    }
}

/** True for protocol -1 / all: every protocol and port. */
function allTraffic(ing: Ingress): boolean {
    return ["-1", "all"].includes(ing.protocol.toLowerCase());
}

/** Admin ports a tcp/udp ingress opens: those in [from, to], a missing side unbounded. */
function openedPorts(ing: Ingress, ports: number[]): number[] {
    if (!["tcp", "udp", "6", "17"].includes(ing.protocol.toLowerCase())) return [];
    const from = ing.from ?? 0;
    const to = ing.to ?? 65535;
    return ports.filter((port) => port >= from && port <= to);
}

/**
 * Prevents security groups (inline ingress, SecurityGroupRule, and vpc.SecurityGroupIngressRule)
 * that open administrative, control-plane or database ports, or all traffic, to 0.0.0.0/0 or ::/0.
 * All traffic (protocol -1) is reported whatever `adminPorts` lists: it opens every port, and an
 * empty list means "no port is administrative", not "nothing is checked".
 * Reach them through a VPN, SSM Session Manager or a bastion CIDR instead.
 * Severity critical; CIS AWS Foundations 3.0.0 5.2 (IPv4) and 5.3 (IPv6).
 */
export const ec2NoPublicAdminPorts = rule(
    {
        name: "ec2-no-public-admin-ports",
        description: "Security groups must not open administrative or data ports (or all traffic) to 0.0.0.0/0 or ::/0.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { cisAws: ["5.2"], nsaCisa: "network-separation", awsFsbp: ["EC2.53", "EC2.54"] },
        settings: {
            adminPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                default: DEFAULT_ADMIN_PORTS,
                description: "Ports that must not be open to the internet; all traffic (protocol -1) is reported whatever this lists.",
            },
        },
        remediationSteps: "Limit the ingress rule's cidrBlocks to known networks, or reach the hosts through SSM Session Manager or a bastion.",
        scope: "resource",
    },
    (args, reportViolation) => {
        const { adminPorts } = configWithDefaults(args, { adminPorts: DEFAULT_ADMIN_PORTS });
        for (const ing of ingresses(args.type, args.props)) {
            const open = ing.cidrs.filter((c) => ANYWHERE.includes(c));
            if (open.length === 0) continue;
            // All traffic opens every port there is, so it is reported whatever adminPorts lists (even nothing).
            let what = "all traffic";
            if (!allTraffic(ing)) {
                const ports = openedPorts(ing, adminPorts);
                if (ports.length === 0) continue;
                what = `${ports.length === 1 ? "port" : "ports"} ${ports.join(", ")}`;
            }
            reportViolation(
                `${label(args)} ${ing.where} opens ${what} to ${open.join(", ")}: restrict the source to known CIDRs or ` +
                    `security groups, or reach the hosts through SSM Session Manager or a VPN.`,
            );
        }
    },
);
