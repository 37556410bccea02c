import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { ofType, recordProgram, resolve } from "../../automation/offline/mock-runtime";
import { ARGO_HELM, ArgoRollouts, argoRolloutsValues, validateArgoRolloutsArgs } from "../../components/mesh/argo-rollouts";

describe("mesh: Argo Rollouts controller", () => {
    it("installs the pinned argo-helm chart into its own restricted namespace, keeping the CRDs", async () => {
        const rec = await recordProgram(() => {
            const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
            const c = new ArgoRollouts("rollouts", { version: "2.40.2" }, { provider });
            return { namespace: c.namespace };
        });
        const [release] = ofType(rec.resources, "kubernetes:helm.sh/v3:Release");
        const r = release.inputs as any;
        assert.equal(r.chart, "argo-rollouts");
        assert.equal(r.version, "2.40.2");
        assert.equal(r.repositoryOpts.repo, ARGO_HELM);
        assert.equal(r.namespace, "argo-rollouts");
        assert.equal(r.atomic, true);
        assert.equal(r.values.keepCRDs, true);
        const [ns] = ofType(rec.resources, "kubernetes:core/v1:Namespace");
        assert.equal((ns.inputs as any).metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(await resolve(rec.result.namespace), "argo-rollouts");
    });

    it("runs the controller restricted, bounded, budgeted, without the dashboard, with Istio RBAC only", () => {
        const v = argoRolloutsValues(validateArgoRolloutsArgs({ version: "2.40.2" })) as any;
        assert.deepEqual(v.containerSecurityContext.capabilities.drop, ["ALL"]);
        assert.equal(v.containerSecurityContext.readOnlyRootFilesystem, true);
        assert.equal(v.containerSecurityContext.allowPrivilegeEscalation, false);
        assert.equal(v.podSecurityContext.runAsNonRoot, true);
        assert.equal(v.controller.replicas, 2);
        assert.ok(v.controller.resources.limits.memory);
        assert.equal(v.controller.pdb.enabled, true);
        assert.equal(v.dashboard.enabled, false);
        const on = Object.entries(v.providerRBAC.providers).filter(([, enabled]) => enabled).map(([p]) => p);
        assert.deepEqual(on, ["istio"]);
        assert.equal((argoRolloutsValues(validateArgoRolloutsArgs({ version: "2.40.2", replicas: 1 })) as any).controller.pdb.enabled, false, "no budget that blocks every drain of one pod");
    });

    it("refuses a version range, a bad namespace and a replica count out of range", () => {
        assert.throws(() => validateArgoRolloutsArgs({ version: "^2.40" }), /version "\^2.40" is not an exact chart version/);
        assert.throws(() => validateArgoRolloutsArgs({ version: "2.40.2", namespace: "Argo" }), /namespace "Argo" is not a namespace name/);
        assert.throws(() => validateArgoRolloutsArgs({ version: "2.40.2", replicas: 0 }), /replicas 0 is out of range/);
    });
});
