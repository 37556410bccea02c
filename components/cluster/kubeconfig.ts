/**
 * Kubeconfig rendering and inspection. Pure functions: no files, no Pulumi, so they are
 * tested directly and the components only wire them to Outputs.
 */
import * as path from "path";
import * as YAML from "yaml";

export interface EksKubeconfigArgs {
    clusterName: string;
    endpoint: string;
    /** Base64 PEM of the cluster CA, as EKS reports it. */
    certificateAuthorityData: string;
    region: string;
    /** AWS CLI profile for `aws eks get-token`; omitted means the default credential chain. */
    profile?: string;
}

/**
 * A kubeconfig that authenticates with short-lived tokens from `aws eks get-token` (exec
 * credential plugin), so no long-lived credential is ever written into it.
 */
export function renderEksKubeconfig(args: EksKubeconfigArgs): string {
    const env = args.profile ? [{ name: "AWS_PROFILE", value: args.profile }] : [];
    const doc = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: args.clusterName, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData } }],
        contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.clusterName } }],
        "current-context": args.clusterName,
        preferences: {},
        users: [{
            name: args.clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", args.clusterName, "--region", args.region, "--output", "json"],
                    env: env.length > 0 ? env : null,
                    interactiveMode: "IfAvailable",
                    provideClusterInfo: false,
                },
            },
        }],
    };
    return YAML.stringify(doc);
}

/**
 * The kubeconfig path kubectl would use: the first entry of $KUBECONFIG, else ~/.kube/config.
 */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv, home: string): string {
    const first = (env.KUBECONFIG ?? "").split(path.delimiter).find((p) => p.trim() !== "");
    return first ?? path.join(home, ".kube", "config");
}

/** The context names a kubeconfig document defines; throws if it is not a kubeconfig. */
export function kubeconfigContexts(text: string, source: string): string[] {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (err) {
        throw new Error(`kubeconfig ${source} is not valid YAML (${(err as Error).message.split("\n")[0]}); regenerate it, e.g. with \`kind export kubeconfig --name platform\``);
    }
    const contexts = (doc as { contexts?: unknown } | null)?.contexts;
    if (!Array.isArray(contexts)) {
        throw new Error(`kubeconfig ${source} has no contexts list; regenerate it, e.g. with \`kind export kubeconfig --name platform\``);
    }
    return contexts.map((c) => String((c as { name?: unknown })?.name ?? "")).filter((n) => n !== "");
}
