import * as s from "../../config/schema.ts";
import { namespaceOption } from "./option-schemas.ts";

/**
 * Options of the network-policy component: where each peer of the platform's
 * data flows runs, which labels select its pods, and the ports it serves.
 * The defaults describe the reference platform; for a component present in
 * the environment, its own `namespace` (and `port`, where it has one) win
 * over these, so the policies follow the component when it moves.
 */

export interface PeerOptions<P extends string> {
  /** Namespace of the pods; used only when the component itself is absent or names none. */
  namespace: string;
  /** Labels every pod of the peer carries (the standard app.kubernetes.io/name). */
  podLabels: Record<string, string>;
  /** Container ports, by what they are for. */
  ports: Record<P, number>;
}

export interface NetworkPolicyOptions {
  /**
   * Which policy API to write. "auto": CiliumNetworkPolicy where the cilium
   * component is present, Kubernetes NetworkPolicy otherwise (kindnetd
   * enforces those since Kind 0.24). @default "auto"
   */
  engine: "auto" | "kubernetes" | "cilium";
  /**
   * Address ranges of the Kind nodes (the Docker network Kind creates). Kubelet
   * probes, NodePort traffic and the API server are seen at these addresses by
   * kindnetd. The default covers Docker's default address pools; if Docker is
   * set up with other pools, put `docker network inspect kind`'s subnet here.
   * @default ["172.16.0.0/12", "192.168.0.0/16"]
   */
  nodeCidrs: string[];
  /** Port the API server listens on inside the control-plane node. @default 6443 */
  apiServerPort: number;
  /**
   * Peers that use the Kubernetes API: Traefik's providers watch Ingresses and
   * Services, Garage's bootstrap Job stores keys in Secrets. (Prometheus finds
   * its targets through DNS and needs no API access.) @default ["traefik", "garage"]
   */
  kubeApiClients: PeerName[];
  /** Ports application pods in the app namespace serve. @default [8080] */
  appPorts: number[];
  traefik: PeerOptions<"web" | "websecure">;
  apps: Omit<PeerOptions<never>, "ports">;
  otelCollector: PeerOptions<"otlpGrpc" | "otlpHttp">;
  prometheus: PeerOptions<"http">;
  alertmanager: PeerOptions<"http" | "cluster">;
  loki: PeerOptions<"http">;
  tempo: PeerOptions<"http" | "otlpGrpc">;
  garage: PeerOptions<"s3">;
  grafana: PeerOptions<"http">;
  postgresql: PeerOptions<"postgres">;
  /** Prometheus' postgres_exporter, which runs next to PostgreSQL. */
  postgresExporter: Omit<PeerOptions<never>, "ports">;
  /** The cluster DNS pods (CoreDNS in kube-system on Kind). */
  dns: PeerOptions<"dns">;
}

export const PEER_NAMES = [
  "traefik",
  "apps",
  "otelCollector",
  "prometheus",
  "alertmanager",
  "loki",
  "tempo",
  "garage",
  "grafana",
  "postgresql",
  "postgresExporter",
  "dns",
] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** The component each peer is, for reading its namespace and port through the render context. */
export const PEER_COMPONENTS: Record<PeerName, string | undefined> = {
  traefik: "traefik",
  apps: "workloads",
  otelCollector: "otel-collector",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  tempo: "tempo",
  garage: "garage",
  grafana: "grafana",
  postgresql: "postgresql",
  // Rendered by the prometheus component into PostgreSQL's namespace.
  postgresExporter: "postgresql",
  dns: undefined,
};

const NAMESPACE = namespaceOption;
const PORT = s.int({ min: 1, max: 65535 });

function peer<const P extends string>(portNames: readonly P[]) {
  const ports = Object.fromEntries(portNames.map((p) => [p, PORT])) as Record<P, s.Schema<number>>;
  return s.object({ namespace: NAMESPACE, podLabels: s.record(s.string({ minLength: 1 })), ports: s.object(ports) });
}

export const networkPolicyOptionsSchema = s.object({
  engine: s.oneOf(["auto", "kubernetes", "cilium"] as const),
  nodeCidrs: s.array(s.string({ pattern: /^[0-9.]+\/[0-9]{1,2}$/, patternHint: 'an IPv4 CIDR such as "172.18.0.0/16"' }), { minItems: 1 }),
  apiServerPort: PORT,
  kubeApiClients: s.array(s.oneOf(PEER_NAMES)),
  appPorts: s.array(PORT, { minItems: 1 }),
  traefik: peer(["web", "websecure"]),
  apps: s.object({ namespace: NAMESPACE, podLabels: s.record(s.string({ minLength: 1 })) }),
  otelCollector: peer(["otlpGrpc", "otlpHttp"]),
  prometheus: peer(["http"]),
  alertmanager: peer(["http", "cluster"]),
  loki: peer(["http"]),
  tempo: peer(["http", "otlpGrpc"]),
  garage: peer(["s3"]),
  grafana: peer(["http"]),
  postgresql: peer(["postgres"]),
  postgresExporter: s.object({ namespace: NAMESPACE, podLabels: s.record(s.string({ minLength: 1 })) }),
  dns: peer(["dns"]),
}) as s.ObjectSchema<NetworkPolicyOptions>;

const named = (name: string) => ({ "app.kubernetes.io/name": name });

export function networkPolicyDefaults(): NetworkPolicyOptions {
  return {
    engine: "auto",
    nodeCidrs: ["172.16.0.0/12", "192.168.0.0/16"],
    apiServerPort: 6443,
    kubeApiClients: ["traefik", "garage"],
    appPorts: [8080],
    // Traefik's chart listens on 8000/8443 inside the pod (ports.web.port / ports.websecure.port).
    traefik: { namespace: "edge", podLabels: named("traefik"), ports: { web: 8000, websecure: 8443 } },
    apps: { namespace: "apps", podLabels: {} },
    otelCollector: { namespace: "observability", podLabels: named("otel-collector"), ports: { otlpGrpc: 4317, otlpHttp: 4318 } },
    prometheus: { namespace: "observability", podLabels: named("prometheus"), ports: { http: 9090 } },
    alertmanager: { namespace: "observability", podLabels: named("alertmanager"), ports: { http: 9093, cluster: 9094 } },
    loki: { namespace: "observability", podLabels: named("loki"), ports: { http: 3100 } },
    tempo: { namespace: "observability", podLabels: named("tempo"), ports: { http: 3200, otlpGrpc: 4317 } },
    garage: { namespace: "observability", podLabels: named("garage"), ports: { s3: 3900 } },
    grafana: { namespace: "observability", podLabels: named("grafana"), ports: { http: 3000 } },
    postgresql: { namespace: "data", podLabels: named("postgresql"), ports: { postgres: 5432 } },
    postgresExporter: { namespace: "data", podLabels: named("postgres-exporter") },
    dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, ports: { dns: 53 } },
  };
}
