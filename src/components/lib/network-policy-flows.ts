import type { NetworkPolicyOptions, PeerName } from "./network-policy-options.ts";
import { type Flow, type NetworkPlan, type PodPeer, tcp } from "./network-policy-plan.ts";

/**
 * The flows of the reference platform, from DESIGN.md:
 *   client → Traefik (edge) → ztunnel → waypoint (app namespace) → app pod;
 *   app → OTel Collector (OTLP) → Prometheus / Loki / Tempo;
 *   Loki, Tempo → Garage S3;  Grafana → Prometheus, Loki, Tempo;  app → PostgreSQL;
 * plus the few the platform cannot run without (marked origin "platform",
 * each with its reason): DNS, kubelet probes, the host-published UIs, the API
 * server for the components that watch it, and the mesh's own control paths.
 */

/**
 * The pods the flows connect, with the ports each one serves: the port names
 * are the network-policy options' own; application pods serve "http" (the
 * appPorts option) and Prometheus' postgres_exporter is only a client.
 */
export type PlatformPeers = { [K in PeerName]: PeerWithPorts<K extends "apps" ? "http" : PortNames<NetworkPolicyOptions[K]>> };

type PortNames<O> = O extends { ports: infer R } ? keyof R & string : never;

export type PeerWithPorts<P extends string> = PodPeer & { ports: Record<P, number[]> };

export interface MeshPeers {
  /** The waypoint pods in the app namespace. */
  waypoint: PodPeer;
  istiod: PodPeer;
  hbonePort: number;
  xdsPort: number;
  probeSource: string;
}

export interface ScrapeTargetPeer {
  pods: PodPeer;
  port: number;
}

export interface PlanInput {
  peers: PlatformPeers;
  /** The Cloudflare Tunnel connector, when the optional cloudflared component is on. */
  cloudflared?: PodPeer;
  /** What Prometheus scrapes (the prometheus component's own list), each the pods of one job and the port it scrapes. */
  scrapeTargets: ScrapeTargetPeer[];
  /** Present when the Istio ambient mesh is on. */
  mesh?: MeshPeers;
  /** Names of peers (keys of PlatformPeers) that watch the Kubernetes API. */
  kubeApiClients: (keyof PlatformPeers)[];
  nodeCidrs: string[];
  apiServerPort: number;
}

const ports = (...lists: number[][]) => lists.flat().map(tcp);

export function platformPlan(input: PlanInput): NetworkPlan {
  const { peers: p, mesh } = input;
  const flows: Flow[] = [];
  const design = (id: string, from: Flow["from"], to: Flow["to"], portList: number[], why: string) =>
    flows.push({ id, from, to, ports: ports(portList), origin: "design", why });
  const platform = (id: string, from: Flow["from"], to: Flow["to"], portList: Flow["ports"], why: string) =>
    flows.push({ id, from, to, ports: portList, origin: "platform", why });

  // --- DESIGN.md data flows -------------------------------------------------
  design(
    "client-to-traefik",
    { kind: "outside" },
    p.traefik,
    [...p.traefik.ports.web, ...p.traefik.ports.websecure],
    "client → Traefik (edge), through the host-published NodePorts",
  );
  design(
    "traefik-to-apps",
    p.traefik,
    p.apps,
    [...p.apps.ports.http, ...(mesh ? [mesh.hbonePort] : [])],
    mesh ? "Traefik → app pod; HBONE (15008) when the sender is enrolled in the ambient mesh" : "Traefik → app pod",
  );
  if (mesh) {
    design(
      "traefik-to-waypoint",
      p.traefik,
      mesh.waypoint,
      [mesh.hbonePort],
      "Traefik → ztunnel → waypoint: ambient tunnels to the waypoint over HBONE",
    );
    design("waypoint-to-apps", mesh.waypoint, p.apps, [mesh.hbonePort], "waypoint → app pod, over HBONE");
  }
  design(
    "apps-to-otel-collector",
    p.apps,
    p.otelCollector,
    [...p.otelCollector.ports.otlpGrpc, ...p.otelCollector.ports.otlpHttp],
    "app → OTel Collector (OTLP gRPC and HTTP)",
  );
  design(
    "otel-collector-to-prometheus",
    p.otelCollector,
    p.prometheus,
    p.prometheus.ports.http,
    "OTel Collector → Prometheus (remote write)",
  );
  design("otel-collector-to-loki", p.otelCollector, p.loki, p.loki.ports.http, "OTel Collector → Loki (OTLP HTTP)");
  design("otel-collector-to-tempo", p.otelCollector, p.tempo, p.tempo.ports.otlpGrpc, "OTel Collector → Tempo (OTLP gRPC)");
  design("loki-to-garage", p.loki, p.garage, p.garage.ports.s3, "Loki → Garage (S3: chunks and rules)");
  design("tempo-to-garage", p.tempo, p.garage, p.garage.ports.s3, "Tempo → Garage (S3: trace blocks)");
  design("grafana-to-prometheus", p.grafana, p.prometheus, p.prometheus.ports.http, "Grafana → Prometheus (data source)");
  design("grafana-to-loki", p.grafana, p.loki, p.loki.ports.http, "Grafana → Loki (data source)");
  design("grafana-to-tempo", p.grafana, p.tempo, p.tempo.ports.http, "Grafana → Tempo (data source)");
  design("apps-to-postgresql", p.apps, p.postgresql, p.postgresql.ports.postgres, "app → PostgreSQL");

  // --- what the platform needs besides --------------------------------------
  for (const [id, peer, why] of [
    ["host-to-prometheus", p.prometheus, "the Prometheus UI on its host port (30090)"],
    ["host-to-alertmanager", p.alertmanager, "the Alertmanager UI on its host port (30093)"],
    ["host-to-grafana", p.grafana, "the Grafana UI on its host port (30300)"],
  ] as const) {
    platform(id, { kind: "outside" }, peer, ports(peer.ports.http), why);
  }
  platform(
    "prometheus-to-alertmanager",
    p.prometheus,
    p.alertmanager,
    ports(p.alertmanager.ports.http),
    "Prometheus → Alertmanager: without it no alert leaves Prometheus",
  );
  platform(
    "alertmanager-to-alertmanager",
    p.alertmanager,
    p.alertmanager,
    p.alertmanager.ports.cluster.flatMap((port) => [tcp(port), { port, protocol: "UDP" as const }]),
    "Alertmanager replicas gossip silences and notification state (memberlist, TCP and UDP), so an alert is sent once",
  );
  platform(
    "tempo-to-prometheus",
    p.tempo,
    p.prometheus,
    ports(p.prometheus.ports.http),
    "Tempo's metrics generator → Prometheus (remote write): the service graph and span metrics behind trace→metrics and the service map",
  );
  for (const target of input.scrapeTargets) {
    platform(
      `prometheus-scrapes-${target.pods.name}`,
      p.prometheus,
      target.pods,
      [tcp(target.port)],
      `Prometheus scrapes ${target.pods.name}'s metrics`,
    );
  }
  platform(
    "postgres-exporter-to-postgresql",
    p.postgresExporter,
    p.postgresql,
    ports(p.postgresql.ports.postgres),
    "postgres_exporter reads PostgreSQL's statistics for Prometheus",
  );
  platform(
    "garage-to-garage",
    p.garage,
    p.garage,
    [],
    "Garage nodes replicate over RPC, and the bootstrap Job configures Garage through its admin API",
  );
  for (const name of input.kubeApiClients) {
    platform(
      `${p[name].name}-to-apiserver`,
      p[name],
      { kind: "apiserver" },
      [tcp(input.apiServerPort)],
      `${p[name].name} watches the Kubernetes API`,
    );
  }
  if (input.cloudflared) {
    const tunnel = input.cloudflared;
    platform(
      "cloudflared-to-cloudflare",
      tunnel,
      { kind: "internet" },
      [tcp(7844), { port: 7844, protocol: "UDP" }],
      "the Cloudflare Tunnel connector dials Cloudflare's edge on 7844 (QUIC over UDP, HTTP/2 over TCP as fallback)",
    );
    platform(
      "cloudflared-to-traefik",
      tunnel,
      p.traefik,
      ports(p.traefik.ports.web),
      "requests arriving through the tunnel enter the platform at Traefik, like any client's",
    );
  }
  if (mesh) {
    platform(
      "waypoint-to-istiod",
      mesh.waypoint,
      mesh.istiod,
      [tcp(mesh.xdsPort)],
      "the waypoint gets its configuration and certificates from istiod (xDS)",
    );
  }

  // Default-deny where the platform's own workloads run; kube-system and
  // istio-system (the CNI and the mesh) are infrastructure and stay as their charts set them.
  const { dns: _dns, ...workloadPeers } = p;
  const guarded = [...Object.values(workloadPeers), ...(input.cloudflared ? [input.cloudflared] : [])];
  const sorted = [...new Set(guarded.map((peer) => peer.namespace))].sort();
  for (const ns of sorted) {
    const all: PodPeer = { kind: "pods", name: "all", namespace: ns, podLabels: {} };
    platform(
      "dns",
      all,
      p.dns,
      p.dns.ports.dns.flatMap((port) => [{ port, protocol: "UDP" as const }, tcp(port)]),
      "name resolution through the cluster DNS",
    );
    platform(
      "kubelet-probes",
      { kind: "kubelet" },
      all,
      [],
      mesh
        ? "kubelet probes, which the ambient mesh rewrites to come from 169.254.7.127"
        : "kubelet liveness, readiness and startup probes",
    );
  }
  return {
    namespaces: sorted,
    flows,
    nodeCidrs: input.nodeCidrs,
    ...(mesh ? { meshProbeCidr: `${mesh.probeSource}/32` } : {}),
    apiServerPort: input.apiServerPort,
  };
}
