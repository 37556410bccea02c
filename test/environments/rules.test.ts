/**
 * Every rule the components check on a value that comes from an environment file is also in
 * the environment schema, so `infra up` stops before any layer runs. One case per rule: the
 * edit breaks one field, and the one-line error names the file, the field and the fix.
 */
import * as assert from "assert";
import { accepted, errorFor, replace } from "./helpers";

const APP_RES = "requests: { cpu: 250m, memory: 256Mi }\n        limits: { cpu: 500m, memory: 512Mi }";
const res = (requests: string, limits: string) => (t: string) => replace(t, APP_RES, `requests: { ${requests} }\n        limits: { ${limits} }`);
const DIGEST = "a".repeat(64);

describe("environment schema: resources", () => {
    it("refuses a CPU limit below its request, comparing quantities (500m < 1)", () => {
        assert.match(errorFor(res("cpu: \"1\", memory: 256Mi", "cpu: 500m, memory: 512Mi")),
            /^environments\/dev\.yaml: apps\.workloads\.0\.resources\.limits\.cpu \("500m"\) is below the request "1"; raise the limit to at least "1" or lower the request$/);
        // Compared as quantities, not as text or floats: "1" is above "500m", and 0.009 equals 9m.
        assert.strictEqual(accepted(res("cpu: 500m, memory: 256Mi", "cpu: \"1\", memory: 512Mi")).apps.workloads[0].resources.limits.cpu, "1");
        accepted(res("cpu: 9m, memory: 256Mi", "cpu: \"0.009\", memory: 512Mi"));
    });

    it("refuses a memory limit below its request (256Mi < 1Gi), for workloads and Prometheus", () => {
        assert.match(errorFor(res("cpu: 250m, memory: 1Gi", "cpu: 500m, memory: 256Mi")),
            /apps\.workloads\.0\.resources\.limits\.memory \("256Mi"\) is below the request "1Gi"; raise the limit/);
        assert.match(errorFor((t) => replace(t, 'limits: { cpu: "1", memory: 2Gi }', 'limits: { cpu: "1", memory: 512Mi }')),
            /monitoring\.prometheus\.resources\.limits\.memory \("512Mi"\) is below the request "1Gi"; raise the limit/);
        accepted(res("cpu: 250m, memory: 1Gi", "cpu: 500m, memory: 1024Mi"));
    });

    it("refuses a zero or malformed quantity", () => {
        assert.match(errorFor(res("cpu: \"0\", memory: 256Mi", "cpu: 500m, memory: 512Mi")),
            /apps\.workloads\.0\.resources\.requests\.cpu \("0"\) must be a positive Kubernetes quantity such as "250m"/);
        assert.match(errorFor(res("cpu: 250m, memory: 256MB", "cpu: 500m, memory: 512Mi")),
            /resources\.requests\.memory \("256MB"\) must be a Kubernetes quantity such as "250m" or "256Mi"/);
    });
});

describe("environment schema: CIDRs", () => {
    it("refuses a prefix length above 32", () => {
        assert.match(errorFor((t) => replace(t, "cidr: 10.20.0.0/16", "cidr: 10.0.0.0/99")),
            /^environments\/dev\.yaml: cluster\.network\.cidr \("10\.0\.0\.0\/99"\) has prefix length 99, above 32; write an IPv4 CIDR like 10\.20\.0\.0\/16$/);
    });

    it("refuses an octet above 255, in the VPC and in the API allow-list", () => {
        assert.match(errorFor((t) => replace(t, "cidr: 10.20.0.0/16", "cidr: 10.300.0.0/16")), /cluster\.network\.cidr \("10\.300\.0\.0\/16"\) has octet 300, above 255; write an IPv4 CIDR like 10\.20\.0\.0\/16/);
        assert.match(errorFor((t) => replace(t, "[203.0.113.0/24]", "[203.0.113.0/24, 198.51.256.0/24]")), /cluster\.endpoint\.publicAccessCidrs\.1 \("198\.51\.256\.0\/24"\) has octet 256, above 255/);
    });

    it("refuses an IPv6 CIDR where only IPv4 is taken, and text that is no CIDR", () => {
        assert.match(errorFor((t) => replace(t, "[203.0.113.0/24]", "[\"2001:db8::/32\"]")), /publicAccessCidrs\.0 \("2001:db8::\/32"\) is IPv6; EKS takes IPv4 CIDRs here, like 10\.20\.0\.0\/16/);
        assert.match(errorFor((t) => replace(t, "cidr: 10.20.0.0/16", "cidr: office")), /cluster\.network\.cidr \("office"\) is not an IPv4 CIDR; write it like 10\.20\.0\.0\/16/);
    });

    it("refuses a VPC too small for its availability zones", () => {
        assert.match(errorFor((t) => replace(t, "cidr: 10.20.0.0/16", "cidr: 10.20.0.0/27")),
            /cluster\.network\.cidr \("10\.20\.0\.0\/27"\) is too small for 2 zones \(subnets would be \/29, AWS allows at most \/28\); use a larger CIDR such as \/16/);
    });
});

describe("environment schema: replicas and ranges", () => {
    it("refuses autoscaling minReplicas above maxReplicas", () => {
        assert.match(errorFor((t) => replace(t, "minReplicas: 3, maxReplicas: 6", "minReplicas: 8, maxReplicas: 6")),
            /apps\.workloads\.0\.autoscaling\.minReplicas \(8\) is 8, above maxReplicas 6; lower it or raise maxReplicas/);
    });

    it("refuses autoscaling minReplicas below policy.minReplicas (the workload's replica floor)", () => {
        assert.match(errorFor((t) => replace(t, "minReplicas: 3, maxReplicas: 6", "minReplicas: 2, maxReplicas: 6")),
            /apps\.workloads\.0\.autoscaling\.minReplicas \(2\) is 2, below policy\.minReplicas 3; raise it/);
    });

    it("refuses replica counts above what the components allow", () => {
        assert.match(errorFor((t) => replace(t, "minReplicas: 3, maxReplicas: 6", "minReplicas: 3, maxReplicas: 1001")), /autoscaling\.maxReplicas \(1001\) must be at most 1000/);
        assert.match(errorFor((t) => replace(t, "      replicas: 3\n", "      replicas: 1001\n")), /apps\.workloads\.0\.replicas \(1001\) must be at most 1000/);
        assert.match(errorFor((t) => replace(t, "  gateway:\n    replicas: 2", "  gateway:\n    replicas: 34")), /mesh\.gateway\.replicas \(34\) must be at most 33: the gateway autoscaler's ceiling is 3 x replicas, at most 100/);
        assert.match(errorFor((t) => replace(t, "    retention: 7d\n", "    retention: 7d\n    replicas: 11\n")), /monitoring\.prometheus\.replicas \(11\) must be at most 10/);
        assert.match(errorFor((t) => replace(t, "mesh:\n", "  alertmanager:\n    replicas: 11\nmesh:\n")), /monitoring\.alertmanager\.replicas \(11\) must be at most 10/);
        assert.match(errorFor((t) => replace(t, "mesh:\n", "  grafana:\n    replicas: 11\nmesh:\n")), /monitoring\.grafana\.replicas \(11\) must be at most 10/);
    });

    it("refuses storage and retention above the monitoring stack's limits", () => {
        assert.match(errorFor((t) => replace(t, "storageGiB: 20", "storageGiB: 16385")), /monitoring\.prometheus\.storageGiB \(16385\) must be at most 16384/);
        assert.match(errorFor((t) => replace(t, "retentionDays: 7", "retentionDays: 3651")), /monitoring\.logs\.retentionDays \(3651\) must be at most 3650/);
    });

    it("refuses node group sizes out of order", () => {
        assert.match(errorFor((t) => replace(t, "desiredSize: 3", "desiredSize: 9")), /cluster\.nodes.*needs minSize <= desiredSize <= maxSize \(got 2 <= 9 <= 4\)/);
    });
});

describe("environment schema: ports, names and variables", () => {
    it("refuses a privileged port and the Istio sidecar's ports", () => {
        assert.match(errorFor((t) => replace(t, "port: 8000", "port: 80")), /apps\.workloads\.0\.port \(80\) must be at least 1024: a non-root container with all capabilities dropped cannot bind lower ports/);
        assert.match(errorFor((t) => replace(t, "port: 8000", "port: 15020")), /apps\.workloads\.0\.port \(15020\) is reserved by the Istio sidecar \(15000-15090\); use another port such as 8000/);
    });

    it("refuses environment variables the workload would refuse", () => {
        const withEnv = (line: string) => (t: string) => replace(t, "      hosts: [app.dev.example.com]", `      hosts: [app.dev.example.com]\n      env: { ${line} }`);
        assert.match(errorFor(withEnv("DB_PASSWORD: hunter2")), /apps\.workloads\.0\.env\.DB_PASSWORD looks like a secret; mount it from a Kubernetes Secret fed by the secret store instead/);
        assert.doesNotMatch(errorFor(withEnv("DB_PASSWORD: hunter2")), /hunter2/, "a secret-looking value is never echoed");
        assert.match(errorFor(withEnv("PORT: \"9000\"")), /apps\.workloads\.0\.env\.PORT is set from port; set port instead/);
        assert.match(errorFor(withEnv("\"1-BAD\": x")), /apps\.workloads\.0\.env\.1-BAD is not a valid variable name; use letters, digits and "_"/);
        assert.strictEqual(accepted(withEnv("LOG_LEVEL: info")).apps.workloads[0].env.LOG_LEVEL, "info");
    });

    it("refuses names that are not DNS labels and system namespaces for the apps", () => {
        assert.match(errorFor((t) => replace(t, "namespace: apps", "namespace: apps-")), /apps\.namespace \("apps-"\) must be lower-case letters, digits and dashes, starting with a letter and not ending with a dash/);
        assert.match(errorFor((t) => replace(t, "namespace: apps", "namespace: istio-system")), /apps\.namespace \("istio-system"\) is a system namespace; give the apps their own, e.g. apps/);
        assert.match(errorFor((t) => replace(t, "namespace: apps", "namespace: kube-system")), /apps\.namespace \("kube-system"\) is a system namespace/);
    });

    it("refuses two workloads or two images with the same name", () => {
        assert.match(errorFor((t) => replace(t, "  - name: app\n    context: app\n", "  - name: app\n    context: app\n  - name: app\n    context: app\n")), /images\.1\.name \("app"\) is used by images\.0 too; give each image its own name/);
        const second = "    - name: app\n      image: app\n      replicas: 3\n      resources:\n        " + APP_RES + "\n      autoscaling: { minReplicas: 3, maxReplicas: 6 }\n";
        assert.match(errorFor((t) => replace(t, "policy:\n", "").replace(/\n$/, "\n") .replace("  requireDigest: true", second + "policy:\n  requireDigest: true")), /apps\.workloads\.1\.name \("app"\) is used by apps\.workloads\.0 too; give each workload its own name/);
    });
});

describe("environment schema: clusters, registries, images and pins", () => {
    it("refuses a blank kubeconfig context or path for an existing cluster", () => {
        assert.match(errorFor((t) => replace(t, "context: kind-platform", 'context: "  "'), "local"), /^environments\/local\.yaml: cluster\.context \(" {2}"\) is blank; name a kubeconfig context such as kind-platform/);
        assert.match(errorFor((t) => replace(t, "context: kind-platform", 'context: kind-platform\n  kubeconfigPath: ""'), "local"), /cluster\.kubeconfigPath \(""\) is blank; omit it to use \$KUBECONFIG or ~\/\.kube\/config/);
    });

    it("refuses a local registry server that is not host:port", () => {
        assert.match(errorFor((t) => replace(t, "server: localhost:5001", "server: http://localhost:5001"), "local"), /registry\.server \("http:\/\/localhost:5001"\) is not host:port; use e\.g\. localhost:5001/);
    });

    it("refuses a local registry whose image references the workloads would refuse under requireDigest", () => {
        const strict = (server: string) => (t: string) => replace(replace(t, "server: localhost:5001", `server: ${server}`), "requireDigest: false", "requireDigest: true");
        assert.match(errorFor(strict("Registry.Local:5001"), "local"), /registry\.server \("Registry\.Local:5001"\) makes "Registry\.Local:5001\/app@sha256:\.\.\." for images\.0, which is no digest reference the workloads accept under policy\.requireDigest; write the server in lower case/);
        accepted(strict("registry.local:5001"), "local");
    });

    it("refuses a Dockerfile outside its build context", () => {
        assert.match(errorFor((t) => replace(t, "    context: app\n", "    context: app\n    dockerfile: ../Dockerfile\n")), /images\.0\.dockerfile \("\.\.\/Dockerfile"\) is outside the context "app"; move it into the context/);
    });

    it("refuses a build context or Dockerfile that is not there, unless the image is pinned (never built)", () => {
        assert.match(errorFor((t) => replace(t, "    context: app\n", "    context: ap\n")), /^environments\/dev\.yaml: images\.0\.context \("ap"\) is not a folder of the project; point it at the folder that holds the Dockerfile/);
        assert.match(errorFor((t) => replace(t, "    context: app\n", "    context: app\n    dockerfile: Dockerfile.prod\n")), /images\.0\.dockerfile \("Dockerfile\.prod"\) is not in app; add it there or set dockerfile to its path inside the context/);
        accepted((t) => `${replace(t, "    context: app\n", "    context: ap\n")}release:\n  images:\n    app: registry.example/app@sha256:${DIGEST}\n`);
    });

    it("refuses a release pin the workload would not accept as digest-pinned", () => {
        const pin = (ref: string) => (t: string) => `${t}release:\n  images:\n    app: ${ref}\n`;
        assert.match(errorFor(pin(`Registry.example/App@sha256:${DIGEST}`)), /release\.images\.app \("Registry\.example\/App@sha256:a+\) must be a digest-pinned image reference repo@sha256:<64 hex>/);
        assert.strictEqual(accepted(pin(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/dev/app@sha256:${DIGEST}`)).release!.images.app.endsWith(DIGEST), true);
    });
});

describe("environment schema: secrets are named, never held", () => {
    const SECRETS = "secrets:\n        DATABASE_URL: db#url";
    const withSecret = (value: string) => (t: string) => replace(t, SECRETS, `secrets:\n        DATABASE_URL: ${JSON.stringify(value)}`);

    it("accepts store references and resolves nothing else", () => {
        const w = accepted((t) => replace(t, SECRETS, "secrets:\n        DATABASE_URL: db#url\n        SIGNING_KEY: keys/signing")).apps.workloads[0];
        assert.deepStrictEqual(w.secrets, { DATABASE_URL: "db#url", REDIS_URL: "redis#url", SIGNING_KEY: "keys/signing" });
    });

    for (const [what, value, why] of [
        ["a long hex string", "5f4dcc3b5aa765d61d8327deb882cf99", "holds a long hex string"],
        ["a URL with a password", "postgres://app:hunter2hunter2@db:5432/app", "holds a URL with a password in it"],
        ["a random-looking run", "q8Zr2LmX0pWv7Ns4Tk9B", "holds a long random-looking string"],
        ["an AWS access key id", "AKIAIOSFODNN7EXAMPLE", "holds an AWS access key id"],
    ] as const) {
        it(`refuses ${what} under secrets, without printing it`, () => {
            const message = errorFor(withSecret(value));
            assert.match(message, new RegExp(`^environments/dev\\.yaml: apps\\.workloads\\.0\\.secrets\\.DATABASE_URL ${why}.*; store the value in AWS Secrets Manager under platform/<env>/app/<key> and name it here as <key>#<property>$`));
            assert.ok(!message.includes(value), "the value must not be printed");
        });
    }

    it("refuses a value that is no reference (path outside the app's folder, upper case, blank)", () => {
        for (const value of ["/platform/dev/other/db", "../other/db#url", "DB#url", ""]) {
            assert.match(errorFor(withSecret(value)), /apps\.workloads\.0\.secrets\.DATABASE_URL is not a secret reference; name the store key below the app's folder and its property, e.g. "db#url"$/, value);
        }
    });

    it("refuses secret material in plain env values too", () => {
        const message = errorFor((t) => replace(t, SECRETS, "env:\n        DATABASE_HOST: \"postgres://app:hunter2hunter2@db/app\"\n      " + SECRETS));
        assert.match(message, /apps\.workloads\.0\.env\.DATABASE_HOST holds a URL with a password in it; put it in the secret store and name it under secrets instead$/);
        assert.ok(!message.includes("hunter2"));
    });

    it("refuses a secret that is also a plain env variable, or named PORT", () => {
        assert.match(errorFor((t) => replace(t, SECRETS, "env:\n        DATABASE_URL: x\n      " + SECRETS)), /apps\.workloads\.0\.secrets\.DATABASE_URL is under env too; keep one of them$/);
        assert.match(errorFor((t) => replace(t, SECRETS, "secrets:\n        PORT: db#port")), /secrets\.PORT is set from port; give the secret another name$/);
    });

    it("refuses secrets where there is no store: local, or dev with secretStore off", () => {
        const local = errorFor((t) => replace(t, "      autoscaling: { minReplicas: 1", "      secrets: { DATABASE_URL: db#url }\n      autoscaling: { minReplicas: 1"), "local");
        assert.match(local, /^environments\/local\.yaml: apps\.workloads\.0\.secrets names secrets, but this environment has no secret store \(secretStore is off, or the cluster is not EKS\); remove them, or turn secretStore on in an EKS environment$/);
        assert.match(errorFor((t) => replace(t, "secretStore:\n  refreshInterval: 1h", "secretStore:\n  enabled: false")), /apps\.workloads\.0\.secrets names secrets, but this environment has no secret store/);
        assert.match(errorFor((t) => replace(t, "secretStore:\n  enabled: false", "secretStore:\n  enabled: true"), "local"),
            /^environments\/local\.yaml: secretStore\.enabled \(true\) is true, but the store's per-app IAM roles \(IRSA\) need an EKS cluster's OIDC provider and this cluster is existing; set it to false$/);
    });

    it("requires an exact External Secrets chart version", () => {
        assert.match(errorFor((t) => replace(t, "  externalSecrets: 0.20.2\n", "")), /charts\.externalSecrets/);
        assert.match(errorFor((t) => replace(t, "externalSecrets: 0.20.2", "externalSecrets: ^0.20")), /charts\.externalSecrets \("\^0\.20"\) must be an exact chart version/);
    });
});
