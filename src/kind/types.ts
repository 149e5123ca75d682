/**
 * Kind's cluster configuration, kind.x-k8s.io/v1alpha4, as TypeScript types.
 * Written from upstream's Go types (sigs.k8s.io/kind pkg/apis/config/v1alpha4/types.go,
 * Kind v0.30.0); field names and enums match exactly, so an object of this type
 * serialises to a file `kind create cluster --config` accepts. The runtime
 * schema in ./schema.ts checks the same shape.
 */

export type KindNodeRole = "control-plane" | "worker";
export type KindIpFamily = "ipv4" | "ipv6" | "dual";
export type KindProxyMode = "iptables" | "ipvs" | "nftables" | "none";
export type KindPortProtocol = "TCP" | "UDP" | "SCTP";
export type KindMountPropagation = "None" | "HostToContainer" | "Bidirectional";

export interface KindPortMapping {
  containerPort?: number;
  hostPort?: number;
  listenAddress?: string;
  protocol?: KindPortProtocol;
}

export interface KindMount {
  containerPath?: string;
  hostPath?: string;
  readOnly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: KindMountPropagation;
}

export interface KindPatchJSON6902 {
  group: string;
  version: string;
  kind: string;
  patch: string;
}

export interface KindNode {
  role?: KindNodeRole;
  image?: string;
  labels?: Record<string, string>;
  extraMounts?: KindMount[];
  extraPortMappings?: KindPortMapping[];
  kubeadmConfigPatches?: string[];
  kubeadmConfigPatchesJSON6902?: KindPatchJSON6902[];
}

export interface KindNetworking {
  ipFamily?: KindIpFamily;
  apiServerPort?: number;
  apiServerAddress?: string;
  podSubnet?: string;
  serviceSubnet?: string;
  disableDefaultCNI?: boolean;
  kubeProxyMode?: KindProxyMode;
  dnsSearch?: string[];
}

export interface KindCluster {
  kind: "Cluster";
  apiVersion: "kind.x-k8s.io/v1alpha4";
  name?: string;
  nodes?: KindNode[];
  networking?: KindNetworking;
  featureGates?: Record<string, boolean>;
  runtimeConfig?: Record<string, string>;
  kubeadmConfigPatches?: string[];
  kubeadmConfigPatchesJSON6902?: KindPatchJSON6902[];
  containerdConfigPatches?: string[];
  containerdConfigPatchesJSON6902?: string[];
}
