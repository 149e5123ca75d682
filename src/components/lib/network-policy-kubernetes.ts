import type { KubeObject } from "../../model/k8s.ts";
import type { Flow, NetworkPlan, Peer, PodPeer, PortSpec } from "./network-policy-plan.ts";

/**
 * The plan as networking.k8s.io/v1 NetworkPolicy, for kindnetd (Kind ≥ 0.24
 * enforces NetworkPolicy through kube-network-policies).
 *
 * Peers that are not pods become ipBlocks: kindnetd sees NodePort traffic and
 * kubelet probes as coming from the node addresses, and the API server as a
 * node address on its own port (kube-proxy has already translated the
 * `kubernetes` Service by the time policy is checked).
 */
export function kubernetesPolicies(plan: NetworkPlan): KubeObject[] {
  const out: KubeObject[] = plan.namespaces.map(defaultDeny);
  // Only default-deny namespaces need allow rules; kube-system and istio-system are left as their charts set them.
  const guarded = new Set(plan.namespaces);
  for (const flow of plan.flows) {
    if (flow.from.kind === "pods" && guarded.has(flow.from.namespace)) out.push(egress(flow, flow.from, plan));
    if (flow.to.kind === "pods" && guarded.has(flow.to.namespace)) out.push(ingress(flow, flow.to, plan));
  }
  return out;
}

function defaultDeny(namespace: string): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: "default-deny",
      namespace,
      annotations: { "kindling.dev/why": "zero trust: nothing flows unless a policy here allows it" },
    },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

function egress(flow: Flow, self: PodPeer, plan: NetworkPlan): KubeObject {
  return policy(`${flow.id}-egress`, self, flow, "Egress", { to: peers(flow.to, plan), ...ports(flow.ports) });
}

function ingress(flow: Flow, self: PodPeer, plan: NetworkPlan): KubeObject {
  return policy(`${flow.id}-ingress`, self, flow, "Ingress", { from: peers(flow.from, plan), ...ports(flow.ports) });
}

function policy(name: string, self: PodPeer, flow: Flow, type: "Ingress" | "Egress", rule: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: self.namespace, annotations: { "kindling.dev/why": flow.why, "kindling.dev/flow-origin": flow.origin } },
    spec: {
      podSelector: podSelector(self),
      policyTypes: [type],
      [type === "Ingress" ? "ingress" : "egress"]: [rule],
    },
  };
}

function peers(peer: Peer, plan: NetworkPlan): Record<string, unknown>[] {
  switch (peer.kind) {
    case "pods":
      return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } }, podSelector: podSelector(peer) }];
    case "internet":
      // Public addresses only: the private ranges hold the nodes, pods and Services.
      return [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }];
    case "outside":
    case "apiserver":
      return plan.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } }));
    case "kubelet":
      return [...plan.nodeCidrs, ...(plan.meshProbeCidr ? [plan.meshProbeCidr] : [])].map((cidr) => ({ ipBlock: { cidr } }));
  }
}

/** An empty port list means every port, which NetworkPolicy expresses by leaving `ports` out. */
function ports(list: PortSpec[]): Record<string, unknown> {
  return list.length ? { ports: list.map((p) => ({ port: p.port, protocol: p.protocol })) } : {};
}

export function podSelector(peer: PodPeer): Record<string, unknown> {
  const matchLabels = Object.keys(peer.podLabels).length ? { matchLabels: { ...peer.podLabels } } : {};
  const matchExpressions = peer.withoutLabels?.length
    ? { matchExpressions: peer.withoutLabels.map((key) => ({ key, operator: "DoesNotExist" })) }
    : {};
  return { ...matchLabels, ...matchExpressions };
}
