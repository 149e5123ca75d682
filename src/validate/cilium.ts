/**
 * Our own schemas for Cilium's policy kinds (cilium.io/v2 CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy). Cilium publishes no npm models, and its CRDs are
 * installed at runtime by the operator, so they are usually absent from a render.
 *
 * The schemas are written as openAPIV3Schema documents so they go through the same
 * conversion and compilation as real CRDs (./crd.ts): unknown fields are issues.
 * They cover the policy language kindling uses (field names follow upstream's CRD,
 * pkg/k8s/apis/cilium.io/client/crds/v2); when a real Cilium CRD is part of the
 * render, it takes precedence.
 *
 * `ciliumPolicyIssues` adds checks the Cilium agent makes when it imports a policy
 * (policy/api Sanitize) that a schema cannot express; a policy failing them is
 * accepted by the API server but never enforced.
 */

import { isPlainObject } from "../model/plain.ts";
import type { CrdInfo } from "./crd.ts";
import { joinIndex, joinKey } from "./errors.ts";
import type { SchemaIssue } from "./types.ts";

type Schema = Record<string, unknown>;

const str: Schema = { type: "string" };
const bool: Schema = { type: "boolean" };
const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: "array", items, ...extra });
const object = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: "object", properties, ...extra });
const requireOne = (...fields: string[]): Schema[] => fields.map((f) => ({ required: [f] }));

const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/** A port number 0-65535, or a port name (letters, digits, single dashes, at least one letter). */
const PORT = "^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*)$";
const DNS_NAME = "^([-a-zA-Z0-9_]+[.]?)+$";
const DNS_PATTERN = "^([-a-zA-Z0-9_*]+[.]?)+$";

const ENTITIES = ["all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health", "none", "kube-apiserver"];
const PROTOCOLS = ["TCP", "UDP", "SCTP", "VRRP", "IGMP", "ANY"];

/** A Kubernetes label selector (Cilium's EndpointSelector and friends). */
const selector: Schema = object({
  matchLabels: { type: "object", additionalProperties: { type: "string", maxLength: 63, pattern: LABEL_VALUE } },
  matchExpressions: arrayOf(
    object(
      {
        key: str,
        operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist"] },
        values: arrayOf(str),
      },
      { required: ["key", "operator"] },
    ),
  ),
});

const cidr: Schema = { type: "string", format: "cidr" };

const cidrRule: Schema = object(
  {
    cidr,
    cidrGroupRef: { type: "string", maxLength: 253, pattern: DNS_SUBDOMAIN },
    cidrGroupSelector: selector,
    except: arrayOf(cidr),
  },
  { oneOf: requireOne("cidr", "cidrGroupRef", "cidrGroupSelector") },
);

const portProtocol: Schema = object({
  port: { type: "string", pattern: PORT },
  endPort: { type: "integer", minimum: 0, maximum: 65535 },
  protocol: { type: "string", enum: PROTOCOLS },
});

const secretRef: Schema = object({ name: str, namespace: str }, { required: ["name"] });

const tlsContext: Schema = object({ secret: secretRef, trustedCA: str, certificate: str, privateKey: str }, { required: ["secret"] });

const dnsMatch: Schema = object(
  {
    matchName: { type: "string", maxLength: 255, pattern: DNS_NAME },
    matchPattern: { type: "string", maxLength: 255, pattern: DNS_PATTERN },
  },
  { oneOf: requireOne("matchName", "matchPattern") },
);

const httpRule: Schema = object({
  path: str,
  method: str,
  host: str,
  headers: arrayOf(str),
  headerMatches: arrayOf(
    object(
      {
        name: { type: "string", minLength: 1 },
        value: str,
        mismatch: { type: "string", enum: ["LOG", "ADD", "DELETE", "REPLACE"] },
        secret: secretRef,
      },
      { required: ["name"] },
    ),
  ),
});

const l7Rules: Schema = object({ http: arrayOf(httpRule), dns: arrayOf(dnsMatch) }, { oneOf: requireOne("http", "dns") });

const portRule: Schema = object({
  ports: arrayOf(portProtocol, { maxItems: 40 }),
  rules: l7Rules,
  terminatingTLS: tlsContext,
  originatingTLS: tlsContext,
  serverNames: arrayOf({ type: "string", maxLength: 255, pattern: DNS_PATTERN }, { minItems: 1 }),
  listener: object(
    {
      envoyConfig: object(
        { kind: { type: "string", enum: ["CiliumEnvoyConfig", "CiliumClusterwideEnvoyConfig"] }, name: { type: "string", minLength: 1 } },
        { required: ["name"] },
      ),
      name: { type: "string", minLength: 1 },
      priority: { type: "integer", minimum: 1, maximum: 100 },
    },
    { required: ["envoyConfig", "name"] },
  ),
});

const portDenyRule: Schema = object({ ports: arrayOf(portProtocol, { maxItems: 40 }) });

const icmpRule: Schema = object({
  fields: arrayOf(
    object(
      {
        family: { type: "string", enum: ["IPv4", "IPv6"] },
        // An ICMP type number (0-255) or its CamelCase name, e.g. "EchoRequest".
        type: {
          "x-kubernetes-int-or-string": true,
          minimum: 0,
          maximum: 255,
          pattern: "^([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]|[A-Z][A-Za-z]*)$",
        },
      },
      { required: ["type"] },
    ),
    { maxItems: 40 },
  ),
});

const authentication: Schema = object(
  { mode: { type: "string", enum: ["disabled", "required", "test-always-fail"] } },
  { required: ["mode"] },
);

const service: Schema = object({
  k8sService: object({ serviceName: str, namespace: str }),
  k8sServiceSelector: object({ selector, namespace: str }, { required: ["selector"] }),
});

const groups: Schema = object({
  aws: object({
    labels: { type: "object", additionalProperties: str },
    region: str,
    securityGroupsIds: arrayOf(str),
    securityGroupsNames: arrayOf(str),
  }),
});

/** Deprecated upstream (fromRequires/toRequires must now be empty). */
const deprecatedRequires: Schema = arrayOf(selector, { maxItems: 0 });

const ingressPeers: Record<string, Schema> = {
  fromEndpoints: arrayOf(selector),
  fromRequires: deprecatedRequires,
  fromCIDR: arrayOf(cidr),
  fromCIDRSet: arrayOf(cidrRule),
  fromEntities: arrayOf({ type: "string", enum: ENTITIES }),
  fromGroups: arrayOf(groups),
  fromNodes: arrayOf(selector),
  icmps: arrayOf(icmpRule),
};

const egressPeers: Record<string, Schema> = {
  toEndpoints: arrayOf(selector),
  toRequires: deprecatedRequires,
  toCIDR: arrayOf(cidr),
  toCIDRSet: arrayOf(cidrRule),
  toEntities: arrayOf({ type: "string", enum: ENTITIES }),
  toServices: arrayOf(service),
  toGroups: arrayOf(groups),
  toNodes: arrayOf(selector),
  icmps: arrayOf(icmpRule),
};

const ingressRule = object({ ...ingressPeers, toPorts: arrayOf(portRule), authentication });
const ingressDenyRule = object({ ...ingressPeers, toPorts: arrayOf(portDenyRule) });
const egressRule = object({ ...egressPeers, toPorts: arrayOf(portRule), toFQDNs: arrayOf(dnsMatch), authentication });
const egressDenyRule = object({ ...egressPeers, toPorts: arrayOf(portDenyRule) });

function rule(clusterwide: boolean): Schema {
  const properties: Record<string, Schema> = {
    endpointSelector: selector,
    ingress: arrayOf(ingressRule),
    ingressDeny: arrayOf(ingressDenyRule),
    egress: arrayOf(egressRule),
    egressDeny: arrayOf(egressDenyRule),
    labels: arrayOf(object({ key: str, value: str, source: str }, { required: ["key"] })),
    enableDefaultDeny: object({ ingress: bool, egress: bool }),
    description: str,
    log: object({ value: { type: "string", maxLength: 32 } }),
  };
  const extra: Schema = { anyOf: requireOne("ingress", "ingressDeny", "egress", "egressDeny") };
  if (clusterwide) {
    // Node selectors (host policies) exist only in the clusterwide kind.
    properties.nodeSelector = selector;
    extra.oneOf = requireOne("endpointSelector", "nodeSelector");
  } else {
    extra.required = ["endpointSelector"];
  }
  return object(properties, extra);
}

function policySchema(clusterwide: boolean): Schema {
  return object(
    {
      apiVersion: str,
      kind: str,
      metadata: { type: "object" },
      spec: rule(clusterwide),
      specs: arrayOf(rule(clusterwide)),
      status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
    { anyOf: requireOne("spec", "specs") },
  );
}

/** Built-in pseudo-CRDs, used when the render has no CRD for these kinds. */
export function ciliumCrds(): CrdInfo[] {
  const make = (kind: string, clusterwide: boolean): CrdInfo => ({
    name: `${kind.toLowerCase()}s.cilium.io (kindling built-in schema)`,
    group: "cilium.io",
    kind,
    scope: clusterwide ? "Cluster" : "Namespaced",
    versions: new Map([["v2", { name: "v2", served: true, schema: policySchema(clusterwide) }]]),
    source: "kindling",
  });
  return [make("CiliumNetworkPolicy", false), make("CiliumClusterwideNetworkPolicy", true)];
}

// ---------------------------------------------------------------------------
// Checks the Cilium agent makes on import

type Rec = Record<string, unknown>;

function nonEmpty(rule: Rec, field: string): boolean {
  const v = rule[field];
  return Array.isArray(v) && v.length > 0;
}

function records(value: unknown): [Rec, number][] {
  return Array.isArray(value) ? value.flatMap((v, i) => (isPlainObject(v) ? [[v, i] as [Rec, number]] : [])) : [];
}

const INGRESS_L3 = ["fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities"];
const EGRESS_L3 = ["toCIDR", "toCIDRSet", "toEndpoints", "toEntities", "toServices", "toFQDNs", "toGroups"];

function checkPeerRule(rule: Rec, path: string, direction: "ingress" | "egress", hostPolicy: boolean, out: SchemaIssue[]): void {
  const l3 = (direction === "ingress" ? INGRESS_L3 : EGRESS_L3).filter((f) => nonEmpty(rule, f));
  if (l3.length > 1) {
    out.push({ path, message: `${l3[0]} and ${l3[1]} cannot be combined in one rule (Cilium rejects the policy): use separate rules` });
  }
  if (nonEmpty(rule, "toServices") && nonEmpty(rule, "toPorts")) {
    out.push({ path, message: "toServices cannot be combined with toPorts in one rule (Cilium rejects the policy)" });
  }
  if (nonEmpty(rule, "icmps") && nonEmpty(rule, "toPorts")) {
    out.push({ path, message: "icmps may only be used without toPorts: define a separate rule for toPorts" });
  }
  for (const [portRule, j] of records(rule.toPorts)) {
    const prPath = joinIndex(joinKey(path, "toPorts"), j);
    const rules = isPlainObject(portRule.rules) ? portRule.rules : undefined;
    const hasDns = rules !== undefined && nonEmpty(rules, "dns");
    const hasL7 = rules !== undefined && (nonEmpty(rules, "http") || hasDns);
    if (hasDns && direction === "ingress")
      out.push({ path: joinKey(joinKey(prPath, "rules"), "dns"), message: "DNS rules are not allowed on ingress" });
    if (hasDns && !nonEmpty(portRule, "ports"))
      out.push({ path: prPath, message: 'DNS rules need the DNS port: add ports [{port: "53", protocol: ANY}]' });
    if (hasL7 && hostPolicy) out.push({ path: joinKey(prPath, "rules"), message: "host policies (nodeSelector) do not support L7 rules" });
    if (hasL7 && !hasDns) {
      for (const [port, k] of records(portRule.ports)) {
        if (port.protocol !== "TCP") {
          out.push({
            path: joinKey(joinIndex(joinKey(prPath, "ports"), k), "protocol"),
            message: `L7 (HTTP) rules only apply to TCP ports: set protocol: TCP (got ${port.protocol === undefined ? "no protocol, i.e. ANY" : JSON.stringify(port.protocol)})`,
          });
        }
      }
    }
    if (portRule.listener !== undefined) {
      if (direction === "ingress") out.push({ path: joinKey(prPath, "listener"), message: "listener is not allowed on ingress" });
      if (hasL7) out.push({ path: joinKey(prPath, "listener"), message: "listener cannot be combined with L7 rules" });
    }
  }
}

function checkRule(rule: Rec, path: string, clusterwide: boolean, out: SchemaIssue[]): void {
  const hostPolicy = clusterwide && rule.nodeSelector !== undefined;
  for (const [direction, field] of [
    ["ingress", "ingress"],
    ["ingress", "ingressDeny"],
    ["egress", "egress"],
    ["egress", "egressDeny"],
  ] as const) {
    for (const [r, i] of records(rule[field])) checkPeerRule(r, joinIndex(joinKey(path, field), i), direction, hostPolicy, out);
  }
}

/** Agent-side checks for a CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy object. */
export function ciliumPolicyIssues(obj: Rec): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const clusterwide = obj.kind === "CiliumClusterwideNetworkPolicy";
  if (isPlainObject(obj.spec)) checkRule(obj.spec, "spec", clusterwide, out);
  for (const [r, i] of records(obj.specs)) checkRule(r, joinIndex("specs", i), clusterwide, out);
  return out;
}
