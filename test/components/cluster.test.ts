import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { RecordedResource } from "../../automation/engine";
import { fabricateResource } from "../../automation/offline/fabricate";
import { ofType, recordProgram, resolve } from "../../automation/offline/mock-runtime";
import { CLUSTER_LOG_TYPES, EksCluster, EksClusterArgs, validateEksClusterArgs } from "../../components/cluster/eks";
import { ExistingCluster, validateExistingClusterArgs } from "../../components/cluster/existing";
import { defaultKubeconfigPath, kubeconfigContexts, renderEksKubeconfig } from "../../components/cluster/kubeconfig";
import { subnetCidrs } from "../../components/cluster/network";

const baseArgs: EksClusterArgs = {
    version: "1.31",
    network: { cidr: "10.20.0.0/16", azCount: 3 },
    endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    nodes: { instanceTypes: ["t3.large"], minSize: 2, maxSize: 4, desiredSize: 3, diskSizeGiB: 60 },
    tags: { env: "test" },
};

function one(resources: RecordedResource[], type: string, nameSuffix = ""): RecordedResource {
    const found = ofType(resources, type).filter((r) => r.name.endsWith(nameSuffix));
    assert.strictEqual(found.length, 1, `expected one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, got ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
}

function withArgs(change: (a: any) => void): EksClusterArgs {
    const copy = JSON.parse(JSON.stringify(baseArgs));
    change(copy);
    return copy;
}

describe("EksCluster", () => {
    let res: RecordedResource[];
    let outputs: { kubeconfig: string; kubeconfigSecret: boolean; clusterName: string; endpoint: string; oidcProviderArn: string; oidcIssuerUrl: string; nodeRoleArn: string };

    before(async () => {
        const rec = await recordProgram(async () => {
            const c = new EksCluster("prod", baseArgs);
            return {
                kubeconfig: await resolve(c.kubeconfig),
                kubeconfigSecret: await pulumi.isSecret(c.kubeconfig),
                clusterName: await resolve(c.clusterName),
                endpoint: await resolve(c.endpoint),
                oidcProviderArn: await resolve(c.oidcProviderArn),
                oidcIssuerUrl: await resolve(c.oidcIssuerUrl),
                nodeRoleArn: await resolve(c.nodeRoleArn),
            };
        });
        res = rec.resources;
        outputs = rec.result;
    });

    const cluster = () => one(res, "aws:eks/cluster:Cluster").inputs as any;
    const launchTemplate = () => one(res, "aws:ec2/launchTemplate:LaunchTemplate").inputs as any;

    it("registers as platform:cluster:EksCluster with every child named after it and parented to it", () => {
        const comp = one(res, "platform:cluster:EksCluster");
        const children = res.filter((r) => r !== comp);
        assert.ok(children.length > 20);
        for (const c of children) {
            assert.strictEqual(c.parent, comp.urn, `${c.type} ${c.name} is not a child of the component`);
            assert.ok(c.name.startsWith("prod-"), `${c.name} is not named prod-<role>`);
        }
    });

    it("gives the cluster role only AmazonEKSClusterPolicy and the node role exactly the three node policies", () => {
        const roles = ofType(res, "aws:iam/role:Role");
        const policiesOf = (roleName: string) => {
            const role = roles.find((r) => r.name === roleName)!;
            return ofType(res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.dependencies.includes(role.urn))
                .map((a) => String((a.inputs as any).policyArn)).sort();
        };
        assert.deepStrictEqual(policiesOf("prod-cluster-role"), ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
        assert.deepStrictEqual(policiesOf("prod-node-role"), [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
        const nodeTrust = JSON.parse(String((roles.find((r) => r.name === "prod-node-role")!.inputs as any).assumeRolePolicy));
        assert.deepStrictEqual(nodeTrust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    });

    it("creates the secrets KMS key with rotation enabled, and an alias for it", () => {
        const key = one(res, "aws:kms/key:Key");
        assert.strictEqual((key.inputs as any).enableKeyRotation, true);
        const alias = one(res, "aws:kms/alias:Alias");
        assert.ok(alias.dependencies.includes(key.urn), "alias does not target the key");
        assert.match(String((alias.inputs as any).namePrefix), /^alias\//);
    });

    it("encrypts Kubernetes secrets with that KMS key", () => {
        const key = one(res, "aws:kms/key:Key");
        const keyArn = fabricateResource(key.type, key.name, key.inputs).state.arn;
        assert.deepStrictEqual(cluster().encryptionConfig, { resources: ["secrets"], provider: { keyArn } });
    });

    it("enables all five control-plane log types", () => {
        assert.deepStrictEqual([...cluster().enabledClusterLogTypes].sort(), ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        assert.strictEqual(CLUSTER_LOG_TYPES.length, 5);
    });

    it("keeps the private endpoint on and limits the public endpoint to the listed CIDRs", () => {
        const vpc = cluster().vpcConfig;
        assert.strictEqual(vpc.endpointPrivateAccess, true);
        assert.strictEqual(vpc.endpointPublicAccess, true);
        assert.deepStrictEqual(vpc.publicAccessCidrs, ["203.0.113.0/24"]);
    });

    it("uses access entries only (authenticationMode API)", () => {
        assert.strictEqual(cluster().accessConfig.authenticationMode, "API");
    });

    it("requires IMDSv2 with hop limit 1 on the node launch template", () => {
        const md = launchTemplate().metadataOptions;
        assert.strictEqual(md.httpTokens, "required");
        assert.strictEqual(md.httpPutResponseHopLimit, 1);
        assert.strictEqual(md.httpEndpoint, "enabled");
    });

    it("gives nodes an encrypted gp3 root volume of the requested size", () => {
        const bdm = launchTemplate().blockDeviceMappings;
        assert.strictEqual(bdm.length, 1);
        assert.strictEqual(bdm[0].ebs.encrypted, "true");
        assert.strictEqual(bdm[0].ebs.volumeType, "gp3");
        assert.strictEqual(bdm[0].ebs.volumeSize, 60);
    });

    it("runs the managed node group on the private subnets only, with the launch template", () => {
        const ng = one(res, "aws:eks/nodeGroup:NodeGroup");
        const ids = (suffix: string) => ofType(res, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes(suffix)).map((s) => fabricateResource(s.type, s.name, s.inputs).id).sort();
        const inputs = ng.inputs as any;
        assert.deepStrictEqual([...inputs.subnetIds].sort(), ids("-private-"));
        assert.strictEqual(ids("-private-").length, 3);
        assert.ok(!inputs.subnetIds.some((id: string) => ids("-public-").includes(id)), "node group uses a public subnet");
        const lt = one(res, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepStrictEqual(inputs.launchTemplate, { id: fabricateResource(lt.type, lt.name, lt.inputs).id, version: "1" });
        assert.strictEqual(inputs.diskSize, undefined, "diskSize conflicts with a launch template");
        assert.deepStrictEqual(inputs.scalingConfig, { minSize: 2, maxSize: 4, desiredSize: 3 });
        assert.strictEqual(inputs.capacityType, "ON_DEMAND");
    });

    it("creates the IRSA OIDC provider for sts.amazonaws.com from the cluster's issuer", () => {
        const oidc = one(res, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs as any;
        assert.deepStrictEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
        assert.match(oidc.url, /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[A-F0-9]+$/);
        assert.strictEqual(outputs.oidcIssuerUrl, oidc.url);
        assert.match(outputs.oidcProviderArn, /^arn:aws:iam::\d{12}:oidc-provider\/oidc\.eks\./);
        assert.match(outputs.nodeRoleArn, /^arn:aws:iam::\d{12}:role\//);
    });

    it("returns a secret kubeconfig that authenticates with `aws eks get-token`", () => {
        assert.strictEqual(outputs.kubeconfigSecret, true);
        const kc = YAML.parse(outputs.kubeconfig);
        assert.strictEqual(kc.clusters[0].cluster.server, outputs.endpoint);
        const exec = kc.users[0].user.exec;
        assert.strictEqual(exec.command, "aws");
        assert.deepStrictEqual(exec.args.slice(0, 4), ["eks", "get-token", "--cluster-name", outputs.clusterName]);
        assert.ok(exec.args.includes("eu-west-1"));
    });

    it("builds a child Kubernetes provider from the kubeconfig, which stays masked", () => {
        const comp = one(res, "platform:cluster:EksCluster");
        const provider = one(res, "pulumi:providers:kubernetes");
        assert.strictEqual(provider.parent, comp.urn);
        assert.strictEqual((provider.inputs as any).kubeconfig, "[secret]");
    });

    it("creates a VPC with tagged public and private subnets, an IGW and one NAT gateway per AZ", () => {
        assert.strictEqual((one(res, "aws:ec2/vpc:Vpc").inputs as any).cidrBlock, "10.20.0.0/16");
        one(res, "aws:ec2/internetGateway:InternetGateway");
        const subnets = ofType(res, "aws:ec2/subnet:Subnet");
        const pub = subnets.filter((s) => s.name.includes("-public-"));
        const priv = subnets.filter((s) => s.name.includes("-private-"));
        assert.strictEqual(pub.length, 3);
        assert.strictEqual(priv.length, 3);
        for (const s of pub) assert.strictEqual((s.inputs as any).tags["kubernetes.io/role/elb"], "1");
        for (const s of priv) assert.strictEqual((s.inputs as any).tags["kubernetes.io/role/internal-elb"], "1");
        assert.deepStrictEqual(new Set(priv.map((s) => (s.inputs as any).availabilityZone)), new Set(["eu-west-1a", "eu-west-1b", "eu-west-1c"]));
        const nats = ofType(res, "aws:ec2/natGateway:NatGateway");
        assert.strictEqual(nats.length, 3);
        assert.strictEqual(new Set(nats.map((n) => (n.inputs as any).subnetId)).size, 3, "NAT gateways must sit in distinct public subnets");
        const privateRoutes = ofType(res, "aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("-private-"));
        assert.strictEqual(new Set(privateRoutes.map((r) => (r.inputs as any).routes[0].natGatewayId)).size, 3);
        const publicRoute = one(res, "aws:ec2/routeTable:RouteTable", "-public-rt").inputs as any;
        assert.match(publicRoute.routes[0].gatewayId, /^igw-/);
        assert.strictEqual(ofType(res, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 6);
    });

    it("uses a single NAT gateway when asked, and keeps the endpoint private by default", async () => {
        const { resources } = await recordProgram(() => {
            new EksCluster("dev", withArgs((a) => { a.network.natGateways = "single"; delete a.endpoint; }));
        });
        assert.strictEqual(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 1);
        const vpc = (one(resources, "aws:eks/cluster:Cluster").inputs as any).vpcConfig;
        assert.strictEqual(vpc.endpointPublicAccess, false);
        assert.strictEqual(vpc.endpointPrivateAccess, true);
        assert.strictEqual(vpc.publicAccessCidrs, undefined);
    });

    it("uses an existing VPC's private subnets without creating a network", async () => {
        const { resources } = await recordProgram(() => {
            new EksCluster("byo", withArgs((a) => { a.network = { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"], publicSubnetIds: ["subnet-p"] }; }));
        });
        assert.strictEqual(ofType(resources, "aws:ec2/vpc:Vpc").length, 0);
        assert.strictEqual(ofType(resources, "aws:ec2/subnet:Subnet").length, 0);
        assert.deepStrictEqual((one(resources, "aws:eks/nodeGroup:NodeGroup").inputs as any).subnetIds, ["subnet-a", "subnet-b"]);
        assert.deepStrictEqual((one(resources, "aws:eks/cluster:Cluster").inputs as any).vpcConfig.subnetIds, ["subnet-a", "subnet-b"]);
    });

    it("rejects bad args before registering anything", () => {
        assert.throws(() => new EksCluster("bad", withArgs((a) => { a.network.azCount = 1; })), /azCount is 1/);
    });
});

describe("validateEksClusterArgs", () => {
    const rejects = (change: (a: any) => void, message: RegExp) =>
        assert.throws(() => validateEksClusterArgs(withArgs(change)), (err: Error) => pulumi.InputPropertyError.isInstance(err) && message.test(err.message));

    it("accepts the base args", () => validateEksClusterArgs(baseArgs));
    it("rejects a public endpoint open to 0.0.0.0/0", () => rejects((a) => { a.endpoint.publicAccessCidrs = ["10.0.0.0/8", "0.0.0.0/0"]; }, /publicAccessCidrs\[1\] is 0\.0\.0\.0\/0.*specific CIDRs/));
    it("rejects a public endpoint with no CIDRs", () => rejects((a) => { a.endpoint.publicAccessCidrs = []; }, /publicAccessCidrs is empty while publicAccess is true/));
    it("rejects a malformed CIDR", () => rejects((a) => { a.endpoint.publicAccessCidrs = ["203.0.113.0"]; }, /publicAccessCidrs\[0\] is invalid/));
    it("rejects a single availability zone", () => rejects((a) => { a.network.azCount = 1; }, /network\.azCount is 1; use at least 2/));
    it("rejects minSize above maxSize", () => rejects((a) => { a.nodes.minSize = 5; }, /nodes\.minSize is 5, above maxSize 4/));
    it("rejects desiredSize outside min..max", () => rejects((a) => { a.nodes.desiredSize = 9; }, /nodes\.desiredSize is 9, outside minSize\.\.maxSize \(2\.\.4\)/));
    it("rejects an empty instance type list", () => rejects((a) => { a.nodes.instanceTypes = []; }, /nodes\.instanceTypes is empty/));
    it("rejects a tiny disk", () => rejects((a) => { a.nodes.diskSizeGiB = 8; }, /nodes\.diskSizeGiB is 8/));
    it("rejects a bad version", () => rejects((a) => { a.version = "latest"; }, /version is "latest"/));
    it("rejects a VPC CIDR too small for the zones", () => rejects((a) => { a.network.cidr = "10.0.0.0/27"; }, /network\.cidr is invalid.*too small/));
    it("rejects an existing VPC with one private subnet", () => rejects((a) => { a.network = { vpcId: "vpc-1", privateSubnetIds: ["subnet-a"], publicSubnetIds: [] }; }, /privateSubnetIds has 1 subnet/));
});

describe("subnetCidrs", () => {
    it("splits the VPC into private then public blocks, one per zone", () => {
        assert.deepStrictEqual(subnetCidrs("10.20.0.0/16", 3), {
            private: ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
            public: ["10.20.96.0/19", "10.20.128.0/19", "10.20.160.0/19"],
        });
        assert.deepStrictEqual(subnetCidrs("10.1.0.0/16", 2).public, ["10.1.128.0/18", "10.1.192.0/18"]);
    });
});

describe("kubeconfig helpers", () => {
    it("renders an exec-auth kubeconfig with no embedded credential", () => {
        const text = renderEksKubeconfig({ clusterName: "c1", endpoint: "https://x.eks", certificateAuthorityData: "Q0E=", region: "eu-west-1", profile: "ops" });
        const kc = YAML.parse(text);
        assert.strictEqual(kc["current-context"], "c1");
        assert.strictEqual(kc.clusters[0].cluster["certificate-authority-data"], "Q0E=");
        assert.deepStrictEqual(kc.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1", "--output", "json"]);
        assert.deepStrictEqual(kc.users[0].user.exec.env, [{ name: "AWS_PROFILE", value: "ops" }]);
        assert.ok(!/token:|client-key|password/.test(text));
    });
    it("picks the first $KUBECONFIG entry, else ~/.kube/config", () => {
        assert.strictEqual(defaultKubeconfigPath({ KUBECONFIG: `/a/one${path.delimiter}/b/two` }, "/home/u"), "/a/one");
        assert.strictEqual(defaultKubeconfigPath({}, "/home/u"), path.join("/home/u", ".kube", "config"));
    });
    it("lists contexts and rejects a file that is not a kubeconfig", () => {
        assert.deepStrictEqual(kubeconfigContexts("contexts:\n- name: a\n- name: b\n", "f"), ["a", "b"]);
        assert.throws(() => kubeconfigContexts("just: text\n", "/tmp/kc"), /\/tmp\/kc has no contexts list/);
    });
});

describe("ExistingCluster", () => {
    let dir: string;
    let file: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
        file = path.join(dir, "config");
        fs.writeFileSync(file, YAML.stringify({
            apiVersion: "v1", kind: "Config", "current-context": "kind-platform",
            clusters: [{ name: "kind-platform", cluster: { server: "https://127.0.0.1:6443" } }],
            contexts: [{ name: "kind-platform", context: { cluster: "kind-platform", user: "kind-platform" } }],
            users: [{ name: "kind-platform", user: { "client-key-data": "c2VjcmV0" } }],
        }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("builds a child provider pinned to the context, with the kubeconfig as a secret", async () => {
        const { resources, result } = await recordProgram(async () => {
            const c = new ExistingCluster("local", { context: "kind-platform", kubeconfigPath: file });
            return { name: await resolve(c.clusterName), secret: await pulumi.isSecret(c.kubeconfig), text: await resolve(c.kubeconfig) };
        });
        const comp = one(resources, "platform:cluster:ExistingCluster");
        const provider = one(resources, "pulumi:providers:kubernetes");
        assert.strictEqual(provider.name, "local-k8s");
        assert.strictEqual(provider.parent, comp.urn);
        assert.strictEqual((provider.inputs as any).context, "kind-platform");
        assert.strictEqual((provider.inputs as any).kubeconfig, "[secret]");
        assert.strictEqual(result.name, "kind-platform");
        assert.strictEqual(result.secret, true);
        assert.strictEqual(result.text, fs.readFileSync(file, "utf8"));
        assert.strictEqual(resources.filter((r) => r.type.startsWith("aws:")).length, 0);
    });

    it("names the missing file and how to create a cluster", () => {
        const missing = path.join(dir, "nope");
        assert.throws(() => new ExistingCluster("local", { context: "kind-platform", kubeconfigPath: missing }),
            (err: Error) => err.message.includes(missing) && err.message.includes("kind create cluster --name platform"));
    });

    it("names the missing context and the contexts the file has", () => {
        assert.throws(() => new ExistingCluster("local", { context: "k3d-other", kubeconfigPath: file }),
            (err: Error) => err.message.includes(`no context "k3d-other"`) && err.message.includes("has: kind-platform") && err.message.includes("kind create cluster"));
    });

    it("reads $KUBECONFIG when no path is given", async () => {
        const saved = process.env.KUBECONFIG;
        process.env.KUBECONFIG = `${file}${path.delimiter}/elsewhere`;
        try {
            const { result } = await recordProgram(async () => resolve(new ExistingCluster("local", { context: "kind-platform" }).kubeconfig));
            assert.match(result, /kind-platform/);
        } finally {
            if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
        }
    });

    it("validates its args without a runtime", () => {
        assert.throws(() => validateExistingClusterArgs({ context: "" }), /name a kubeconfig context/);
        assert.throws(() => validateExistingClusterArgs({ context: "x", kubeconfigPath: " " }), /kubeconfigPath is empty/);
    });
});
