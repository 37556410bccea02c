/**
 * Mutation tests for rules/util: image parsing and registry matching, label selectors, kinds and
 * metadata, pod spec location across kinds, the unknown-checking proxy, exemptions, the
 * indexed stack and the rule builder's scopes.
 */
import * as assert from "assert";
import * as path from "path";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { BASELINE_CAPABILITIES, normalizeCapability } from "../../rules/util/capabilities";
import { controlTags, isControlTag } from "../../rules/util/controls";
import { exemptionFor, exemptionMatches, exemptionTargetOf, imagesOf, isExempt } from "../../rules/util/exemptions";
import { isAllowedRegistry, parseImage } from "../../rules/util/image";
import { k8sKind, metaOf, qualifiedName } from "../../rules/util/kind";
import { isEmptySelector, isLabelSelector, selects } from "../../rules/util/labels";
import {
    ALL_CONTAINER_LISTS, containersOf, describeContainer, effectiveField, get, kindOf, knownInputs, namespaceOf,
    objectNameOf, podSecurityContext, podViewOf, rawTarget, RUNNING_CONTAINER_LISTS, type PodView,
} from "../../rules/util/podspec";
import { rule, subject } from "../../rules/util/rule";
import { pushTo, stackViewOf } from "../../rules/util/stack";
import { isTrue } from "../../rules/util/values";
import { DEFAULT_CONFIG, parseConfig, type PackConfig } from "../../config";
import { runRules, urnOf } from "../support";

const proxyModule = require(require.resolve("@pulumi/policy/proxy", { paths: [path.join(__dirname, "..", "..")] })) as {
    unknownCheckingProxy: (o: object) => any;
};
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const cfg = (raw: Record<string, unknown> = {}): PackConfig => parseConfig(raw);

function policyResource(type: string, name: string, props: Record<string, unknown>, extra: Partial<PolicyResource> = {}): PolicyResource {
    return {
        type, name, urn: urnOf(type, name), props, opts: {} as PolicyResource["opts"], dependencies: [], propertyDependencies: {},
        isType: () => false, asType: (() => undefined) as PolicyResource["asType"], ...extra,
    } as PolicyResource;
}

function resourceArgs(type: string, name: string, props: Record<string, unknown>, config: Record<string, unknown> = {}): ResourceValidationArgs {
    return {
        type, name, urn: urnOf(type, name), props, opts: {} as ResourceValidationArgs["opts"], stackTags: new Map(),
        getConfig: <T extends object>() => config as T, notApplicable: () => { throw new Error("n/a"); },
        isType: () => false, asType: (() => undefined) as ResourceValidationArgs["asType"],
    } as ResourceValidationArgs;
}

function stackArgs(resources: PolicyResource[], config: Record<string, unknown> = {}): StackValidationArgs {
    return { resources, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable: () => { throw new Error("n/a"); } } as StackValidationArgs;
}

function collector(): { report: ReportViolation; seen: [string, string | undefined][] } {
    const seen: [string, string | undefined][] = [];
    return { seen, report: (message: string, urn?: string) => { seen.push([message, urn]); } };
}

const deployment = (name: string | undefined, namespace: string | undefined, image: unknown = "nginx:1.25", podLabels: Record<string, unknown> = { app: name ?? "x" }) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { ...(name !== undefined ? { name } : {}), ...(namespace !== undefined ? { namespace } : {}) },
    spec: { replicas: 2, template: { metadata: { labels: podLabels }, spec: { containers: [{ name: "app", image }] } } },
});

describe("mutation: util/image", () => {
    it("parses Docker Hub short names into library/ with no tag or digest", () => {
        assert.deepStrictEqual(parseImage("nginx"), { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined });
        assert.deepStrictEqual(parseImage("  nginx:1.25  "), { registry: "docker.io", repository: "library/nginx", tag: "1.25", digest: undefined });
        assert.deepStrictEqual(parseImage("bitnami/redis:7"), { registry: "docker.io", repository: "bitnami/redis", tag: "7", digest: undefined });
        assert.deepStrictEqual(parseImage("a/b/c"), { registry: "docker.io", repository: "a/b/c", tag: undefined, digest: undefined });
    });

    it("recognises a registry by a dot, a port or localhost", () => {
        assert.deepStrictEqual(parseImage("localhost/app"), { registry: "localhost", repository: "app", tag: undefined, digest: undefined });
        assert.deepStrictEqual(parseImage("localhost:5000/app:v1"), { registry: "localhost:5000", repository: "app", tag: "v1", digest: undefined });
        assert.deepStrictEqual(parseImage("registry:5000/team/app"), { registry: "registry:5000", repository: "team/app", tag: undefined, digest: undefined });
        assert.deepStrictEqual(parseImage("quay.io/prometheus/node-exporter"), { registry: "quay.io", repository: "prometheus/node-exporter", tag: undefined, digest: undefined });
        assert.deepStrictEqual(parseImage("localhostx/app"), { registry: "docker.io", repository: "localhostx/app", tag: undefined, digest: undefined });
        assert.deepStrictEqual(parseImage("quay.io"), { registry: "docker.io", repository: "library/quay.io", tag: undefined, digest: undefined });
    });

    it("splits tag and digest, the port never taken for a tag", () => {
        assert.deepStrictEqual(parseImage("registry.example.com:5000/team/app:v1@sha256:abc"), { registry: "registry.example.com:5000", repository: "team/app", tag: "v1", digest: "sha256:abc" });
        assert.deepStrictEqual(parseImage("app@sha256:def"), { registry: "docker.io", repository: "library/app", tag: undefined, digest: "sha256:def" });
        assert.deepStrictEqual(parseImage("ghcr.io/acme/app@sha256:0"), { registry: "ghcr.io", repository: "acme/app", tag: undefined, digest: "sha256:0" });
        assert.deepStrictEqual(parseImage("@sha256:1"), { registry: "docker.io", repository: "library/", tag: undefined, digest: "sha256:1" });
    });

    it("returns undefined for empty and non-string references", () => {
        for (const v of ["", "   ", 42, undefined, null, {}]) assert.strictEqual(parseImage(v), undefined, JSON.stringify(v));
    });

    it("matches registries, path prefixes on segment boundaries and * within one segment", () => {
        const ok = (image: string, allowed: string[]) => isAllowedRegistry(parseImage(image)!, allowed);
        assert.strictEqual(ok("nginx", ["docker.io"]), true);
        assert.strictEqual(ok("quay.io/x/y", ["docker.io"]), false);
        assert.strictEqual(ok("ghcr.io/acme/app", ["ghcr.io/acme"]), true);
        assert.strictEqual(ok("ghcr.io/acme/app", ["ghcr.io/acme/"]), true);
        assert.strictEqual(ok("ghcr.io/acme/app", ["ghcr.io/acme//"]), true);
        assert.strictEqual(ok("ghcr.io/acmex/app", ["ghcr.io/acme"]), false);
        assert.strictEqual(ok("ghcr.io/other/app", ["ghcr.io/acme"]), false);
        assert.strictEqual(ok("ghcr.io/app", ["ghcr.io/acme/app/x"]), false);
        assert.strictEqual(ok("ghcr.io/acme", ["ghcr.io/acme/app"]), false);
        assert.strictEqual(ok("123.dkr.ecr.us-east-1.amazonaws.com/api", ["*.dkr.ecr.*.amazonaws.com"]), true);
        assert.strictEqual(ok("123.dkr.ecr.us-east-1.amazonaws.com.evil.io/api", ["*.dkr.ecr.*.amazonaws.com"]), false);
        assert.strictEqual(ok("evil.io/123.dkr.ecr.x.amazonaws.com/api", ["*.dkr.ecr.*.amazonaws.com"]), false);
        assert.strictEqual(ok("quayxio/app", ["quay.io"]), false);
        assert.strictEqual(ok("xquay.io/app", ["quay.io"]), false);
        assert.strictEqual(ok("quay.iox/app", ["quay.io"]), false);
        assert.strictEqual(ok("a.io/b/c", ["*/*/*"]), true);
        assert.strictEqual(ok("a.io/b/c", ["*/*/*/*"]), false);
        assert.strictEqual(ok("a+b.io/c", ["a+b.io"]), true);
        assert.strictEqual(ok("aab.io/c", ["a+b.io"]), false);
        assert.strictEqual(ok("nginx", []), false);
        assert.strictEqual(ok("quay.io/x", ["ghcr.io", "quay.io"]), true);
    });
});

describe("mutation: util/labels", () => {
    const labels = { app: "web", tier: "front" };
    it("matchLabels needs every pair", () => {
        assert.strictEqual(selects({ matchLabels: { app: "web" } }, labels), true);
        assert.strictEqual(selects({ matchLabels: { app: "web", tier: "back" } }, labels), false);
        assert.strictEqual(selects({ matchLabels: { app: "api" } }, labels), false);
        assert.strictEqual(selects({}, labels), true);
        assert.strictEqual(selects({ matchLabels: {}, matchExpressions: [] }, {}), true);
    });
    it("matchExpressions In, NotIn, Exists, DoesNotExist and unknown operators", () => {
        const one = (operator: string, key: string, values?: string[]) => selects({ matchExpressions: [{ key, operator, values }] }, labels);
        assert.strictEqual(one("In", "app", ["web", "api"]), true);
        assert.strictEqual(one("In", "app", ["api"]), false);
        assert.strictEqual(one("In", "missing", ["web"]), false);
        assert.strictEqual(one("In", "app"), false);
        assert.strictEqual(one("NotIn", "app", ["api"]), true);
        assert.strictEqual(one("NotIn", "app", ["web"]), false);
        assert.strictEqual(one("NotIn", "missing", ["web"]), true);
        assert.strictEqual(one("NotIn", "app"), true);
        assert.strictEqual(one("Exists", "app"), true);
        assert.strictEqual(one("Exists", "missing"), false);
        assert.strictEqual(one("DoesNotExist", "missing"), true);
        assert.strictEqual(one("DoesNotExist", "app"), false);
        assert.strictEqual(one("Gt", "app", ["1"]), false);
        assert.strictEqual(selects({ matchExpressions: [{ key: "toString", operator: "Exists" }] }, labels), false, "own keys only");
        assert.strictEqual(selects({ matchExpressions: [{ key: "app", operator: "Exists" }, { key: "tier", operator: "DoesNotExist" }] }, labels), false);
        assert.strictEqual(selects({ matchLabels: { app: "api" }, matchExpressions: [{ key: "app", operator: "Exists" }] }, labels), false);
        assert.strictEqual(selects({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] }, labels), true);
    });
    it("isLabelSelector: the shapes the API server accepts, and nothing else", () => {
        const ok: unknown[] = [
            {}, { matchLabels: null, matchExpressions: null }, { matchLabels: { a: "b" } },
            { matchExpressions: [{ key: "a", operator: "Exists" }, { key: "a", operator: "In", values: ["x"] }, { key: "a", operator: "NotIn", values: null }] },
        ];
        const bad: unknown[] = [
            null, undefined, 5, "app=web", [], [{ matchLabels: { a: "b" } }],
            { matchLabels: "a=b" }, { matchLabels: ["b"] }, { matchLabels: { a: 5 } }, { matchLabels: { a: "b", c: null } },
            { matchExpressions: "a in (x)" }, { matchExpressions: {} }, { matchExpressions: [null] }, { matchExpressions: ["a"] },
            { matchExpressions: [{ operator: "Exists" }] }, { matchExpressions: [{ key: 5, operator: "Exists" }] }, { matchExpressions: [{ key: "a" }] },
            { matchExpressions: [{ key: "a", operator: "In", values: "x" }] }, { matchExpressions: [{ key: "a", operator: "In", values: ["x", 5] }] },
        ];
        assert.deepStrictEqual(ok.map(isLabelSelector), ok.map(() => true));
        assert.deepStrictEqual(bad.map(isLabelSelector), bad.map(() => false));
    });
    it("an empty selector has no terms at all", () => {
        assert.strictEqual(isEmptySelector(undefined), true);
        assert.strictEqual(isEmptySelector({}), true);
        assert.strictEqual(isEmptySelector({ matchLabels: {}, matchExpressions: [] }), true);
        assert.strictEqual(isEmptySelector({ matchLabels: { a: "b" } }), false);
        assert.strictEqual(isEmptySelector({ matchExpressions: [{ key: "a", operator: "Exists" }] }), false);
        assert.strictEqual(isEmptySelector({ matchLabels: { a: "b" }, matchExpressions: [{ key: "a", operator: "Exists" }] }), false);
    });
});

describe("mutation: util/kind", () => {
    it("reads group and kind from the type token, core as \"\" and Patch stripped", () => {
        assert.deepStrictEqual(k8sKind("kubernetes:core/v1:Pod", {}), { group: "", kind: "Pod" });
        assert.deepStrictEqual(k8sKind("kubernetes:apps/v1:DeploymentPatch", undefined), { group: "apps", kind: "Deployment" });
        assert.deepStrictEqual(k8sKind("kubernetes:helm.sh/v3:Release", {}), { group: "helm.sh", kind: "Release" });
        assert.deepStrictEqual(k8sKind("kubernetes:networking.k8s.io/v1:Ingress", { apiVersion: "x/v1", kind: "Other" }), { group: "networking.k8s.io", kind: "Ingress" });
        assert.deepStrictEqual(k8sKind("kubernetes:core/v1:PatchPod", {}), { group: "", kind: "PatchPod" });
    });
    it("falls back to apiVersion/kind for CustomResources and other types", () => {
        assert.deepStrictEqual(k8sKind("kubernetes:apiextensions.k8s.io/v1:CustomResource", { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication" }), { group: "security.istio.io", kind: "PeerAuthentication" });
        assert.deepStrictEqual(k8sKind("kubernetes:yaml/v2:ConfigGroup-x", { apiVersion: "v1", kind: "Service" }), { group: "", kind: "Service" });
        assert.deepStrictEqual(k8sKind("xkubernetes:apps/v1:Deployment", {}), undefined);
        assert.deepStrictEqual(k8sKind("kubernetes:apps/v1:Deployment:x", {}), undefined);
        assert.deepStrictEqual(k8sKind("kubernetes:a:b/v1:Deployment", {}), undefined);
        assert.deepStrictEqual(k8sKind("kubernetes:apps/v1:CustomResource", undefined), undefined);
        assert.deepStrictEqual(k8sKind("aws:s3/bucket:Bucket", { apiVersion: "v1" }), undefined);
        assert.deepStrictEqual(k8sKind("aws:s3/bucket:Bucket", { kind: "Pod" }), undefined);
        assert.deepStrictEqual(k8sKind("aws:s3/bucket:Bucket", { apiVersion: 1, kind: "Pod" }), undefined);
        assert.deepStrictEqual(k8sKind("aws:s3/bucket:Bucket", { apiVersion: "v1", kind: 2 }), undefined);
        assert.deepStrictEqual(k8sKind("aws:s3/bucket:Bucket", { apiVersion: "", kind: "Pod" }), undefined);
    });
    it("reads metadata as written and qualifies names", () => {
        assert.deepStrictEqual(metaOf(undefined), { name: undefined, namespace: undefined, labels: {}, annotations: {} });
        assert.deepStrictEqual(metaOf({ metadata: { name: 1, namespace: 2, labels: "x", annotations: null } }), { name: undefined, namespace: undefined, labels: {}, annotations: {} });
        assert.deepStrictEqual(metaOf({ metadata: { name: "a", namespace: "b", labels: { l: "1" }, annotations: { a: "2" } } }), { name: "a", namespace: "b", labels: { l: "1" }, annotations: { a: "2" } });
        assert.strictEqual(qualifiedName({ metadata: { name: "a", namespace: "b" } }, "r"), "b/a");
        assert.strictEqual(qualifiedName({ metadata: { name: "a" } }, "r"), "a");
        assert.strictEqual(qualifiedName({ metadata: { namespace: "" } }, "r"), "r");
        assert.strictEqual(qualifiedName({}, "r"), "r");
    });
});

describe("mutation: util/values, capabilities, controls", () => {
    it("isTrue accepts true and \"true\" only", () => {
        assert.deepStrictEqual([true, "true", false, "false", 1, "TRUE", undefined].map(isTrue), [true, true, false, false, false, false, false]);
    });
    it("normalizes capabilities and lists the baseline set", () => {
        assert.strictEqual(normalizeCapability("cap_net_admin"), "NET_ADMIN");
        assert.strictEqual(normalizeCapability("NET_RAW"), "NET_RAW");
        assert.strictEqual(normalizeCapability("sys_cap_x"), "SYS_CAP_X");
        assert.strictEqual(normalizeCapability(5), "5");
        assert.deepStrictEqual([...BASELINE_CAPABILITIES], [
            "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
            "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
        ]);
    });
    it("turns controls into tags in a fixed order and recognises them", () => {
        assert.deepStrictEqual(controlTags({
            kubescape: ["C-0046"], awsFsbp: ["EKS.1"], nsaCisa: "pod-security", cisAws: ["2.1.1"], cisEks: ["4.2.7", "4.2.8"], cisKubernetes: ["5.2.8"],
            pss: { level: "restricted", control: "capabilities" },
        }), ["PSS:restricted/capabilities", "CIS-K8s-5.2.8", "CIS-EKS-4.2.7", "CIS-EKS-4.2.8", "CIS-AWS-2.1.1", "NSA-CISA:pod-security", "AWS-FSBP:EKS.1", "C-0046"]);
        assert.deepStrictEqual(controlTags({}), []);
        const yes = ["PSS:baseline/privileged", "CIS-K8s-5.1", "CIS-EKS-4.1", "NSA-CISA:x", "AWS-FSBP:S3.1", "C-0046"];
        const no = ["xPSS:a", "pss:a", "C-00461", "C-046", "xC-0046", "C-004a", "severity:high", "NSA-CISA", "AWS-FSBP"];
        assert.deepStrictEqual(yes.map(isControlTag), yes.map(() => true));
        assert.deepStrictEqual(no.map(isControlTag), no.map(() => false));
    });
});

describe("mutation: util/podspec", () => {
    it("kindOf prefers a declared apiVersion/kind, skips Patch and List, ignores non-Kubernetes types", () => {
        assert.strictEqual(kindOf("kubernetes:apps/v1:Deployment", {}), "Deployment");
        assert.strictEqual(kindOf("kubernetes:apiextensions.k8s.io/v1:CustomResource", { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout" }), "Rollout");
        assert.strictEqual(kindOf("kubernetes:apps/v1:Deployment", { kind: "Pod" }), "Deployment", "kind without apiVersion is not a declaration");
        assert.strictEqual(kindOf("kubernetes:apps/v1:Deployment", { apiVersion: "v1" }), "Deployment");
        assert.strictEqual(kindOf("kubernetes:apps/v1:DeploymentPatch", {}), undefined);
        assert.strictEqual(kindOf("kubernetes:core/v1:PodList", {}), undefined);
        assert.strictEqual(kindOf("aws:s3/bucket:Bucket", {}), undefined);
        assert.strictEqual(kindOf("aws:s3/bucket:Bucket", { apiVersion: "v1", kind: "Pod" }), "Pod");
        assert.strictEqual(kindOf("x:kubernetes:Pod", {}), undefined);
        assert.strictEqual(kindOf("kubernetes:core/v1:Pod", { apiVersion: "v1", kind: "" }), undefined, "an empty declared kind is no kind");
    });

    it("namespaceOf and objectNameOf default empty and missing values", () => {
        assert.strictEqual(namespaceOf({ metadata: { namespace: "apps" } }), "apps");
        assert.strictEqual(namespaceOf({ metadata: { namespace: "" } }), "default");
        assert.strictEqual(namespaceOf({ metadata: { namespace: 3 } }), "default");
        assert.strictEqual(namespaceOf({ metadata: ["x"] }), "default");
        assert.strictEqual(namespaceOf({}), "default");
        assert.strictEqual(objectNameOf({ metadata: { name: "web" } }, "r"), "web");
        assert.strictEqual(objectNameOf({ metadata: { name: "" } }, "r"), "r");
        assert.strictEqual(objectNameOf({ metadata: { name: 1 } }, "r"), "r");
        assert.strictEqual(objectNameOf({ metadata: null }, "r"), "r");
    });

    it("locates the pod spec of a Pod, a PodTemplate, a CronJob, a Deployment and CRDs", () => {
        const spec = { containers: [{ name: "c" }] };
        const pod = podViewOf("kubernetes:core/v1:Pod", { metadata: { name: "p", namespace: "apps", annotations: { a: "1" } }, spec }, "r-pod");
        assert.deepStrictEqual(pod, { kind: "Pod", name: "p", namespace: "apps", declaredNamespace: "apps", spec, specPath: "spec", annotations: { a: "1" }, annotationsPath: "metadata.annotations" });
        const tpl = podViewOf("kubernetes:core/v1:PodTemplate", { metadata: { name: "t" }, template: { metadata: { annotations: { b: "2" } }, spec } }, "r-tpl");
        assert.deepStrictEqual(tpl, { kind: "PodTemplate", name: "t", namespace: "default", declaredNamespace: undefined, spec, specPath: "template.spec", annotations: { b: "2" }, annotationsPath: "template.metadata.annotations" });
        const cron = podViewOf("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec } } } } }, "r-cron");
        assert.deepStrictEqual(cron, { kind: "CronJob", name: "r-cron", namespace: "default", declaredNamespace: undefined, spec, specPath: "spec.jobTemplate.spec.template.spec", annotations: {}, annotationsPath: "spec.jobTemplate.spec.template.metadata.annotations" });
        const dep = podViewOf("kubernetes:apps/v1:Deployment", { metadata: { namespace: "" }, spec: { template: { metadata: { annotations: ["no"] }, spec } } }, "r-dep");
        assert.deepStrictEqual(dep, { kind: "Deployment", name: "r-dep", namespace: "default", declaredNamespace: "", spec, specPath: "spec.template.spec", annotations: {}, annotationsPath: "spec.template.metadata.annotations" });
        const rollout = podViewOf("kubernetes:apiextensions.k8s.io/v1:CustomResource", { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "ro", namespace: 7 }, spec: { template: { metadata: "x", spec } } }, "r-ro");
        assert.deepStrictEqual(rollout, { kind: "Rollout", name: "ro", namespace: "default", declaredNamespace: undefined, spec, specPath: "spec.template.spec", annotations: {}, annotationsPath: "spec.template.metadata.annotations" });
        const scheduled = podViewOf("kubernetes:example.io/v1:Scheduled", { spec: { jobTemplate: { spec: { template: { spec } } } } }, "r-sch");
        assert.strictEqual(scheduled?.specPath, "spec.jobTemplate.spec.template.spec");
        assert.strictEqual(scheduled?.kind, "Scheduled");
    });

    it("finds no pod spec where there is none", () => {
        const none = (type: string, props: Record<string, unknown>) => assert.strictEqual(podViewOf(type, props, "n"), undefined, `${type} ${JSON.stringify(props)}`);
        none("kubernetes:core/v1:Service", { spec: { ports: [] } });
        none("kubernetes:core/v1:Pod", { spec: ["x"] });
        none("kubernetes:core/v1:Pod", {});
        none("kubernetes:core/v1:PodTemplate", { spec: { containers: [] } });
        none("kubernetes:batch/v1:CronJob", { spec: { template: { spec: { containers: [] } } } });
        none("kubernetes:apps/v1:Deployment", { spec: { template: "x" } });
        none("kubernetes:apps/v1:Deployment", { spec: { template: { spec: null } } });
        none("kubernetes:apps/v1:DeploymentPatch", { spec: { template: { spec: {} } } });
        none("aws:s3/bucket:Bucket", { spec: { template: { spec: {} } } });
    });

    it("caches a pod view per object, type and resource name", () => {
        const props = { spec: { template: { spec: { containers: [] } } } };
        const a = podViewOf("kubernetes:apps/v1:Deployment", props, "a");
        assert.strictEqual(podViewOf("kubernetes:apps/v1:Deployment", props, "a"), a);
        assert.strictEqual(podViewOf("kubernetes:apps/v1:Deployment", props, "b")?.name, "b");
        assert.strictEqual(podViewOf("kubernetes:apps/v1:StatefulSet", props, "b")?.kind, "StatefulSet");
        assert.strictEqual(podViewOf("kubernetes:core/v1:PodTemplate", props, "b"), undefined);
        assert.strictEqual(podViewOf("kubernetes:core/v1:Pod", props, "b")?.specPath, "spec");
    });

    it("iterates every container list in order, keeping indexes and naming unnamed containers", () => {
        const pod = podViewOf("kubernetes:core/v1:Pod", {
            spec: {
                securityContext: { runAsUser: 5, runAsGroup: 6 },
                containers: [{ name: "a", securityContext: { runAsUser: 1 } }, "junk", { image: "x", securityContext: ["bad"] }],
                initContainers: [{ name: "i" }],
                ephemeralContainers: [{ name: "e" }],
            },
        }, "p")!;
        const views = containersOf(pod);
        assert.deepStrictEqual(views.map((c) => [c.list, c.index, c.name, c.path]), [
            ["containers", 0, "a", "spec.containers[0]"],
            ["containers", 2, "#2", "spec.containers[2]"],
            ["initContainers", 0, "i", "spec.initContainers[0]"],
            ["ephemeralContainers", 0, "e", "spec.ephemeralContainers[0]"],
        ]);
        assert.deepStrictEqual(views[0].securityContext, { runAsUser: 1 });
        assert.deepStrictEqual(views[1].securityContext, {});
        assert.deepStrictEqual(views[1].container, { image: "x", securityContext: ["bad"] });
        assert.deepStrictEqual(containersOf(pod, RUNNING_CONTAINER_LISTS).map((c) => c.name), ["a", "#2", "i"]);
        assert.deepStrictEqual(containersOf(pod, ["ephemeralContainers", "containers"]).map((c) => c.name), ["e", "a", "#2"]);
        assert.deepStrictEqual([...ALL_CONTAINER_LISTS], ["containers", "initContainers", "ephemeralContainers"]);
        assert.deepStrictEqual([...RUNNING_CONTAINER_LISTS], ["containers", "initContainers"]);
        assert.deepStrictEqual(containersOf({ ...pod, spec: { containers: { name: "x" } } }), []);

        assert.deepStrictEqual(effectiveField(pod, views[0], "runAsUser"), { value: 1, path: "spec.containers[0].securityContext.runAsUser" });
        assert.deepStrictEqual(effectiveField(pod, views[0], "runAsGroup"), { value: 6, path: "spec.securityContext.runAsGroup" });
        assert.deepStrictEqual(effectiveField(pod, views[2], "fsGroup"), { value: undefined, path: "spec.initContainers[0].securityContext.fsGroup" });
        assert.deepStrictEqual(podSecurityContext(pod), { runAsUser: 5, runAsGroup: 6 });
        assert.deepStrictEqual(podSecurityContext({ ...pod, spec: { securityContext: [1] } }), {});
        const noPodCtx = { ...pod, spec: {} } as PodView;
        assert.deepStrictEqual(effectiveField(noPodCtx, views[1], "runAsUser"), { value: undefined, path: "spec.containers[2].securityContext.runAsUser" });
        assert.deepStrictEqual(views.map(describeContainer), ['container "a"', 'container "#2"', 'initContainer "i"', 'ephemeralContainer "e"']);
    });

    it("effectiveField reads a null field as unset, so the pod's value still applies", () => {
        const pod = podViewOf("kubernetes:core/v1:Pod", {
            spec: { securityContext: { runAsNonRoot: true, seccompProfile: null }, containers: [{ name: "a", securityContext: { runAsNonRoot: null, seccompProfile: null } }] },
        }, "p")!;
        const [c] = containersOf(pod);
        assert.deepStrictEqual(effectiveField(pod, c, "runAsNonRoot"), { value: true, path: "spec.securityContext.runAsNonRoot" });
        assert.deepStrictEqual(effectiveField(pod, c, "seccompProfile"), { value: undefined, path: "spec.containers[0].securityContext.seccompProfile" });
    });

    it("get reads nested objects safely", () => {
        assert.strictEqual(get({ a: { b: 3 } }, "a", "b"), 3);
        assert.strictEqual(get({ a: [1] }, "a", "0"), undefined);
        assert.strictEqual(get({ a: null }, "a", "b"), undefined);
        assert.strictEqual(get(undefined, "a"), undefined);
        assert.deepStrictEqual(get({ a: 1 }), { a: 1 });
    });

    it("knownInputs returns the plain object behind the SDK proxy unless a value is unknown", () => {
        const plain = { metadata: { name: "x" }, spec: { replicas: 2 } };
        assert.strictEqual(knownInputs(plain), plain, "not a proxy: returned as is");
        assert.strictEqual(rawTarget(plain), plain);
        const fake = { __getSpecialProxyTarget: "not-an-object" };
        assert.strictEqual(rawTarget(fake), fake);
        assert.strictEqual(knownInputs(fake), fake);

        const known = { metadata: { name: "x", labels: { a: "b" } }, spec: { list: [1, "s", null, { deep: true }] } };
        const knownProxy = proxyModule.unknownCheckingProxy(known);
        assert.notStrictEqual(knownProxy, known);
        assert.strictEqual(rawTarget(knownProxy), known);
        assert.strictEqual(knownInputs(knownProxy), known, "fully known: the plain object");

        for (const unknown of [{ metadata: { name: UNKNOWN } }, { spec: { list: [1, { x: [UNKNOWN] }] } }, { top: UNKNOWN }]) {
            const p = proxyModule.unknownCheckingProxy(unknown);
            const got = knownInputs(p);
            assert.strictEqual(got, p, `unknown stays behind the proxy: ${JSON.stringify(unknown)}`);
            assert.notStrictEqual(got, unknown);
        }
        const p = proxyModule.unknownCheckingProxy({ metadata: { name: UNKNOWN } });
        assert.throws(() => knownInputs(p).metadata.name, /can't be known during preview/);
    });

    it("knownInputs scans an object once per request", () => {
        const raw: Record<string, unknown> = { a: { b: "c" } };
        const p = proxyModule.unknownCheckingProxy(raw);
        assert.strictEqual(knownInputs(p), raw);
        raw.late = UNKNOWN;
        assert.strictEqual(knownInputs(p), raw, "cached for the same inputs");
        const q = proxyModule.unknownCheckingProxy({ late: UNKNOWN });
        assert.strictEqual(knownInputs(q), q);
        const r: Record<string, unknown> = { late: UNKNOWN };
        const rp = proxyModule.unknownCheckingProxy(r);
        assert.strictEqual(knownInputs(rp), rp);
        delete r.late;
        assert.strictEqual(knownInputs(rp), rp, "unknown is cached too");
    });

    it("a pod rule reading an unknown value stops with the SDK's error, a known one reports", () => {
        const seen: string[] = [];
        const r = rule({ name: "t-pods", description: "d", severity: "low", enforcementLevel: "advisory", controls: {}, remediationSteps: "fix", scope: "pods" },
            (pod) => [`image ${String(containersOf(pod)[0].container.image)}`]);
        // The wrapper is synchronous for these scopes: it returns nothing, or throws what the check threw.
        const validate = r.validateResource as (a: ResourceValidationArgs, rep: ReportViolation) => void;
        const props = deployment("web", "apps", "nginx");
        assert.strictEqual(validate(resourceArgs("kubernetes:apps/v1:Deployment", "w", proxyModule.unknownCheckingProxy(props)), (m) => seen.push(m)), undefined);
        assert.deepStrictEqual(seen, ['Deployment "web": image nginx']);
        const unknown = deployment("web2", "apps", UNKNOWN);
        assert.throws(() => validate(resourceArgs("kubernetes:apps/v1:Deployment", "w", proxyModule.unknownCheckingProxy(unknown)), (m) => seen.push(m)), /can't be known during preview/);
    });
});

/** podspec.ts loaded afresh with `@pulumi/policy/proxy` replaced (or failing), as when the SDK's layout changes. */
function podspecWith(proxy: Record<string, unknown> | Error): typeof import("../../rules/util/podspec") {
    const Module = require("module") as { _load: (...args: any[]) => unknown };
    const file = require.resolve("../../rules/util/podspec");
    const saved = require.cache[file];
    const load = Module._load;
    delete require.cache[file];
    Module._load = function (this: unknown, request: string, ...rest: unknown[]) {
        if (request === "@pulumi/policy/proxy") {
            if (proxy instanceof Error) throw proxy;
            return proxy;
        }
        return load.call(this, request, ...rest);
    };
    try {
        return require(file);
    } finally {
        Module._load = load;
        if (saved) require.cache[file] = saved;
        else delete require.cache[file];
    }
}

describe("mutation: util/podspec sentinels", () => {
    const real = proxyModule as unknown as Record<string, unknown>;
    const sentinels = Object.fromEntries(Object.entries(real).filter(([k]) => /^unknown[A-Z]\w*Value$/.test(k)));
    const known = () => { const raw = { a: { b: ["c", 1, null] } }; return { raw, proxy: proxyModule.unknownCheckingProxy(raw) }; };

    it("reads the seven sentinels from the SDK and skips the proxy for known inputs", () => {
        assert.strictEqual(Object.keys(sentinels).length, 7);
        const mod = podspecWith({ ...sentinels, unknownCheckingProxy: real.unknownCheckingProxy, UnknownValueError: real.UnknownValueError, xunknownAValue: "x1", unknownBValueX: "x2" });
        const { raw, proxy } = known();
        assert.strictEqual(mod.knownInputs(proxy), raw);
        const p = proxyModule.unknownCheckingProxy({ x: UNKNOWN });
        assert.strictEqual(mod.knownInputs(p), p);
        const notOurs = proxyModule.unknownCheckingProxy({ x: "x1", y: "x2" });
        assert.strictEqual(mod.knownInputs(notOurs), rawTarget(notOurs), "only unknown*Value exports are sentinels");
    });

    it("never skips the proxy when the SDK's sentinels cannot be read", () => {
        const { unknownStringValue: _s, ...six } = sentinels;
        const layouts: (Record<string, unknown> | Error)[] = [
            six,
            { ...six, unknownStringValue: 42 },
            { ...six, unknownStringValue: UNKNOWN, unknownExtraValue: "e" },
            {},
            new Error("Cannot find module '@pulumi/policy/proxy'"),
        ];
        for (const layout of layouts) {
            const mod = podspecWith(layout);
            const { raw, proxy } = known();
            assert.strictEqual(mod.knownInputs(proxy), proxy, String(layout instanceof Error ? layout.message : Object.keys(layout)));
            assert.strictEqual(mod.knownInputs(raw), raw);
        }
    });
});

describe("mutation: util/exemptions", () => {
    const DEP = "kubernetes:apps/v1:Deployment";
    it("builds the target of Kubernetes and other resources", () => {
        assert.deepStrictEqual(exemptionTargetOf({ type: DEP, name: "r", urn: "u", props: deployment("web", "apps", "quay.io/x/y:1") }),
            { namespace: "apps", name: "web", urn: "u", images: ["quay.io/x/y:1"] });
        assert.deepStrictEqual(exemptionTargetOf({ type: DEP, name: "r", urn: "u", props: deployment(undefined, undefined, 5) }),
            { namespace: "default", name: "r", urn: "u", images: [] });
        assert.deepStrictEqual(exemptionTargetOf({ type: "aws:s3/bucket:Bucket", name: "b", urn: "u2", props: {} }),
            { namespace: undefined, name: "b", urn: "u2", images: [] });
        assert.deepStrictEqual(exemptionTargetOf({ type: "aws:x:Y", name: "b", urn: "u3", props: { metadata: { name: "m", namespace: "ns" } } }),
            { namespace: "ns", name: "m", urn: "u3", images: [] });
        assert.deepStrictEqual(imagesOf(undefined), []);
    });

    it("matches every selector an entry sets", () => {
        const t = { namespace: "apps", name: "system:agent", urn: "urn:a", images: ["", "nginx", "ghcr.io/acme/agent:1"] };
        const m = (e: Record<string, unknown>) => exemptionMatches({ reason: "r", ...e }, t);
        assert.strictEqual(m({ namespace: "apps" }), true);
        assert.strictEqual(m({ namespace: "other" }), false);
        assert.strictEqual(m({ namePrefix: "system:" }), true);
        assert.strictEqual(m({ namePrefix: "agent" }), false);
        assert.strictEqual(m({ urn: "urn:a" }), true);
        assert.strictEqual(m({ urn: "urn:b" }), false);
        assert.strictEqual(m({ image: "ghcr.io/acme" }), true);
        assert.strictEqual(m({ image: "docker.io" }), true);
        assert.strictEqual(m({ image: "quay.io" }), false);
        assert.strictEqual(m({ namespace: "apps", namePrefix: "system:", urn: "urn:a", image: "ghcr.io" }), true);
        assert.strictEqual(m({ namespace: "apps", namePrefix: "system:", urn: "urn:a", image: "quay.io" }), false);
        assert.strictEqual(m({ namespace: "apps", urn: "urn:b" }), false);
        assert.strictEqual(exemptionMatches({ namespace: "apps", reason: "r" }, { name: "x", urn: "u", images: [] }), false);
        assert.strictEqual(exemptionMatches({ image: "docker.io", reason: "r" }, { name: "x", urn: "u", images: [""] }), false);
    });

    it("finds the first entry that covers the rule", () => {
        const t = { namespace: "apps", name: "web", urn: "u", images: [] };
        const a = { namespace: "apps", rules: ["other"], reason: "a" };
        const b = { namespace: "apps", rules: ["mine", "x"], reason: "b" };
        const c = { namespace: "apps", reason: "c" };
        assert.strictEqual(exemptionFor("mine", t, cfg({ exemptions: [a, b, c] }))?.reason, "b");
        assert.strictEqual(exemptionFor("mine", t, cfg({ exemptions: [a, c] }))?.reason, "c");
        assert.strictEqual(exemptionFor("mine", t, cfg({ exemptions: [a] })), undefined);
        assert.strictEqual(exemptionFor("mine", { ...t, namespace: "x" }, cfg({ exemptions: [b, c] })), undefined);
    });

    it("isExempt honours exemptNamespaces and namespace/name patterns", () => {
        const c = cfg({ exemptNamespaces: ["kube-system"], exemptObjects: ["monitoring/*-exporter", "apps/web", "a.b/x", "noslash", "*/any", "dev/db-(x)"] });
        assert.strictEqual(isExempt("dev", "db-(x)", c), true);
        assert.strictEqual(isExempt("dev", "db-x", c), false);
        assert.strictEqual(isExempt("kube-system", "x", c), true);
        assert.strictEqual(isExempt("monitoring", "node-exporter", c), true);
        assert.strictEqual(isExempt("monitoring", "node-exporter-2", c), false);
        assert.strictEqual(isExempt("monitoring", "-exporter", c), true);
        assert.strictEqual(isExempt("xmonitoring", "node-exporter", c), false);
        assert.strictEqual(isExempt("apps", "web", c), true);
        assert.strictEqual(isExempt("apps", "webx", c), false);
        assert.strictEqual(isExempt("apps", "xweb", c), false);
        assert.strictEqual(isExempt("apps", "api", c), false);
        assert.strictEqual(isExempt("axb", "x", c), false);
        assert.strictEqual(isExempt("a.b", "x", c), true);
        assert.strictEqual(isExempt("noslash", "noslash", c), false);
        assert.strictEqual(isExempt("zzz", "any", c), true);
        assert.strictEqual(isExempt("kube-public", "x", cfg()), true);
        assert.strictEqual(isExempt("apps", "x", cfg()), false);
    });
});

describe("mutation: util/stack", () => {
    const DEP = "kubernetes:apps/v1:Deployment";
    const res = (type: string, name: string, props: Record<string, unknown>) => policyResource(type, name, props);

    it("indexes objects, workloads and pod labels", () => {
        const resources = [
            res(DEP, "web-r", { ...deployment("web", "apps", "nginx", { app: "web", tier: "front", n: 1 }), metadata: { name: "web", namespace: "apps", labels: { own: "yes", bad: 2 } } }),
            res("kubernetes:core/v1:Pod", "pod-r", { metadata: { name: "p", namespace: "apps", labels: { app: "pod" } }, spec: { containers: [] } }),
            res("kubernetes:core/v1:Service", "svc-r", { metadata: { name: "svc", labels: ["x"] }, spec: {} }),
            res("kubernetes:core/v1:PodList", "list-r", { items: [] }),
            res("kubernetes:apiextensions.k8s.io/v1:CustomResource", "cr-r", { apiVersion: "example.io/v1", kind: "ThingList" }),
            res("aws:s3/bucket:Bucket", "b", {}),
            res("kubernetes:apps/v1:StatefulSet", "ss-r", { metadata: { name: "db", namespace: "apps" }, spec: { template: { metadata: { labels: "nope" }, spec: {} } } }),
            res("kubernetes:batch/v1:CronJob", "cj-r", { metadata: { name: "cj", namespace: "apps", labels: { own: "cj" } }, spec: { jobTemplate: { metadata: { labels: { job: "x" } }, spec: { template: { metadata: { labels: { app: "cron" } }, spec: {} } } } } }),
            res("kubernetes:core/v1:PodTemplate", "pt-r", { metadata: { name: "pt", namespace: "apps" }, template: { metadata: { labels: { app: "tpl" } }, spec: {} } }),
            res("kubernetes:apps/v1:DaemonSet", "ds-r", { metadata: { name: "ds", namespace: "apps" }, spec: { template: { spec: {} } } }),
            res("kubernetes:core/v1:ConfigMap", "cm-r", { data: {} }),
        ];
        const view = stackViewOf(resources);
        assert.strictEqual(view.resources, resources);
        assert.deepStrictEqual(view.objects.map((o) => [o.group, o.kind, o.name, o.namespace, o.labels]), [
            ["apps", "Deployment", "web", "apps", { own: "yes" }],
            ["", "Pod", "p", "apps", { app: "pod" }],
            ["", "Service", "svc", "default", {}],
            ["apps", "StatefulSet", "db", "apps", {}],
            ["batch", "CronJob", "cj", "apps", { own: "cj" }],
            ["", "PodTemplate", "pt", "apps", {}],
            ["apps", "DaemonSet", "ds", "apps", {}],
            ["", "ConfigMap", "cm-r", "default", {}],
        ]);
        assert.deepStrictEqual(view.workloads.map((w) => [w.kind, w.name, w.podLabels]), [
            ["Deployment", "web", { app: "web", tier: "front" }],
            ["Pod", "p", { app: "pod" }],
            ["StatefulSet", "db", {}],
            ["CronJob", "cj", { app: "cron" }],
            ["PodTemplate", "pt", { app: "tpl" }],
            ["DaemonSet", "ds", {}],
        ]);
        assert.strictEqual(view.objects[0].resource, resources[0]);
        assert.deepStrictEqual(view.ofKind("Deployment").map((o) => o.name), ["web"]);
        assert.deepStrictEqual(view.ofKind("Deployment", "apps").map((o) => o.name), ["web"]);
        assert.deepStrictEqual(view.ofKind("Deployment", ""), []);
        assert.deepStrictEqual(view.ofKind("Service", "").map((o) => o.name), ["svc"]);
        assert.deepStrictEqual(view.ofKind("Ingress"), []);
        assert.strictEqual(view.workload("apps", "Deployment", "web")?.name, "web");
        assert.strictEqual(view.workload("apps", "StatefulSet", "web"), undefined);
        assert.strictEqual(view.workload("other", "Deployment", "web"), undefined);
        assert.strictEqual(view.workload("apps", "Deployment", "db"), undefined);
    });

    it("selects workloads by namespace and selector; no selector selects nothing, an empty one everything", () => {
        const mk = (name: string, ns: string, labels: Record<string, string>) => res(DEP, `${ns}-${name}`, deployment(name, ns, "nginx", labels));
        const view = stackViewOf([
            mk("a", "apps", { app: "a", tier: "front" }),
            mk("b", "apps", { app: "b", tier: "front" }),
            mk("c", "apps", { app: "c", tier: "back" }),
            mk("a", "other", { app: "a", tier: "front" }),
        ]);
        const names = (ns: string, sel: Parameters<typeof view.selected>[1]) => view.selected(ns, sel).map((w) => `${w.namespace}/${w.name}`);
        assert.deepStrictEqual(names("apps", undefined), []);
        assert.deepStrictEqual(names("apps", {}), ["apps/a", "apps/b", "apps/c"]);
        assert.deepStrictEqual(names("apps", { matchLabels: {}, matchExpressions: [] }), ["apps/a", "apps/b", "apps/c"]);
        assert.deepStrictEqual(names("nowhere", {}), []);
        assert.deepStrictEqual(names("apps", { matchLabels: { app: "a" } }), ["apps/a"]);
        assert.deepStrictEqual(names("other", { matchLabels: { app: "a" } }), ["other/a"]);
        assert.deepStrictEqual(names("apps", { matchLabels: { tier: "front" } }), ["apps/a", "apps/b"]);
        assert.deepStrictEqual(names("apps", { matchLabels: { tier: "front", app: "b" } }), ["apps/b"]);
        assert.deepStrictEqual(names("apps", { matchLabels: { app: "b", tier: "front" } }), ["apps/b"]);
        assert.deepStrictEqual(names("apps", { matchLabels: { tier: "front", app: "zzz" } }), []);
        assert.deepStrictEqual(names("apps", { matchLabels: { app: "zzz", tier: "front" } }), []);
        assert.deepStrictEqual(names("apps", { matchLabels: { tier: "back", app: "a" } }), []);
        assert.deepStrictEqual(names("apps", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }), ["apps/c"]);
        assert.deepStrictEqual(names("apps", { matchExpressions: [{ key: "app", operator: "In", values: ["a", "c"] }] }), ["apps/a", "apps/c"]);
        assert.deepStrictEqual(names("nowhere", { matchLabels: { app: "a" } }), []);
        assert.deepStrictEqual(names("nowhere", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }), []);
    });

    it("shares one view per request and rebuilds when the resources differ", () => {
        const shared = deployment("a", "apps");
        const r1 = res(DEP, "a", shared);
        const r2 = res(DEP, "b", deployment("b", "apps"));
        const r3 = res(DEP, "c", deployment("c", "apps"));
        const v = stackViewOf([r1, r2]);
        assert.strictEqual(stackViewOf([r1, r2]), v);
        assert.strictEqual(stackViewOf([res(DEP, "a", shared), r2]), v, "other resource objects over the same inputs");
        const shorter = stackViewOf([r1]);
        assert.notStrictEqual(shorter, v);
        assert.deepStrictEqual(shorter.workloads.map((w) => w.name), ["a"]);
        const other = stackViewOf([r1, r3]);
        assert.deepStrictEqual(other.workloads.map((w) => w.name), ["a", "c"]);
        const longer = stackViewOf([r1, r3, r2]);
        assert.deepStrictEqual(longer.workloads.map((w) => w.name), ["a", "c", "b"]);
        const empty = stackViewOf([]);
        assert.deepStrictEqual([empty.objects, empty.workloads, empty.resources], [[], [], []]);
    });

    it("reads through the SDK proxy once the inputs are known", () => {
        const raw = deployment("px", "apps");
        const view = stackViewOf([res(DEP, "px", proxyModule.unknownCheckingProxy(raw))]);
        assert.strictEqual(view.objects[0].props, raw);
        const view2 = stackViewOf([res(DEP, "px", proxyModule.unknownCheckingProxy(raw))]);
        assert.strictEqual(view2, view, "the same inputs behind another proxy share the view");
    });

    it("pushTo creates and appends lists", () => {
        const m = new Map<string, number[]>();
        pushTo(m, "a", 1);
        pushTo(m, "a", 2);
        pushTo(m, "b", 3);
        assert.deepStrictEqual([...m.entries()], [["a", [1, 2]], ["b", [3]]]);
    });
});

describe("mutation: util/rule", () => {
    const meta = { description: "d", severity: "medium" as const, enforcementLevel: "advisory" as const, controls: { kubescape: ["C-0001"] }, remediationSteps: "fix it" };
    const DEP = "kubernetes:apps/v1:Deployment";

    it("subject names the object", () => {
        assert.strictEqual(subject("Deployment", "web"), 'Deployment "web"');
    });

    it("copies the meta and declares the settings its scope honours", () => {
        const pods = rule({ ...meta, name: "t-meta", scope: "pods", configKeys: ["allowedRegistries"], settings: { extra: { type: "string" } } }, () => []);
        assert.deepStrictEqual(
            { name: pods.name, description: pods.description, severity: pods.severity, enforcementLevel: pods.enforcementLevel, controls: pods.controls, remediationSteps: pods.remediationSteps },
            { name: "t-meta", ...meta },
        );
        assert.deepStrictEqual(Object.keys(pods.configSchema!.properties!), ["exemptNamespaces", "exemptObjects", "exemptions", "allowedRegistries", "extra"]);
        assert.deepStrictEqual(pods.configSchema!.properties!.extra, { type: "string" });
        const raw = rule({ ...meta, name: "t-raw", scope: "resource", configKeys: ["minReplicas"] }, () => undefined);
        assert.deepStrictEqual(Object.keys(raw.configSchema!.properties!), ["exemptions", "minReplicas"]);
        const stackArgsRule = rule({ ...meta, name: "t-sa", scope: "stack-args" }, () => undefined);
        assert.deepStrictEqual(Object.keys(stackArgsRule.configSchema!.properties!), ["exemptions"]);
        const stack = rule({ ...meta, name: "t-st", scope: "stack" }, () => []);
        assert.deepStrictEqual(Object.keys(stack.configSchema!.properties!), ["exemptNamespaces", "exemptObjects", "exemptions"]);
        assert.ok("validateStack" in stack && !("validateResource" in stack));
        assert.ok("validateStack" in stackArgsRule);
        const kinds = rule({ ...meta, name: "t-k", scope: { kinds: ["Service"] } }, () => []);
        assert.deepStrictEqual(Object.keys(kinds.configSchema!.properties!), ["exemptNamespaces", "exemptObjects", "exemptions"]);
        assert.ok("validateResource" in kinds && !("validateStack" in kinds));
    });

    it("pods scope: prefixes findings, skips non-workloads and exempt objects", async () => {
        const r = rule({ ...meta, name: "t-pods", scope: "pods" }, (pod, config) => [`in ${pod.namespace} min ${config.minReplicas}`, "second"]);
        const run = (props: Record<string, unknown>, config: Record<string, unknown> = {}, type = DEP) => runRules([r], [{ type, name: "res", props }], config);
        assert.deepStrictEqual(await run(deployment("web", "apps")), [
            { rule: "t-pods", message: 'Deployment "web": in apps min 2', urn: urnOf(DEP, "res") },
            { rule: "t-pods", message: 'Deployment "web": second', urn: urnOf(DEP, "res") },
        ]);
        assert.deepStrictEqual(await run({ metadata: { name: "s" }, spec: {} }, {}, "kubernetes:core/v1:Service"), []);
        assert.deepStrictEqual(await run(deployment("web", "kube-system")), []);
        assert.deepStrictEqual(await run(deployment("web", "apps"), { exemptObjects: ["apps/web"] }), []);
        assert.deepStrictEqual(await run(deployment("web", "apps"), { exemptions: [{ image: "docker.io/library/nginx", reason: "r" }] }), []);
        assert.deepStrictEqual((await run(deployment("web", "apps"), { exemptions: [{ image: "quay.io", reason: "r" }] })).length, 2);
        assert.deepStrictEqual(await run(deployment("web", "apps"), { exemptions: [{ urn: urnOf(DEP, "res"), reason: "r" }] }), []);
        assert.deepStrictEqual(await run(deployment("web", "apps"), { exemptions: [{ namespace: "apps", namePrefix: "we", reason: "r" }] }), []);
        assert.deepStrictEqual((await run(deployment("web", "apps"), { exemptions: [{ namespace: "apps", rules: ["other"], reason: "r" }] })).length, 2);
        const loyal = rule({ ...meta, name: "t-loyal", scope: "pods", honoursExemptions: false }, () => ["x"]);
        assert.deepStrictEqual((await runRules([loyal], [{ type: DEP, name: "res", props: deployment("web", "kube-system") }], { exemptions: [{ namespace: "kube-system", reason: "r" }] })).map((f) => f.message), ['Deployment "web": x']);
    });

    it("kinds scope: only the kinds named, prefixed with the object, exemptNamespaces honoured", async () => {
        const seen: unknown[] = [];
        const r = rule({ ...meta, name: "t-kinds", scope: { kinds: ["Service", "Ingress"] } }, (obj) => {
            seen.push({ kind: obj.kind, name: obj.name, namespace: obj.namespace });
            return [`type ${obj.props.spec?.type}`];
        });
        const svc = (name: string | undefined, ns?: string) => ({ metadata: { ...(name ? { name } : {}), ...(ns ? { namespace: ns } : {}) }, spec: { type: "ClusterIP" } });
        const SVC = "kubernetes:core/v1:Service";
        assert.deepStrictEqual(await runRules([r], [{ type: SVC, name: "s-r", props: svc("s", "apps") }]), [{ rule: "t-kinds", message: 'Service "s": type ClusterIP', urn: urnOf(SVC, "s-r") }]);
        assert.deepStrictEqual(seen, [{ kind: "Service", name: "s", namespace: "apps" }]);
        assert.deepStrictEqual((await runRules([r], [{ type: SVC, name: "s-r", props: svc(undefined) }])).map((f) => f.message), ['Service "s-r": type ClusterIP']);
        assert.deepStrictEqual(await runRules([r], [{ type: DEP, name: "d", props: deployment("web", "apps") }]), []);
        assert.deepStrictEqual(await runRules([r], [{ type: "kubernetes:core/v1:ServicePatch", name: "p", props: svc("s", "apps") }]), []);
        assert.deepStrictEqual(await runRules([r], [{ type: SVC, name: "s-r", props: svc("s", "kube-system") }]), []);
        assert.deepStrictEqual(await runRules([r], [{ type: SVC, name: "s-r", props: svc("s") }], { exemptObjects: ["default/s"] }), []);
        assert.deepStrictEqual(await runRules([r], [{ type: SVC, name: "s-r", props: { metadata: { name: "", namespace: "apps" }, spec: {} } }], { exemptObjects: ["apps/s-r"] }), [], "an empty name falls back to the resource name");
        assert.deepStrictEqual(await runRules([r], [{ type: SVC, name: "s-r", props: svc("s", "apps") }], { exemptions: [{ namePrefix: "s", reason: "r" }] }), []);
        assert.strictEqual((await runRules([r], [{ type: SVC, name: "s-r", props: svc("s", "apps") }], { exemptions: [{ namePrefix: "t", reason: "r" }] })).length, 1);
        const cr = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i", namespace: "apps" }, spec: { type: "x" } };
        assert.deepStrictEqual((await runRules([r], [{ type: "kubernetes:apiextensions.k8s.io/v1:CustomResource", name: "cr", props: cr }])).map((f) => f.message), ['Ingress "i": type x']);
    });

    it("kinds scope reads known inputs without the proxy and stops on unknown ones", async () => {
        const seen: unknown[] = [];
        const r = rule({ ...meta, name: "t-kinds2", scope: { kinds: ["Service"] } }, (obj) => { seen.push(obj.props); return []; });
        const raw = { metadata: { name: "s" }, spec: {} };
        await (r.validateResource as any)(resourceArgs("kubernetes:core/v1:Service", "s", proxyModule.unknownCheckingProxy(raw)), () => undefined);
        assert.strictEqual(seen[0], raw);
    });

    it("resource scope: the types filter, the SDK's per-type filter, and only reasoned exemptions", async () => {
        const seen: string[] = [];
        const BUCKET = "aws:s3/bucket:Bucket";
        const r = rule({ ...meta, name: "t-res", scope: "resource", types: [BUCKET] }, (args, report) => { seen.push(args.name); report(`bad ${args.name}`); });
        assert.strictEqual((r.validateResource as any).__pulumiType, BUCKET);
        const two = rule({ ...meta, name: "t-res2", scope: "resource", types: [BUCKET, "aws:s3/bucketV2:BucketV2"] }, () => undefined);
        assert.strictEqual((two.validateResource as any).__pulumiType, undefined);
        const any = rule({ ...meta, name: "t-res3", scope: "resource" }, (args, report) => report(`any ${args.name}`));
        assert.strictEqual((any.validateResource as any).__pulumiType, undefined);

        assert.deepStrictEqual(await runRules([r], [{ type: BUCKET, name: "b", props: {} }, { type: "aws:s3/other:Other", name: "o", props: {} }]), [{ rule: "t-res", message: "bad b", urn: urnOf(BUCKET, "b") }]);
        assert.deepStrictEqual(seen, ["b"]);
        assert.deepStrictEqual(await runRules([r], [{ type: BUCKET, name: "b", props: {} }], { exemptions: [{ urn: urnOf(BUCKET, "b"), reason: "legacy" }] }), []);
        const ns = { metadata: { name: "x", namespace: "kube-system" } };
        const K8S = "kubernetes:core/v1:ConfigMap";
        assert.deepStrictEqual((await runRules([any], [{ type: K8S, name: "c", props: ns }])).map((f) => f.message), ["any c"], "raw scopes ignore exemptNamespaces");
        assert.deepStrictEqual((await runRules([any], [{ type: K8S, name: "c", props: ns }], { exemptObjects: ["kube-system/x"] })).map((f) => f.message), ["any c"]);
        assert.deepStrictEqual(await runRules([any], [{ type: K8S, name: "c", props: ns }], { exemptions: [{ namespace: "kube-system", reason: "r" }] }), []);
        assert.deepStrictEqual((await runRules([any], [{ type: K8S, name: "c", props: ns }], { exemptions: [{ namespace: "apps", reason: "r" }] })).map((f) => f.message), ["any c"]);

        const props: unknown[] = [];
        const plainArgs: unknown[] = [];
        const keep = rule({ ...meta, name: "t-res4", scope: "resource" }, (args) => { props.push(args.props); plainArgs.push(args); });
        const raw = { a: 1 };
        const a1 = resourceArgs(K8S, "c", raw);
        await (keep.validateResource as any)(a1, () => undefined);
        assert.strictEqual(plainArgs[0], a1, "plain inputs: the same args");
        const a2 = resourceArgs(K8S, "c", proxyModule.unknownCheckingProxy(raw));
        await (keep.validateResource as any)(a2, () => undefined);
        assert.strictEqual(props[1], raw, "known inputs behind the proxy: the plain object");
        assert.notStrictEqual(plainArgs[1], a2);
        assert.strictEqual((plainArgs[1] as ResourceValidationArgs).urn, a2.urn);
    });

    it("stack scope: prefixes findings with the object, reports on its URN, skips exempt objects", async () => {
        const r = rule({ ...meta, name: "t-stack", scope: "stack" }, (stack, config) =>
            stack.workloads.map((w) => ({ object: w, message: `replicas ${w.props.spec.replicas}, min ${config.minReplicas}` })));
        const resources = [
            { type: DEP, name: "a-r", props: deployment("a", "apps") },
            { type: DEP, name: "b-r", props: deployment("b", "kube-system") },
            { type: DEP, name: "c-r", props: deployment("c", "apps") },
        ];
        assert.deepStrictEqual(await runRules([r], resources, { minReplicas: 3 }), [
            { rule: "t-stack", message: 'Deployment "a": replicas 2, min 3', urn: urnOf(DEP, "a-r") },
            { rule: "t-stack", message: 'Deployment "c": replicas 2, min 3', urn: urnOf(DEP, "c-r") },
        ]);
        assert.deepStrictEqual((await runRules([r], resources, { exemptObjects: ["apps/c"] })).map((f) => f.urn), [urnOf(DEP, "a-r")]);
        assert.deepStrictEqual((await runRules([r], resources, { exemptions: [{ namePrefix: "a", reason: "x" }] })).map((f) => f.urn), [urnOf(DEP, "c-r")]);
        const bucketRule = rule({ ...meta, name: "t-stack3", scope: "stack" }, (stack) => stack.resources.map((r) => ({ object: { resource: r, kind: "Bucket", name: r.name, namespace: "" }, message: "m" })));
        const buckets = [{ type: "aws:s3/bucket:Bucket", name: "b", props: {} }];
        const bucketFinding = [{ rule: "t-stack3", message: 'Bucket "b": m', urn: urnOf("aws:s3/bucket:Bucket", "b") }];
        assert.deepStrictEqual(await runRules([bucketRule], buckets, { exemptNamespaces: ["default"], exemptObjects: ["default/b", "*/*"] }), bucketFinding, "no namespace: exemptObjects do not apply");
        assert.deepStrictEqual(await runRules([bucketRule], buckets, { exemptObjects: ["*/*"], exemptions: [{ namespace: "zzz", reason: "r" }] }), bucketFinding);
        assert.deepStrictEqual(await runRules([bucketRule], buckets, { exemptions: [{ namePrefix: "b", reason: "r" }] }), []);
        const nsBucket = [{ type: "aws:s3/bucket:Bucket", name: "b", props: { metadata: { namespace: "kube-system" } } }];
        assert.deepStrictEqual(await runRules([bucketRule], nsBucket), bucketFinding, "exemptNamespaces are for Kubernetes objects");
        assert.deepStrictEqual(await runRules([bucketRule], nsBucket, { exemptions: [{ namespace: "kube-system", reason: "r" }] }), []);
        const loyal = rule({ ...meta, name: "t-stack2", scope: "stack", honoursExemptions: false }, (stack) => stack.workloads.map((w) => ({ object: w, message: "m" })));
        assert.deepStrictEqual((await runRules([loyal], resources)).map((f) => f.urn), resources.map((x) => urnOf(x.type, x.name)));
    });

    it("stack-args scope: a guarded report that honours only reasoned exemptions and passes unknown URNs through", async () => {
        const r = rule({ ...meta, name: "t-args", scope: "stack-args" }, (args, report) => {
            for (const res of args.resources) report(`saw ${res.name}`, res.urn);
            report("stack-wide");
            report("elsewhere", "urn:pulumi:test::platform::x::missing");
        });
        const resources = [
            { type: "kubernetes:core/v1:Namespace", name: "ks", props: { metadata: { name: "kube-system", namespace: "kube-system" } } },
            { type: "aws:s3/bucket:Bucket", name: "b", props: {} },
        ];
        assert.deepStrictEqual(await runRules([r], resources), [
            { rule: "t-args", message: "saw ks", urn: urnOf(resources[0].type, "ks") },
            { rule: "t-args", message: "saw b", urn: urnOf(resources[1].type, "b") },
            { rule: "t-args", message: "stack-wide", urn: undefined },
            { rule: "t-args", message: "elsewhere", urn: "urn:pulumi:test::platform::x::missing" },
        ]);
        assert.deepStrictEqual((await runRules([r], resources, { exemptions: [{ urn: urnOf(resources[1].type, "b"), reason: "r" }] })).map((f) => f.message), ["saw ks", "stack-wide", "elsewhere"]);
        const { report, seen } = collector();
        await (r as any).validateStack(stackArgs([policyResource(resources[1].type, "b", {})], { exemptions: [{ urn: urnOf(resources[1].type, "b"), reason: "r" }] }), report);
        assert.deepStrictEqual(seen.map((s) => s[0]), ["stack-wide", "elsewhere"]);
    });

    it("the defaults the builder reads are the pack's", () => {
        assert.deepStrictEqual(cfg().exemptNamespaces, DEFAULT_CONFIG.exemptNamespaces);
    });
});
