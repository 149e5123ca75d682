import { Ajv, type ErrorObject } from "ajv";

/**
 * Our own check of a Kind cluster config, written from upstream's v1alpha4
 * types and validation (sigs.k8s.io/kind, Kind v0.30.0):
 *   - pkg/apis/config/v1alpha4/types.go gives the shape. Kind decodes the
 *     file strictly (an unknown field is an error), so the schema allows no
 *     field the Go types do not have.
 *   - pkg/internal/apis/config/validate.go gives the rules a schema cannot
 *     express: at least one control-plane node, valid CIDRs for the IP family,
 *     no two port mappings on the same listen address, port and protocol.
 * Kind fills defaults (role, image, ipFamily, …) before validating; the
 * checks below apply the same defaults where a rule depends on them.
 */

const str = { type: "string" } as const;
const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;
/** int32 ports; -1 asks the container runtime to pick one (Kind's special value). */
const port = { type: "integer", minimum: -1, maximum: 65535 } as const;

const patchJSON6902 = {
  type: "object",
  additionalProperties: false,
  required: ["group", "version", "kind", "patch"],
  properties: { group: str, version: str, kind: str, patch: str },
} as const;

const node = {
  type: "object",
  additionalProperties: false,
  properties: {
    role: { enum: ["control-plane", "worker"] },
    image: str,
    labels: stringMap,
    extraMounts: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        properties: {
          containerPath: str,
          hostPath: str,
          readOnly: { type: "boolean" },
          selinuxRelabel: { type: "boolean" },
          propagation: { enum: ["None", "HostToContainer", "Bidirectional"] },
        },
      },
    },
    extraPortMappings: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        properties: {
          containerPort: port,
          hostPort: port,
          listenAddress: str,
          protocol: { enum: ["TCP", "UDP", "SCTP"] },
        },
      },
    },
    kubeadmConfigPatches: { type: "array", items: str },
    kubeadmConfigPatchesJSON6902: { type: "array", items: patchJSON6902 },
  },
} as const;

/** JSON Schema of kind.x-k8s.io/v1alpha4 Cluster. */
export const KIND_CLUSTER_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "apiVersion"],
  properties: {
    kind: { const: "Cluster" },
    apiVersion: { const: "kind.x-k8s.io/v1alpha4" },
    name: str,
    nodes: { type: "array", items: node },
    networking: {
      type: "object",
      additionalProperties: false,
      properties: {
        ipFamily: { enum: ["ipv4", "ipv6", "dual"] },
        apiServerPort: port,
        apiServerAddress: str,
        podSubnet: str,
        serviceSubnet: str,
        disableDefaultCNI: { type: "boolean" },
        kubeProxyMode: { enum: ["iptables", "ipvs", "nftables", "none"] },
        dnsSearch: { type: "array", items: str },
      },
    },
    featureGates: { type: "object", additionalProperties: { type: "boolean" } },
    runtimeConfig: stringMap,
    kubeadmConfigPatches: { type: "array", items: str },
    kubeadmConfigPatchesJSON6902: { type: "array", items: patchJSON6902 },
    containerdConfigPatches: { type: "array", items: str },
    containerdConfigPatchesJSON6902: { type: "array", items: str },
  },
} as const;

let compiled: ReturnType<Ajv["compile"]> | undefined;

/**
 * Every problem Kind would report for this config, as "path: message" lines;
 * [] when Kind would accept it.
 */
export function kindConfigIssues(config: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(KIND_CLUSTER_SCHEMA);
  if (!compiled(config)) return (compiled.errors ?? []).map(describeError);
  return semanticIssues(config as KindLike);
}

interface KindLike {
  name?: string;
  nodes?: { role?: string; image?: string; extraPortMappings?: { hostPort?: number; listenAddress?: string; protocol?: string }[] }[];
  networking?: { ipFamily?: string; podSubnet?: string; serviceSubnet?: string };
}

const CLUSTER_NAME = /^[a-z0-9.-]+$/;

function semanticIssues(c: KindLike): string[] {
  const issues: string[] = [];
  // `kind create cluster --name` overrides the field; Kind's own default is "kind".
  const name = c.name ?? "kind";
  if (!CLUSTER_NAME.test(name)) issues.push(`name: "${name}" is not a valid cluster name; cluster names must match ${CLUSTER_NAME}`);

  const family = c.networking?.ipFamily ?? "ipv4";
  for (const field of ["podSubnet", "serviceSubnet"] as const) {
    const value = c.networking?.[field];
    if (value !== undefined) {
      const problem = subnetProblem(value, family);
      if (problem) issues.push(`networking.${field}: ${problem}`);
    }
  }

  // Kind defaults an empty node list to one control-plane node.
  const nodes = c.nodes?.length ? c.nodes : [{ role: "control-plane" }];
  if (!nodes.some((n) => (n.role ?? "control-plane") === "control-plane")) {
    issues.push("nodes: must have at least one control-plane node");
  }
  nodes.forEach((n, i) => {
    if (n.image === "") issues.push(`nodes[${i}].image: must not be empty`);
    const seen = new Map<string, Set<string>>();
    for (const m of n.extraPortMappings ?? []) {
      if (m.hostPort === undefined || m.hostPort === 0 || m.hostPort === -1) continue; // random ports never clash
      const key = `${m.hostPort}/${m.protocol ?? "TCP"}`;
      const address = normaliseWildcard(m.listenAddress ?? "0.0.0.0");
      const bound = seen.get(key) ?? new Set<string>();
      if (bound.has(address) || bound.has("0.0.0.0") || (address === "0.0.0.0" && bound.size > 0)) {
        issues.push(`nodes[${i}].extraPortMappings: ${address}:${key} is mapped twice`);
      }
      bound.add(address);
      seen.set(key, bound);
    }
  });
  return issues;
}

function normaliseWildcard(address: string): string {
  return address === "::" || address === "[::]" ? "0.0.0.0" : address;
}

function subnetProblem(value: string, family: string): string | undefined {
  const cidrs = value.split(",");
  const kinds = cidrs.map(cidrFamily);
  if (kinds.some((k) => k === undefined)) return `"${value}" is not a CIDR (or comma-separated CIDRs)`;
  if (family === "dual") {
    if (cidrs.length > 2 || (cidrs.length === 2 && kinds[0] === kinds[1])) {
      return "expected one CIDR, or one IPv4 and one IPv6 CIDR for dual-stack";
    }
    return undefined;
  }
  if (cidrs.length > 1) return "only one CIDR allowed for single-stack networking";
  if (kinds[0] !== family) return `expected an ${family === "ipv4" ? "IPv4" : "IPv6"} CIDR for the ${family} family`;
  return undefined;
}

const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

function cidrFamily(cidr: string): "ipv4" | "ipv6" | undefined {
  if (IPV4_CIDR.test(cidr)) return "ipv4";
  if (IPV6_CIDR.test(cidr)) return "ipv6";
  return undefined;
}

function describeError(e: ErrorObject): string {
  const path =
    e.instancePath
      .replace(/^\//, "")
      .replace(/\/(\d+)/g, "[$1]")
      .replace(/\//g, ".") || "(config)";
  if (e.keyword === "additionalProperties") {
    return `${path}: unknown field "${String(e.params.additionalProperty)}" (Kind decodes its config strictly)`;
  }
  if (e.keyword === "enum") return `${path}: must be one of ${(e.params.allowedValues as unknown[]).join(", ")}`;
  return `${path}: ${e.message ?? e.keyword}`;
}
