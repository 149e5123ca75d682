import { CILIUM_APP } from "./cilium.ts";
import { AMBIENT_PROBE_SOURCE, HBONE_PORT, ISTIOD_XDS_PORT } from "./istio.ts";
import { ciliumPolicies } from "./lib/network-policy-cilium.ts";
import { type MeshPeers, type PlatformPeers, platformPlan } from "./lib/network-policy-flows.ts";
import { kubernetesPolicies } from "./lib/network-policy-kubernetes.ts";
import {
  type NetworkPolicyOptions,
  networkPolicyDefaults,
  networkPolicyOptionsSchema,
  PEER_COMPONENTS,
  type PeerName,
} from "./lib/network-policy-options.ts";
import type { NetworkPlan, PodPeer } from "./lib/network-policy-plan.ts";
import { platformTargets } from "./lib/prometheus-targets.ts";
import { type App, defineComponent, type RenderContext } from "./types.ts";
import { WAYPOINT_LABEL, WORKLOADS_APP, type WorkloadsOptions } from "./workloads.ts";

export type { NetworkPolicyOptions } from "./lib/network-policy-options.ts";

export const NETWORK_POLICY_APP = "network-policy";

export const networkPolicy = defineComponent<NetworkPolicyOptions>({
  name: "network-policy",
  description: "Zero trust: default-deny per platform namespace, and allow rules for exactly the platform's data flows",
  profiles: ["dev-fast", "cilium", "full"],
  options: networkPolicyOptionsSchema,
  defaults: networkPolicyDefaults,
  render: (ctx, o) => {
    const plan = networkPlan(ctx, o);
    const cilium = o.engine === "cilium" || (o.engine === "auto" && ctx.has("cilium"));
    const app: App = {
      name: NETWORK_POLICY_APP,
      namespace: o.apps.namespace,
      objects: cilium ? ciliumPolicies(plan) : kubernetesPolicies(plan),
      // Cilium's operator registers the CiliumNetworkPolicy CRD; the app
      // namespace (with its mesh labels) is declared by the workloads app.
      dependsOn: [...(cilium && ctx.has("cilium") ? [CILIUM_APP] : []), ...(ctx.has("workloads") ? [WORKLOADS_APP] : [])],
    };
    return [app];
  },
});

/** The plan for this environment; exported so a reachability check can read the same data the policies come from. */
export function networkPlan(ctx: Pick<RenderContext, "has" | "optionsOf">, o: NetworkPolicyOptions): NetworkPlan {
  const peers = resolvePeers(ctx, o);
  const cloudflaredNamespace = componentOption(ctx, "cloudflared", "namespace", "string");
  return platformPlan({
    peers,
    scrapeTargets: scrapeTargets(ctx),
    ...(cloudflaredNamespace
      ? {
          cloudflared: {
            kind: "pods",
            name: "cloudflared",
            namespace: cloudflaredNamespace,
            podLabels: { "app.kubernetes.io/name": "cloudflared" },
          } as PodPeer,
        }
      : {}),
    mesh: ctx.has("istio") ? meshPeers(ctx, peers.apps) : undefined,
    kubeApiClients: o.kubeApiClients,
    nodeCidrs: o.nodeCidrs,
    apiServerPort: o.apiServerPort,
  });
}

function resolvePeers(ctx: Pick<RenderContext, "has" | "optionsOf">, o: NetworkPolicyOptions): PlatformPeers {
  const pods = (name: PeerName, label: string): PodPeer => ({
    kind: "pods",
    name: label,
    namespace: componentOption(ctx, PEER_COMPONENTS[name], "namespace", "string") ?? o[name].namespace,
    podLabels: { ...o[name].podLabels },
  });
  const list = (n: number) => [n];
  const http = (name: "prometheus" | "alertmanager" | "loki" | "grafana") => ({
    // A component that exposes its port as an option is followed; the others use ours.
    http: list(componentOption(ctx, PEER_COMPONENTS[name], "port", "number") ?? o[name].ports.http),
  });
  return {
    traefik: { ...pods("traefik", "traefik"), ports: { web: list(o.traefik.ports.web), websecure: list(o.traefik.ports.websecure) } },
    // Application pods are every pod in the app namespace except the waypoint proxy.
    apps: { ...pods("apps", "apps"), withoutLabels: [WAYPOINT_LABEL], ports: { http: [...o.appPorts] } },
    otelCollector: {
      ...pods("otelCollector", "otel-collector"),
      ports: { otlpGrpc: list(o.otelCollector.ports.otlpGrpc), otlpHttp: list(o.otelCollector.ports.otlpHttp) },
    },
    prometheus: { ...pods("prometheus", "prometheus"), ports: http("prometheus") },
    alertmanager: {
      ...pods("alertmanager", "alertmanager"),
      ports: { ...http("alertmanager"), cluster: list(o.alertmanager.ports.cluster) },
    },
    loki: { ...pods("loki", "loki"), ports: http("loki") },
    tempo: { ...pods("tempo", "tempo"), ports: { http: list(o.tempo.ports.http), otlpGrpc: list(o.tempo.ports.otlpGrpc) } },
    garage: { ...pods("garage", "garage"), ports: { s3: list(o.garage.ports.s3) } },
    grafana: { ...pods("grafana", "grafana"), ports: http("grafana") },
    postgresql: { ...pods("postgresql", "postgresql"), ports: { postgres: list(o.postgresql.ports.postgres) } },
    postgresExporter: { ...pods("postgresExporter", "postgres-exporter"), ports: {} },
    dns: { ...pods("dns", "kube-dns"), ports: { dns: list(o.dns.ports.dns) } },
  };
}

/**
 * Exactly what Prometheus scrapes: the prometheus component's own target
 * list (DNS names of the platform's services), each job's pods selected by
 * the app.kubernetes.io/name the job is named after.
 */
function scrapeTargets(ctx: Pick<RenderContext, "has" | "optionsOf">) {
  if (!ctx.has("prometheus")) return [];
  return platformTargets(ctx).map((t) => ({
    pods: { kind: "pods" as const, name: t.job, namespace: t.namespace, podLabels: { "app.kubernetes.io/name": t.job } },
    port: t.port,
  }));
}

function meshPeers(ctx: Pick<RenderContext, "has" | "optionsOf">, apps: PodPeer): MeshPeers {
  const waypointName = ctx.has("workloads") ? ctx.optionsOf<WorkloadsOptions>("workloads").waypointName : "waypoint";
  const istioNamespace = componentOption(ctx, "istio", "namespace", "string") ?? "istio-system";
  return {
    waypoint: { kind: "pods", name: "waypoint", namespace: apps.namespace, podLabels: { [WAYPOINT_LABEL]: waypointName } },
    istiod: { kind: "pods", name: "istiod", namespace: istioNamespace, podLabels: { app: "istiod" } },
    hbonePort: HBONE_PORT,
    xdsPort: ISTIOD_XDS_PORT,
    probeSource: AMBIENT_PROBE_SOURCE,
  };
}

/** One option of another component, when it is present and the option has the expected type. */
function componentOption<T extends "string" | "number">(
  ctx: Pick<RenderContext, "has" | "optionsOf">,
  component: string | undefined,
  key: string,
  type: T,
): (T extends "string" ? string : number) | undefined {
  if (!component || !ctx.has(component)) return undefined;
  const value = ctx.optionsOf<Record<string, unknown>>(component)[key];
  return typeof value === type ? (value as T extends "string" ? string : number) : undefined;
}
