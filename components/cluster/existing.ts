/**
 * A cluster that already exists and is reached through a kubeconfig context: the `local`
 * environment's kind, k3d or minikube cluster. Nothing is created in a cloud.
 */
import * as fs from "fs";
import * as os from "os";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { defaultKubeconfigPath, kubeconfigContexts } from "./kubeconfig";

export interface ExistingClusterArgs {
    /** Kubeconfig context to use, e.g. "kind-platform". */
    readonly context: string;
    /** Kubeconfig file. Default: the first entry of $KUBECONFIG, else ~/.kube/config (what kubectl uses). */
    readonly kubeconfigPath?: string;
}

const CREATE_HINT = "create one with `kind create cluster --name platform` (or k3d/minikube) or set cluster.context to an existing context";

/** Checks ExistingClusterArgs; throws an InputPropertyError naming the bad value and the fix. */
export function validateExistingClusterArgs(args: ExistingClusterArgs): void {
    if (typeof args.context !== "string" || args.context.trim() === "") {
        throw new pulumi.InputPropertyError({ propertyPath: "context", reason: `context is "${args.context ?? ""}"; name a kubeconfig context such as kind-platform` });
    }
    if (args.kubeconfigPath !== undefined && args.kubeconfigPath.trim() === "") {
        throw new pulumi.InputPropertyError({ propertyPath: "kubeconfigPath", reason: "kubeconfigPath is empty; omit it to use $KUBECONFIG or ~/.kube/config" });
    }
}

/**
 * Reads the kubeconfig file and checks that it defines `context`. Throws an error naming the
 * path, the context and how to fix it.
 */
export function readKubeconfig(kubeconfigPath: string, context: string): string {
    let text: string;
    try {
        text = fs.readFileSync(kubeconfigPath, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(`kubeconfig ${kubeconfigPath} cannot be read (${code ?? (err as Error).message}); ${CREATE_HINT}, or point kubeconfigPath/$KUBECONFIG at the right file`);
    }
    const contexts = kubeconfigContexts(text, kubeconfigPath);
    if (!contexts.includes(context)) {
        throw new Error(`kubeconfig ${kubeconfigPath} has no context "${context}" (has: ${contexts.join(", ") || "none"}); ${CREATE_HINT}`);
    }
    return text;
}

/** A Kubernetes provider for an existing cluster's kubeconfig context. */
export class ExistingCluster extends pulumi.ComponentResource {
    /** The kubeconfig context name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The kubeconfig file's contents; secret because local kubeconfigs often embed client keys. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Kubernetes provider pinned to the context (a child of this component). */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        validateExistingClusterArgs(args);
        // Read at construction so a missing cluster fails the preview with the fix, not a provider error later.
        const kubeconfigPath = args.kubeconfigPath ?? defaultKubeconfigPath(process.env, os.homedir());
        const text = readKubeconfig(kubeconfigPath, args.context);
        super("platform:cluster:ExistingCluster", name, {}, opts);

        this.clusterName = pulumi.output(args.context);
        this.kubeconfig = pulumi.secret(text);
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, context: args.context }, { parent: this });
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, provider: this.provider });
    }
}
