/**
 * Policy pack throughput over the Analyzer gRPC protocol (the way the Pulumi CLI drives it),
 * against a baseline measured in the same run: the same requests sent to a pack with one
 * trivial rule. Also the growth from 100 to 5,000 resources.
 *
 *   node --require tsx/cjs bench/policy.ts [--sizes 100,1000,5000]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource } from "../automation/engine";
import { DEFAULT_PACK_DIR, startPolicyPack } from "../automation/policy/analyzer";

const args = process.argv.slice(2);
const sizes = (args.includes("--sizes") ? args[args.indexOf("--sizes") + 1] : "100,1000,5000").split(",").map(Number);

/** A pack with one rule that looks at nothing: the cost of the protocol and the pack runtime alone. */
function trivialPack(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trivial-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: one trivial rule\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "trivial-pack", version: "0.0.1", main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), [
        'const { PolicyPack } = require("@pulumi/policy");',
        'new PolicyPack("trivial", { policies: [{ name: "noop", description: "accepts everything", enforcementLevel: "advisory", validateResource: () => undefined }] });',
    ].join("\n"));
    fs.symlinkSync(path.join(DEFAULT_PACK_DIR, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** A realistic mix: Deployments (the most rules apply), Services, RBAC and AWS resources. */
function resources(n: number): RecordedResource[] {
    const out: RecordedResource[] = [];
    for (let i = 0; i < n; i++) {
        const kind = i % 4;
        const name = `r${i}`;
        const base = { name, dependencies: [], custom: true, parent: undefined, provider: undefined };
        if (kind === 0) out.push({ ...base, type: "kubernetes:apps/v1:Deployment", urn: `urn:pulumi:b::p::kubernetes:apps/v1:Deployment::${name}`, inputs: {
            apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "apps" },
            spec: { replicas: 3, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: {
                automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [{ name: "app", image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"a".repeat(64)}`,
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                    readinessProbe: { httpGet: { path: "/healthz", port: 8000 } }, livenessProbe: { httpGet: { path: "/healthz", port: 8000 } } }] } } },
        } });
        else if (kind === 1) out.push({ ...base, type: "kubernetes:core/v1:Service", urn: `urn:pulumi:b::p::kubernetes:core/v1:Service::${name}`, inputs: { metadata: { name, namespace: "apps" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } } });
        else if (kind === 2) out.push({ ...base, type: "kubernetes:rbac.authorization.k8s.io/v1:Role", urn: `urn:pulumi:b::p::kubernetes:rbac.authorization.k8s.io/v1:Role::${name}`, inputs: { metadata: { name, namespace: "apps" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] } });
        else out.push({ ...base, type: "aws:s3/bucketV2:BucketV2", urn: `urn:pulumi:b::p::aws:s3/bucketV2:BucketV2::${name}`, inputs: { bucket: name } });
    }
    return out;
}

async function measure(packDir: string, set: RecordedResource[]): Promise<number> {
    const server = await startPolicyPack(packDir);
    try {
        await server.analyze(set.slice(0, 20), "apps"); // warm-up: first calls compile the rules' code paths
        const t = process.hrtime.bigint();
        await server.analyze(set, "apps");
        return Number(process.hrtime.bigint() - t) / 1e6;
    } finally {
        await server.close();
    }
}

(async () => {
    const trivial = trivialPack();
    const rows: Record<string, unknown>[] = [];
    console.log("resources  pack ms   baseline ms  ratio   pack res/s  baseline res/s");
    for (const n of sizes) {
        const set = resources(n);
        const base = await measure(trivial, set);
        const pack = await measure(DEFAULT_PACK_DIR, set);
        const row = { n, packMs: Math.round(pack), baselineMs: Math.round(base), ratio: +(pack / base).toFixed(2), packPerSec: Math.round(n / (pack / 1000)), baselinePerSec: Math.round(n / (base / 1000)) };
        rows.push(row);
        console.log(`${String(n).padStart(9)}  ${String(row.packMs).padStart(7)}  ${String(row.baselineMs).padStart(11)}  ${row.ratio.toFixed(2).padStart(5)}x  ${String(row.packPerSec).padStart(10)}  ${String(row.baselinePerSec).padStart(14)}`);
    }
    if (rows.length > 1) {
        const first = rows[0] as any, last = rows[rows.length - 1] as any;
        const growth = (last.packMs / first.packMs) / (last.n / first.n);
        console.log(`growth ${first.n} -> ${last.n}: time per resource x${growth.toFixed(2)} (1.00 = linear)`);
    }
    console.log(JSON.stringify({ bench: "policy", rows }));
    fs.rmSync(trivial, { recursive: true, force: true });
})().catch((err) => { console.error(err); process.exit(1); });
