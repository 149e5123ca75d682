/**
 * The platform's allowed network flows as data. Both renderers (Kubernetes
 * NetworkPolicy for kindnetd, CiliumNetworkPolicy where Cilium runs) turn the
 * same plan into objects, and a reachability check can read it directly.
 *
 * Every namespace in the plan is default-deny in both directions; each flow
 * opens exactly one path, as an egress rule in the source namespace and an
 * ingress rule in the destination namespace (both are needed: NetworkPolicy
 * checks each side on its own).
 */

export interface PortSpec {
  port: number;
  protocol: "TCP" | "UDP";
}

/** A set of pods: all pods in `namespace` carrying `podLabels`, minus those carrying a label in `withoutLabels`. */
export interface PodPeer {
  kind: "pods";
  /** Short name for object names and messages: "traefik", "otel-collector", "waypoint". */
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  withoutLabels?: string[];
}

/**
 * Peers that are not pods:
 * - outside: clients outside the cluster reaching a NodePort the host publishes;
 * - kubelet: the node's kubelet probing its pods (and, under the ambient mesh,
 *   the link-local address ambient rewrites probes to);
 * - apiserver: the Kubernetes API;
 * - internet: public addresses only (the Cloudflare Tunnel's connections out).
 */
export type Peer = PodPeer | { kind: "outside" } | { kind: "kubelet" } | { kind: "apiserver" } | { kind: "internet" };

export interface Flow {
  /** Becomes the object names "<id>-egress" (source namespace) and "<id>-ingress" (destination namespace); unique per namespace. */
  id: string;
  from: Peer;
  to: Peer;
  /** Empty means every port (kubelet probes: the probe port is each workload's own business). */
  ports: PortSpec[];
  /** "design": one of the data flows DESIGN.md lists; "platform": needed for the platform to run at all (DNS, probes, …). */
  origin: "design" | "platform";
  /** One line on why the flow exists, written into the objects as an annotation. */
  why: string;
}

export interface NetworkPlan {
  /** Namespaces that get default-deny, sorted. */
  namespaces: string[];
  flows: Flow[];
  /** Addresses of the Kind nodes (the docker network): kubelet probes, and NodePort traffic SNATed by kube-proxy, come from them. */
  nodeCidrs: string[];
  /** Under the ambient mesh, kubelet probes are rewritten on the node to come from this link-local address ("169.254.7.127/32"). */
  meshProbeCidr?: string;
  apiServerPort: number;
}

export const tcp = (port: number): PortSpec => ({ port, protocol: "TCP" });
