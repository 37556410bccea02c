/**
 * What each layer exports, as schemas checked at the boundary between stacks: a downstream
 * layer reading an upstream output gets a typed value or a clear error naming the stack
 * and the output, never a silent `undefined`.
 */
import { z } from "zod";
import type { Layer } from "./graph";
import { DIGEST_REF } from "../common/patterns";

const digestRef = z.string().regex(DIGEST_REF, "must be a digest-pinned image reference repo@sha256:<64 hex>");

export const LAYER_OUTPUTS = {
    cluster: z.object({
        clusterName: z.string().min(1),
        /** Secret: credentials to the cluster. */
        kubeconfig: z.string().min(1),
        kubeContext: z.string().optional(),
        oidcProviderArn: z.string().optional(),
        nodeRoleArn: z.string().optional(),
    }),
    images: z.object({
        /** Image name -> digest-pinned reference `repo@sha256:...`. */
        images: z.record(z.string(), digestRef),
    }),
    monitoring: z.object({
        namespace: z.string().min(1),
        prometheusUrl: z.string().url(),
        grafanaUrl: z.string().url(),
        alertmanagerUrl: z.string().url(),
        lokiUrl: z.string().url(),
        /** host:port of Tempo's OTLP gRPC receiver; empty when tracing is off. */
        tempoOtlpEndpoint: z.string(),
        /** Secret: generated Grafana admin password. */
        grafanaAdminPassword: z.string().min(1),
    }),
    mesh: z.object({
        namespace: z.string().min(1),
        gatewayNamespace: z.string().min(1),
        gatewayService: z.string().min(1),
        appNamespaces: z.array(z.string().min(1)).min(1),
        monitoringNamespace: z.string().min(1),
        version: z.string().min(1),
        /** Prometheus the canary analyses query (the monitoring layer's, passed on to apps). */
        prometheusUrl: z.string().url(),
        /** Namespace of the Argo Rollouts controller; empty when progressive delivery is off. */
        rolloutsNamespace: z.string(),
    }),
    apps: z.object({
        /** Workload name -> in-cluster service host. */
        services: z.record(z.string(), z.string()),
        namespace: z.string().min(1),
        /**
         * Workload name -> its Rollout as the Kubernetes provider read it when its wait ended
         * (phase "" where nothing waited: the offline engine); empty when progressive delivery is off.
         */
        rollouts: z.record(z.string(), z.object({ phase: z.string(), message: z.string(), aborted: z.boolean(), current: z.boolean() })),
    }),
} as const satisfies Record<Layer, z.AnyZodObject>;

export type LayerOutputs<L extends Layer> = z.infer<(typeof LAYER_OUTPUTS)[L]>;

/** Outputs that must stay secret across the stack boundary. */
export const SECRET_OUTPUTS: Readonly<Record<Layer, readonly string[]>> = {
    cluster: ["kubeconfig"],
    images: [],
    monitoring: ["grafanaAdminPassword"],
    mesh: [],
    apps: [],
};
