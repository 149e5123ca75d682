import { stringify } from "yaml";
import type { ProfileName } from "../components/types.ts";
import { KIND_NODE_IMAGE_REF } from "./node-image.ts";
import { CLUSTER_NETWORK, PROFILE_SHAPES } from "./profiles.ts";
import type { KindCluster, KindNode, KindProxyMode } from "./types.ts";

export interface KindConfigOptions {
  /** Cluster name; Kind names the node containers "<name>-control-plane", "<name>-worker", … */
  name: string;
  /**
   * kube-proxy mode. "none" only where Cilium replaces kube-proxy (see the
   * cilium component's kubeProxyReplacement option); dev-fast needs kube-proxy.
   * @default "iptables"
   */
  kubeProxyMode?: KindProxyMode;
  /** Node image override, for trying another Kubernetes version. @default KIND_NODE_IMAGE_REF */
  nodeImage?: string;
}

/**
 * The Kind v1alpha4 Cluster config of a profile: one control-plane node that
 * publishes the profile's NodePorts on 127.0.0.1 (loopback only: Grafana's
 * admin/admin must never be reachable from the LAN), plus the profile's
 * workers. Pure: the caller writes it to a file for `kind create cluster`.
 */
export function kindClusterConfig(profile: ProfileName, opts: KindConfigOptions): KindCluster {
  const shape = PROFILE_SHAPES[profile];
  if (!shape) throw new Error(`unknown profile ${JSON.stringify(profile)}; known: ${Object.keys(PROFILE_SHAPES).join(", ")}`);
  const kubeProxyMode = opts.kubeProxyMode ?? "iptables";
  if (kubeProxyMode === "none" && shape.cni !== "cilium") {
    throw new Error(
      `profile ${profile} uses kindnetd, which needs kube-proxy; kubeProxyMode "none" is only for profiles where Cilium replaces kube-proxy`,
    );
  }
  const image = opts.nodeImage ?? KIND_NODE_IMAGE_REF;
  const controlPlane: KindNode = {
    role: "control-plane",
    image,
    // NodePorts are open on every node; the host reaches them through this one.
    extraPortMappings: shape.hostPorts.map((p) => ({
      containerPort: p.port,
      hostPort: p.port,
      listenAddress: "127.0.0.1",
      protocol: "TCP",
    })),
  };
  const workers: KindNode[] = Array.from({ length: shape.workers }, () => ({ role: "worker", image }));
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: opts.name,
    nodes: [controlPlane, ...workers],
    networking: {
      ipFamily: "ipv4",
      podSubnet: CLUSTER_NETWORK.podSubnet,
      serviceSubnet: CLUSTER_NETWORK.serviceSubnet,
      // Cilium is installed by the platform itself, after the cluster exists.
      ...(shape.cni === "cilium" ? { disableDefaultCNI: true } : {}),
      ...(kubeProxyMode !== "iptables" ? { kubeProxyMode } : {}),
    },
  };
}

/** The same config as the YAML file `kind create cluster --config` reads. */
export function kindClusterConfigYaml(profile: ProfileName, opts: KindConfigOptions): string {
  return stringify(kindClusterConfig(profile, opts), { lineWidth: 0 });
}
