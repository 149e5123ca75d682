import type { KubeObject } from "../../model/k8s.ts";
import type { Flow, NetworkPlan, Peer, PodPeer, PortSpec } from "./network-policy-plan.ts";

/**
 * The plan as cilium.io/v2 CiliumNetworkPolicy, where Cilium is the CNI.
 * Cilium speaks in identities rather than addresses, so peers that are not
 * pods become entities: "host" (the local node: kubelet probes), "remote-node"
 * and "world" (NodePort traffic, SNATed to a node or not), "kube-apiserver".
 * The ambient mesh's probe address is the one CIDR: Cilium cannot know it is
 * the node's kubelet (istio.io: ambient platform prerequisites, Cilium).
 */
export function ciliumPolicies(plan: NetworkPlan): KubeObject[] {
  const out: KubeObject[] = plan.namespaces.map(defaultDeny);
  // Only default-deny namespaces need allow rules; kube-system and istio-system are left as their charts set them.
  const guarded = new Set(plan.namespaces);
  for (const flow of plan.flows) {
    if (flow.from.kind === "pods" && guarded.has(flow.from.namespace))
      out.push(policy(`${flow.id}-egress`, flow.from, flow, { egress: rules("to", flow.to, flow.ports, plan) }));
    if (flow.to.kind === "pods" && guarded.has(flow.to.namespace))
      out.push(policy(`${flow.id}-ingress`, flow.to, flow, { ingress: rules("from", flow.from, flow.ports, plan) }));
  }
  return out;
}

const NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace";

/** An empty rule in a direction puts the selected endpoints in default-deny for it without allowing anything. */
function defaultDeny(namespace: string): KubeObject {
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: {
      name: "default-deny",
      namespace,
      annotations: { "kindling.dev/why": "zero trust: nothing flows unless a policy here allows it" },
    },
    spec: { endpointSelector: {}, ingress: [{}], egress: [{}] },
  };
}

function policy(name: string, self: PodPeer, flow: Flow, rules: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: { name, namespace: self.namespace, annotations: { "kindling.dev/why": flow.why, "kindling.dev/flow-origin": flow.origin } },
    spec: { endpointSelector: endpointSelector(self, false), ...rules },
  };
}

function rules(side: "from" | "to", peer: Peer, ports: PortSpec[], plan: NetworkPlan): Record<string, unknown>[] {
  const toPorts = ports.length ? { toPorts: [{ ports: ports.map((p) => ({ port: String(p.port), protocol: p.protocol })) }] } : {};
  switch (peer.kind) {
    case "pods":
      return [{ [`${side}Endpoints`]: [endpointSelector(peer, true)], ...toPorts }];
    case "outside":
      return [{ [`${side}Entities`]: ["world", "host", "remote-node"], ...toPorts }];
    case "apiserver":
      return [{ [`${side}Entities`]: ["kube-apiserver"], ...toPorts }];
    case "internet":
      return [{ [`${side}Entities`]: ["world"], ...toPorts }];
    case "kubelet":
      return [
        { [`${side}Entities`]: ["host"], ...toPorts },
        ...(plan.meshProbeCidr ? [{ [`${side}CIDR`]: [plan.meshProbeCidr], ...toPorts }] : []),
      ];
  }
}

/**
 * Pods of a peer. Inside the policy's own namespace Cilium adds the
 * namespace itself; a selector for another namespace names it with the
 * namespace label Cilium gives every endpoint.
 */
function endpointSelector(peer: PodPeer, withNamespace: boolean): Record<string, unknown> {
  const labels = { ...(withNamespace ? { [NAMESPACE_LABEL]: peer.namespace } : {}), ...peer.podLabels };
  const matchLabels = Object.keys(labels).length ? { matchLabels: labels } : {};
  const matchExpressions = peer.withoutLabels?.length
    ? { matchExpressions: peer.withoutLabels.map((key) => ({ key, operator: "DoesNotExist" })) }
    : {};
  return { ...matchLabels, ...matchExpressions };
}
