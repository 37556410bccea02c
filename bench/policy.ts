/**
 * Policy pack throughput over the Analyzer gRPC protocol (the way the Pulumi CLI drives it),
 * against a baseline measured in the same run: the same requests sent to a pack with one
 * trivial rule. Also the growth of time per resource from 100 to 5,000 resources.
 *
 *   node --require tsx/cjs bench/policy.ts [--sizes 100,1000,5000]
 *
 * Both packs run side by side for the whole run and are warmed up with 1,000 resources first,
 * so the figures are steady-state throughput, not start-up or JIT warm-up. Small sizes are
 * repeated (about 2,000 resources' worth, at least 3 times) and the median taken; pack and baseline alternate
 * so noise from other processes on the machine hits both alike.
 * Goals printed at the end: full pack <= 1.3x the one-rule pack at the largest size, and time
 * per resource within 10% from the smallest size to the largest. A third pack, as many rules as
 * the pack's that read nothing, shows how much of the ratio is the policy SDK dispatching each
 * policy for each resource (arguments, proxy, an await) rather than the rules' own work.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource } from "../automation/engine";
import { DEFAULT_PACK_DIR, startPolicyPack, type PolicyServer } from "../automation/policy/analyzer";
import { ensurePackBuilt } from "../automation/policy/build";
import { allRules } from "../policies/rules";
import type { BenchResult } from "./run";

const args = process.argv.slice(2);
const sizes = (args.includes("--sizes") ? args[args.indexOf("--sizes") + 1] : "100,1000,5000").split(",").map(Number);
const RATIO_GOAL = 1.3;
const GROWTH_GOAL = 0.1;

/**
 * A pack of rules that look at nothing. With one rule: the cost of the protocol and the pack
 * runtime alone (the baseline). With as many resource and stack rules as the pack, sharing its
 * deserialized inputs the same way (inputs-cache.ts): what the policy SDK's dispatch of that
 * many policies costs before any rule reads anything, the floor no rule code can go under.
 */
function noopPack(resourceRules: number, stackRules: number, sharedInputs: boolean): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "noop-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: rules that accept everything\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "noop-pack", version: "0.0.1", main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), [
        'const { PolicyPack } = require("@pulumi/policy");',
        sharedInputs ? `require(${JSON.stringify(path.join(DEFAULT_PACK_DIR, "bin", "inputs-cache.js"))}).shareDeserializedInputs();` : "",
        `const resource = Array.from({ length: ${resourceRules} }, (_, i) => ({ name: "noop-" + i, description: "accepts everything", enforcementLevel: "advisory", validateResource: () => undefined }));`,
        `const stack = Array.from({ length: ${stackRules} }, (_, i) => ({ name: "noop-stack-" + i, description: "accepts everything", enforcementLevel: "advisory", validateStack: () => undefined }));`,
        'new PolicyPack("noop", { policies: [...resource, ...stack] });',
    ].join("\n"));
    fs.symlinkSync(path.join(DEFAULT_PACK_DIR, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

const k8s = (type: string, name: string, inputs: Record<string, unknown>): RecordedResource => ({
    type, name, urn: `urn:pulumi:b::p::${type}::${name}`, inputs, dependencies: [], custom: true,
});

/**
 * A realistic mix, all in one namespace so that the stack rules which relate objects (Service
 * and PDB selectors to workloads, HPA targets, NetworkPolicies) see thousands of candidates:
 * a quadratic scan shows up here. Per app: Deployment, Service, PDB, HPA; plus RBAC and S3.
 */
function resources(n: number): RecordedResource[] {
    const out: RecordedResource[] = [];
    for (let i = 0; out.length < n; i++) {
        const name = `r${i}`;
        const labels = { app: name };
        const kind = i % 6;
        if (kind === 0 || kind === 1) {
            out.push(k8s("kubernetes:apps/v1:Deployment", name, {
                apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "apps" },
                spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
                    automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{ name: "app", image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"a".repeat(64)}`,
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                        readinessProbe: { httpGet: { path: "/healthz", port: 8000 } }, livenessProbe: { httpGet: { path: "/healthz", port: 8000 } } }] } } },
            }));
            out.push(k8s("kubernetes:core/v1:Service", `${name}-svc`, { metadata: { name, namespace: "apps" }, spec: { type: "ClusterIP", selector: labels, ports: [{ port: 80 }] } }));
            out.push(k8s("kubernetes:policy/v1:PodDisruptionBudget", `${name}-pdb`, { metadata: { name, namespace: "apps" }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } }));
            out.push(k8s("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `${name}-hpa`, { metadata: { name, namespace: "apps" }, spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, minReplicas: 3, maxReplicas: 6,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] } }));
        } else if (kind === 2 || kind === 3) {
            out.push(k8s("kubernetes:rbac.authorization.k8s.io/v1:Role", name, { metadata: { name, namespace: "apps" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] }));
        } else {
            out.push(k8s("aws:s3/bucketV2:BucketV2", name, { bucket: name }));
        }
    }
    return out.slice(0, n);
}

async function timed(server: PolicyServer, set: RecordedResource[]): Promise<number> {
    const t = process.hrtime.bigint();
    await server.analyze(set, "apps");
    return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
    const resourceRules = allRules.filter((r) => "validateResource" in r).length;
    const stackRules = allRules.length - resourceRules;
    ensurePackBuilt(DEFAULT_PACK_DIR); // the floor pack loads the built inputs-cache.js
    const trivialDir = noopPack(1, 0, false);
    const floorDir = noopPack(resourceRules, stackRules, true);
    const [base, floor, pack] = [await startPolicyPack(trivialDir), await startPolicyPack(floorDir), await startPolicyPack(DEFAULT_PACK_DIR)];
    try {
        const warm = resources(1000);
        for (const s of [base, floor, pack]) await timed(s, warm);
        const rows: { n: number; repeats: number; packMs: number; baselineMs: number; floorMs: number; ratio: number; floorRatio: number; packUsPerResource: number; baselineUsPerResource: number }[] = [];
        console.log(`pack: ${resourceRules} resource and ${stackRules} stack rules; floor: as many rules that read nothing`);
        console.log("resources  repeats  pack ms  baseline ms  floor ms  ratio  floor ratio  pack us/res  baseline us/res");
        for (const n of sizes) {
            const set = resources(n);
            const repeats = Math.max(3, Math.round(2000 / n));
            const packTimes: number[] = [], baseTimes: number[] = [], floorTimes: number[] = [];
            for (let r = 0; r < repeats; r++) {
                baseTimes.push(await timed(base, set));
                floorTimes.push(await timed(floor, set));
                packTimes.push(await timed(pack, set));
            }
            const packMs = median(packTimes), baselineMs = median(baseTimes), floorMs = median(floorTimes);
            const row = {
                n, repeats, packMs: +packMs.toFixed(1), baselineMs: +baselineMs.toFixed(1), floorMs: +floorMs.toFixed(1),
                ratio: +(packMs / baselineMs).toFixed(2), floorRatio: +(floorMs / baselineMs).toFixed(2),
                packUsPerResource: Math.round((packMs * 1000) / n), baselineUsPerResource: Math.round((baselineMs * 1000) / n),
            };
            rows.push(row);
            console.log(`${String(n).padStart(9)}  ${String(repeats).padStart(7)}  ${row.packMs.toFixed(0).padStart(7)}  ${row.baselineMs.toFixed(0).padStart(11)}  ${row.floorMs.toFixed(0).padStart(8)}  ${row.ratio.toFixed(2).padStart(4)}x  ${row.floorRatio.toFixed(2).padStart(10)}x  ${String(row.packUsPerResource).padStart(11)}  ${String(row.baselineUsPerResource).padStart(15)}`);
        }
        const first = rows[0], last = rows[rows.length - 1];
        const growth = last.packUsPerResource / first.packUsPerResource;
        const ratioOk = last.ratio <= RATIO_GOAL;
        const growthOk = Math.abs(growth - 1) <= GROWTH_GOAL;
        console.log(`full pack vs one-rule pack at ${last.n}: ${last.ratio.toFixed(2)}x (goal <= ${RATIO_GOAL}x: ${ratioOk ? "met" : "NOT met"})`);
        console.log(`  of which the SDK's dispatch of ${allRules.length} rules that read nothing: ${last.floorRatio.toFixed(2)}x; the rules' own work: ${(last.packMs / last.floorMs).toFixed(2)}x the floor`);
        console.log(`pack time per resource ${first.n} -> ${last.n}: x${growth.toFixed(2)} (goal within ${GROWTH_GOAL * 100}%: ${growthOk ? "met" : "NOT met"})`);
        // `results` in bench/run.ts's shape (its table shows the goals); `rows` for anyone reading the raw figures.
        const results: BenchResult[] = rows.map((r) => ({
            name: `policy pack, ${r.n} resources`,
            baseline: { label: "one-rule pack", ms: r.baselineMs },
            measured: { label: "the pack", ms: r.packMs },
            ratio: r.ratio,
            ...(r === last ? { goal: { maxRatio: RATIO_GOAL } } : {}),
        }));
        results.push({
            name: `policy pack vs the SDK's dispatch floor, ${last.n} resources`,
            baseline: { label: `${allRules.length} rules that read nothing`, ms: last.floorMs },
            measured: { label: "the pack", ms: last.packMs },
            ratio: +(last.packMs / last.floorMs).toFixed(2),
        });
        results.push({
            name: `policy pack, time per resource ${last.n} vs ${first.n}`,
            baseline: { label: `per resource at ${first.n}`, ms: first.packUsPerResource / 1000 },
            measured: { label: `per resource at ${last.n}`, ms: last.packUsPerResource / 1000 },
            ratio: +growth.toFixed(2),
            goal: { maxRatio: 1 + GROWTH_GOAL },
        });
        console.log(JSON.stringify({ bench: "policy", rows, results, ratioAtLargest: last.ratio, perResourceGrowth: +growth.toFixed(2) }));
    } finally {
        await Promise.all([base.close(), floor.close(), pack.close()]);
        for (const dir of [trivialDir, floorDir]) fs.rmSync(dir, { recursive: true, force: true });
    }
})().catch((err) => { console.error(err); process.exit(1); });
