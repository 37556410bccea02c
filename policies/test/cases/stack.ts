/**
 * Stack rule cases: one application as the apps layer deploys it (Deployment, Service, PDB,
 * HPA, a recommendation-only VPA, default-deny and allow NetworkPolicies, ServiceAccount, a controller-owned Pod), which
 * passes every rule, then stacks that each break one field. Plus Ingress and Gateway TLS.
 */
import { variant, type FixtureResource, type RuleCase, type StackCase } from "../support";
import { compliantDeployment, compliantPod } from "./workload";

const labels = { "app.kubernetes.io/name": "api" };
const meta = (name: string) => ({ name, namespace: "apps", labels });

const service = { apiVersion: "v1", kind: "Service", metadata: meta("api"), spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } };
const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta("api"), spec: { maxUnavailable: 1, selector: { matchLabels: labels } } };
const hpa = {
    apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: meta("api"),
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 3, maxReplicas: 6, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] },
};
const byName = (names: string[]) => ({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: names }] });
const deny = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };
const allow = {
    apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("api-allow-ingress"),
    spec: { podSelector: { matchLabels: labels }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: byName(["istio-ingress"]) }], ports: [{ protocol: "TCP", port: 8000 }] }] },
};
// Recommendation-only, as components/workload/scaling.ts creates it.
const vpa = {
    apiVersion: "autoscaling.k8s.io/v1", kind: "VerticalPodAutoscaler", metadata: meta("api"),
    spec: { targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, updatePolicy: { updateMode: "Off" }, resourcePolicy: { containerPolicies: [{ containerName: "app", controlledResources: ["cpu", "memory"] }] } },
};
const serviceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("api"), automountServiceAccountToken: false };
const ownedPod = variant(compliantPod, (p) => (p.metadata.ownerReferences = [{ apiVersion: "batch/v1", kind: "Job", name: "api-migrate", uid: "0d6f" }]));

const app = {
    deployment: { type: "kubernetes:apps/v1:Deployment", name: "api", props: compliantDeployment },
    service: { type: "kubernetes:core/v1:Service", name: "api-svc", props: service },
    pdb: { type: "kubernetes:policy/v1:PodDisruptionBudget", name: "api-pdb", props: pdb },
    hpa: { type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name: "api-hpa", props: hpa },
    vpa: { type: "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler", name: "api-vpa", props: vpa },
    deny: { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "api-deny", props: deny },
    allow: { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "api-allow", props: allow },
    serviceAccount: { type: "kubernetes:core/v1:ServiceAccount", name: "api-sa", props: serviceAccount },
    pod: { type: "kubernetes:core/v1:Pod", name: "api-pod", props: ownedPod },
} satisfies Record<string, FixtureResource>;
type Part = keyof typeof app;

const compliant: FixtureResource[] = Object.values(app);

/** The compliant stack with one resource's props edited (or the resource removed, when `edit` returns null). */
 
function stack(part: Part, edit: (copy: any) => unknown): FixtureResource[] {
    return compliant.flatMap((r) => {
        if (r !== app[part]) return [r];
        let removed = false;
        const props = variant(r.props, (copy) => { removed = edit(copy) === null; });
        return removed ? [] : [{ ...r, props }];
    });
}
const broken = (name: string, part: Part, edit: (copy: any) => unknown, alsoViolates?: string[]) => ({ name, resources: stack(part, edit), ...(alsoViolates ? { alsoViolates } : {}) });
const caseOf = (rule: string, variants: StackCase["broken"]): StackCase => ({ rule, compliant, broken: variants });

export const stackCases: StackCase[] = [
    caseOf("pdb-coverage", [
        broken("no PodDisruptionBudget", "pdb", () => null),
        broken("minAvailable equal to the replicas", "pdb", (p) => { delete p.spec.maxUnavailable; p.spec.minAvailable = 3; }),
        broken("minAvailable 90% of 3 replicas rounds up to 3", "pdb", (p) => { delete p.spec.maxUnavailable; p.spec.minAvailable = "90%"; }),
        broken("maxUnavailable 0", "pdb", (p) => (p.spec.maxUnavailable = 0)),
        broken("budget selects other pods", "pdb", (p) => (p.spec.selector.matchLabels = { "app.kubernetes.io/name": "web" }), ["selector-matches-pods"]),
    ]),
    caseOf("network-default-deny", [
        broken("no default-deny policy", "deny", () => null),
        broken("deny policy selects other pods", "deny", (p) => (p.spec.podSelector = { matchLabels: { "app.kubernetes.io/name": "web" } })),
        broken("deny policy covers egress only", "deny", (p) => (p.spec.policyTypes = ["Egress"])),
    ]),
    caseOf("service-ingress-scoped", [
        broken("rule without from", "allow", (p) => delete p.spec.ingress[0].from),
        broken("namespaceSelector {} names every namespace", "allow", (p) => (p.spec.ingress[0].from[1] = { namespaceSelector: {} })),
        broken("ipBlock 0.0.0.0/0", "allow", (p) => p.spec.ingress[0].from.push({ ipBlock: { cidr: "0.0.0.0/0" } })),
    ]),
    caseOf("hpa-target", [
        broken("target name typo", "hpa", (h) => (h.spec.scaleTargetRef.name = "apii")),
        broken("target kind wrong", "hpa", (h) => (h.spec.scaleTargetRef.kind = "StatefulSet")),
        broken("target container requests no CPU", "deployment", (d) => delete d.spec.template.spec.containers[0].resources.requests.cpu, ["cpu-requests"]),
    ]),
    caseOf("vpa-hpa-cpu", [
        broken("VPA in Auto mode on the CPU-scaled Deployment", "vpa", (v) => (v.spec.updatePolicy.updateMode = "Auto")),
        broken("VPA with no updatePolicy (the VPA defaults to Auto)", "vpa", (v) => delete v.spec.updatePolicy),
        broken("VPA in Recreate mode with no containerPolicies (cpu and memory)", "vpa", (v) => { v.spec.updatePolicy.updateMode = "Recreate"; delete v.spec.resourcePolicy; }),
    ]),
    caseOf("naked-pod", [broken("Pod without ownerReferences", "pod", (p) => delete p.metadata.ownerReferences)]),
    caseOf("service-account-automount", [
        broken("automountServiceAccountToken unset", "serviceAccount", (s) => delete s.automountServiceAccountToken),
        broken("automountServiceAccountToken true, nothing bound", "serviceAccount", (s) => (s.automountServiceAccountToken = true)),
    ]),
    caseOf("policy-exemptions", [{
        name: "an exemption covers the app's objects",
        resources: compliant,
        config: { exemptions: [{ namespace: "apps", rules: ["naked-pod"], reason: "migration Jobs own their Pods" }] },
    }]),
    caseOf("selector-matches-pods", [
        broken("Service selector typo", "service", (s) => (s.spec.selector = { "app.kubernetes.io/name": "apii" })),
    ]),
];

const ingress = {
    apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta("api"),
    spec: {
        tls: [{ hosts: ["*.example.com"], secretName: "example-tls" }],
        rules: [{ host: "api.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } }] } }],
    },
};
const gateway = {
    apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "public", namespace: "istio-ingress" },
    spec: {
        selector: { istio: "ingressgateway" },
        servers: [
            { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["apps/*"], tls: { httpsRedirect: true } },
            { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["apps/*"], tls: { mode: "SIMPLE", credentialName: "public-tls" } },
        ],
    },
};

export const cases: RuleCase[] = [
    {
        rule: "ingress-tls",
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        compliant: ingress,
        broken: [
            { name: "host not under spec.tls", props: variant(ingress, (i) => (i.spec.rules[0].host = "api.example.org")) },
            { name: "wildcard covers one label only", props: variant(ingress, (i) => (i.spec.rules[0].host = "a.api.example.com")) },
            { name: "no spec.tls", props: variant(ingress, (i) => delete i.spec.tls) },
        ],
    },
    {
        rule: "ingress-tls",
        type: "kubernetes:networking.istio.io/v1:Gateway",
        compliant: gateway,
        broken: [{ name: "HTTP server without httpsRedirect", props: variant(gateway, (g) => delete g.spec.servers[0].tls) }],
    },
];
