import type { ProfileName } from "../components/types.ts";

/**
 * What each profile's Kind cluster looks like. The components a profile runs
 * are declared by the components themselves (Component.profiles); this file
 * holds what Kind must know before any component exists: nodes, CNI, and
 * which NodePorts are published on the host.
 */

/** A NodePort published on the host as 127.0.0.1:<port> through the control-plane node. */
export interface HostPort {
  port: number;
  /** What answers there, for docs, `kindling status` and error messages. */
  service: string;
}

export interface ProfileShape {
  /** kindnetd is Kind's built-in CNI; "cilium" means Kind installs none and the cilium component does. */
  cni: "kindnetd" | "cilium";
  workers: number;
  hostPorts: readonly HostPort[];
}

/** Published in every profile: the ingress and the observability UIs. */
const EVERY_PROFILE: readonly HostPort[] = [
  { port: 30081, service: "Traefik HTTP" },
  { port: 30444, service: "Traefik HTTPS" },
  { port: 30090, service: "Prometheus" },
  { port: 30093, service: "Alertmanager" },
  { port: 30300, service: "Grafana" },
];
const HUBBLE_UI: HostPort = { port: 31235, service: "Hubble UI" };
const ARGO_CD: readonly HostPort[] = [
  { port: 30080, service: "Argo CD HTTP" },
  { port: 30443, service: "Argo CD HTTPS" },
];

export const PROFILE_SHAPES: Record<ProfileName, ProfileShape> = {
  "dev-fast": { cni: "kindnetd", workers: 0, hostPorts: EVERY_PROFILE },
  cilium: { cni: "cilium", workers: 1, hostPorts: [...EVERY_PROFILE, HUBBLE_UI] },
  full: { cni: "cilium", workers: 2, hostPorts: [...EVERY_PROFILE, HUBBLE_UI, ...ARGO_CD] },
};

/**
 * Pod and Service ranges, stated instead of left to Kind's defaults (which
 * are the same values) because Cilium's IPAM and the network policies rely
 * on them.
 */
export const CLUSTER_NETWORK = {
  podSubnet: "10.244.0.0/16",
  serviceSubnet: "10.96.0.0/16",
} as const;
