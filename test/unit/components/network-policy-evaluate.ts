/**
 * Small evaluators of the two policy languages, written from their specs, so
 * tests can ask "may A reach B on this port?" of the objects the
 * network-policy component renders, instead of comparing them to a copy.
 *
 * Kubernetes NetworkPolicy (networking.k8s.io/v1): a pod is isolated for a
 * direction when a policy in its namespace selects it with that policy type;
 * an isolated pod accepts only what some such policy's rules allow; a
 * connection needs the source's egress and the destination's ingress.
 *
 * CiliumNetworkPolicy (cilium.io/v2): an endpoint is in default-deny for a
 * direction when a policy selecting it has that section (an empty rule `{}`
 * allows nothing); endpoint selectors of a namespaced policy only match its
 * own namespace unless they name one; non-pod peers are entities or CIDRs.
 */
import type { KubeObject } from "../../../src/model/k8s.ts";

export type Endpoint =
  | { kind: "pod"; namespace: string; labels: Record<string, string>; ip: string }
  /** A node address (kubelet, NodePort traffic after SNAT, the API server); `entity` is what Cilium calls it. */
  | { kind: "ip"; ip: string; entity: "host" | "remote-node" | "world" | "kube-apiserver" };

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: "TCP" | "UDP";
}

// biome-ignore lint/suspicious/noExplicitAny: policy specs are free-form JSON here
type Json = Record<string, any>;

// ---------------------------------------------------------------------------- shared

export function selects(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
  }
  return true;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split("/") as [string, string];
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (ipToInt(ip) & mask) >>> 0 === (ipToInt(net) & mask) >>> 0;
}

// ---------------------------------------------------------------------------- Kubernetes

export function kubernetesAllows(policies: KubeObject[], c: Connection): boolean {
  return k8sSide(policies, c, "Egress") && k8sSide(policies, c, "Ingress");
}

function k8sSide(policies: KubeObject[], c: Connection, type: "Ingress" | "Egress"): boolean {
  const self = type === "Egress" ? c.from : c.to;
  const peer = type === "Egress" ? c.to : c.from;
  if (self.kind !== "pod") return true; // not a pod: no NetworkPolicy applies to it
  const applicable = policies.filter(
    (p) =>
      p.metadata.namespace === self.namespace &&
      (p.spec as Json).policyTypes.includes(type) &&
      selects((p.spec as Json).podSelector, self.labels),
  );
  if (applicable.length === 0) return true;
  const rules = applicable.flatMap((p) =>
    ((p.spec as Json)[type === "Egress" ? "egress" : "ingress"] ?? []).map((rule: Json) => ({
      rule,
      namespace: p.metadata.namespace as string,
    })),
  );
  return rules.some(({ rule, namespace }) => {
    const peers: Json[] | undefined = rule[type === "Egress" ? "to" : "from"];
    const peerOk = !peers || peers.length === 0 || peers.some((x) => k8sPeerMatches(x, peer, namespace));
    const portOk =
      !rule.ports ||
      rule.ports.length === 0 ||
      rule.ports.some((p: Json) => p.port === c.port && (p.protocol ?? "TCP") === (c.protocol ?? "TCP"));
    return peerOk && portOk;
  });
}

function k8sPeerMatches(x: Json, peer: Endpoint, policyNamespace: string): boolean {
  if (x.ipBlock) return inCidr(peer.ip, x.ipBlock.cidr) && !(x.ipBlock.except ?? []).some((e: string) => inCidr(peer.ip, e));
  if (peer.kind !== "pod") return false;
  // Without a namespaceSelector a podSelector means pods of the policy's own namespace.
  const namespaceOk = x.namespaceSelector
    ? selects(x.namespaceSelector, { "kubernetes.io/metadata.name": peer.namespace })
    : peer.namespace === policyNamespace;
  return namespaceOk && selects(x.podSelector, peer.labels);
}

// ---------------------------------------------------------------------------- Cilium

const NS = "k8s:io.kubernetes.pod.namespace";

export function ciliumAllows(policies: KubeObject[], c: Connection): boolean {
  return ciliumSide(policies, c, "egress") && ciliumSide(policies, c, "ingress");
}

function ciliumSide(policies: KubeObject[], c: Connection, direction: "ingress" | "egress"): boolean {
  const self = direction === "egress" ? c.from : c.to;
  const peer = direction === "egress" ? c.to : c.from;
  if (self.kind !== "pod") return true;
  const applicable = policies.filter(
    (p) => p.metadata.namespace === self.namespace && selects((p.spec as Json).endpointSelector, self.labels),
  );
  const sections = applicable.map((p) => (p.spec as Json)[direction]).filter((s): s is Json[] => Array.isArray(s));
  if (sections.length === 0) return true;
  const side = direction === "egress" ? "to" : "from";
  return sections.flat().some((rule: Json) => {
    const peerOk = ciliumPeerMatches(rule, side, peer, self.namespace);
    const portOk =
      !rule.toPorts ||
      rule.toPorts.some((tp: Json) =>
        tp.ports.some((p: Json) => Number(p.port) === c.port && (p.protocol ?? "TCP") === (c.protocol ?? "TCP")),
      );
    return peerOk && portOk;
  });
}

function ciliumPeerMatches(rule: Json, side: "from" | "to", peer: Endpoint, policyNamespace: string): boolean {
  const endpoints: Json[] | undefined = rule[`${side}Endpoints`];
  const entities: string[] | undefined = rule[`${side}Entities`];
  const cidrs: string[] | undefined = rule[`${side}CIDR`];
  if (endpoints && peer.kind === "pod") {
    const labels = { ...peer.labels, [NS]: peer.namespace };
    const ok = endpoints.some((sel) => {
      const namesNamespace = NS in (sel.matchLabels ?? {}) || (sel.matchExpressions ?? []).some((e: Json) => e.key === NS);
      return (namesNamespace || peer.namespace === policyNamespace) && selects(sel, labels);
    });
    if (ok) return true;
  }
  if (entities && peer.kind === "ip" && (entities.includes(peer.entity) || entities.includes("all"))) return true;
  return cidrs?.some((cidr) => inCidr(peer.ip, cidr)) ?? false;
}
