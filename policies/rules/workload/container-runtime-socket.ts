import { posix } from "path";
import { volumesOf } from "../util/podspec";
import { rule } from "../util/rule";

/** Sockets of the container runtimes a node may run; whoever reaches one controls every container on the node. */
export const RUNTIME_SOCKETS: readonly string[] = [
    "/var/run/docker.sock", "/run/docker.sock",
    "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock", "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
    "/var/run/podman/podman.sock", "/run/podman/podman.sock",
];
const SOCKET_FILES = new Set(RUNTIME_SOCKETS.map((p) => p.slice(p.lastIndexOf("/") + 1)));

/**
 * True when a hostPath exposes a runtime socket: the socket itself (at any location, e.g.
 * a k3s path ending in containerd.sock) or a directory that contains one ("/var/run", "/").
 */
export function exposesRuntimeSocket(hostPath: string): boolean {
    // As the node resolves it: "/var//run", "/run/./" and "/var/run/../run" are /var/run and /run.
    const path = (hostPath === "" ? "/" : posix.normalize(hostPath)).replace(/\/+$/, "") || "/";
    const file = path.slice(path.lastIndexOf("/") + 1);
    if (SOCKET_FILES.has(file)) return true;
    const dir = path === "/" ? "/" : `${path}/`;
    return RUNTIME_SOCKETS.some((socket) => socket.startsWith(dir));
}

/**
 * Prevents mounting a container runtime socket (Docker, containerd, CRI-O, cri-dockerd,
 * Podman) or a directory holding one: the pod can then start privileged containers on the
 * node and read every other container, a full node takeover. Reported besides
 * host-path-volume because exemptions granted for hostPath (log or metrics agents) must
 * never cover this. Severity critical, mandatory. Kubescape C-0074; Kyverno
 * disallow-cri-sock-mount.
 */
export const containerRuntimeSocket = rule(
    {
        name: "container-runtime-socket",
        description: "Pods must not mount a container runtime socket (docker.sock, containerd.sock, crio.sock) from the host.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: { nsaCisa: "pod-security", kubescape: ["C-0074"] },
        remediationSteps: "Remove the hostPath volume exposing the runtime socket; build images with an in-cluster builder (BuildKit rootless, Kaniko) and read container data through the Kubernetes API.",
        scope: "pods",
    },
    (pod) => {
        const out: string[] = [];
        for (const { name, volume, path } of volumesOf(pod)) {
            const hostPath: unknown = volume.hostPath?.path;
            if (typeof hostPath !== "string" || !exposesRuntimeSocket(hostPath)) continue;
            out.push(`volume "${name}" at ${path}.hostPath.path mounts "${hostPath}", which exposes the container runtime socket; remove it`);
        }
        return out;
    },
);
