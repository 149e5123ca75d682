/**
 * The network-policy component: the objects it renders per profile, and —
 * through small evaluators of both policy languages — that exactly the
 * platform's data flows are reachable and the obvious shortcuts are not.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { POSTGRES_EXPORTER_PORT } from "../../../src/components/lib/prometheus-postgres-exporter.ts";
import { NETWORK_POLICY_APP, networkPlan } from "../../../src/components/network-policy.ts";
import type { ProfileName } from "../../../src/components/types.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { createValidator } from "../../../src/validate/index.ts";
import { ciliumAllows, type Endpoint, kubernetesAllows } from "./network-policy-evaluate.ts";
import { app, appsOf, environmentOf } from "./profiles-environment.ts";

const policiesOf = (profile: ProfileName, components: Record<string, unknown> = {}) =>
  app(appsOf(profile, components), NETWORK_POLICY_APP).objects as KubeObject[];

/** Where each component runs in a resolved environment (its own `namespace` option). */
function namespaces(profile: ProfileName): Record<string, string> {
  const env = environmentOf(profile);
  return Object.fromEntries(env.components.map((c) => [c.component.name, (c.options as { namespace?: string }).namespace ?? ""]));
}

let nextIp = 1;
const pod = (namespace: string, name: string, extra: Record<string, string> = {}): Endpoint => ({
  kind: "pod",
  namespace,
  labels: { "app.kubernetes.io/name": name, ...extra },
  ip: `10.244.1.${nextIp++}`,
});
const NODE: Endpoint = { kind: "ip", ip: "172.18.0.3", entity: "host" };
const OTHER_NODE: Endpoint = { kind: "ip", ip: "172.18.0.4", entity: "remote-node" };
const API_SERVER: Endpoint = { kind: "ip", ip: "172.18.0.2", entity: "kube-apiserver" };
const INTERNET: Endpoint = { kind: "ip", ip: "203.0.113.9", entity: "world" };
const AMBIENT_PROBE: Endpoint = { kind: "ip", ip: "169.254.7.127", entity: "world" };

function cast(profile: ProfileName) {
  const ns = namespaces(profile);
  return {
    traefik: pod(ns.traefik as string, "traefik"),
    app: pod(ns.workloads as string, "shop"),
    otherApp: pod(ns.workloads as string, "orders"),
    waypoint: pod(ns.workloads as string, "waypoint", { "gateway.networking.k8s.io/gateway-name": "waypoint" }),
    otel: pod(ns["otel-collector"] as string, "otel-collector"),
    prometheus: pod(ns.prometheus as string, "prometheus"),
    alertmanager: pod(ns.alertmanager as string, "alertmanager"),
    alertmanager2: pod(ns.alertmanager as string, "alertmanager"),
    loki: pod(ns.loki as string, "loki"),
    tempo: pod(ns.tempo as string, "tempo"),
    garage: pod(ns.garage as string, "garage"),
    grafana: pod(ns.grafana as string, "grafana"),
    postgresql: pod(ns.postgresql as string, "postgresql"),
    postgresExporter: pod(ns.postgresql as string, "postgres-exporter"),
    dns: { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: "10.244.0.2" } as Endpoint,
    istiod: { kind: "pod", namespace: "istio-system", labels: { app: "istiod" }, ip: "10.244.0.3" } as Endpoint,
  };
}

type Cast = ReturnType<typeof cast>;
type Case = [string, (c: Cast) => Endpoint, (c: Cast) => Endpoint, number, ("TCP" | "UDP")?];

/** DESIGN.md's data flows, plus what the platform cannot run without. */
const ALLOWED: Case[] = [
  ["client → Traefik HTTP (NodePort, SNATed to the node)", () => NODE, (c) => c.traefik, 8000],
  ["client → Traefik HTTPS via another node", () => OTHER_NODE, (c) => c.traefik, 8443],
  ["Traefik → app pod", (c) => c.traefik, (c) => c.app, 8080],
  ["app → OTel Collector (OTLP gRPC)", (c) => c.app, (c) => c.otel, 4317],
  ["app → OTel Collector (OTLP HTTP)", (c) => c.app, (c) => c.otel, 4318],
  ["OTel Collector → Prometheus (remote write)", (c) => c.otel, (c) => c.prometheus, 9090],
  ["OTel Collector → Loki (OTLP HTTP)", (c) => c.otel, (c) => c.loki, 3100],
  ["OTel Collector → Tempo (OTLP gRPC)", (c) => c.otel, (c) => c.tempo, 4317],
  ["Loki → Garage S3", (c) => c.loki, (c) => c.garage, 3900],
  ["Tempo → Garage S3", (c) => c.tempo, (c) => c.garage, 3900],
  ["Grafana → Prometheus", (c) => c.grafana, (c) => c.prometheus, 9090],
  ["Grafana → Loki", (c) => c.grafana, (c) => c.loki, 3100],
  ["Grafana → Tempo", (c) => c.grafana, (c) => c.tempo, 3200],
  ["app → PostgreSQL", (c) => c.app, (c) => c.postgresql, 5432],
  ["any pod → cluster DNS (UDP)", (c) => c.postgresql, (c) => c.dns, 53, "UDP"],
  ["any pod → cluster DNS (TCP)", (c) => c.app, (c) => c.dns, 53],
  ["kubelet → any pod's probe port", () => NODE, (c) => c.loki, 3100],
  ["kubelet → PostgreSQL probe", () => NODE, (c) => c.postgresql, 5432],
  ["host → Grafana UI", () => NODE, (c) => c.grafana, 3000],
  ["host → Prometheus UI", () => NODE, (c) => c.prometheus, 9090],
  ["host → Alertmanager UI", () => NODE, (c) => c.alertmanager, 9093],
  ["Prometheus → Alertmanager", (c) => c.prometheus, (c) => c.alertmanager, 9093],
  ["Alertmanager replicas gossip (UDP)", (c) => c.alertmanager, (c) => c.alertmanager2, 9094, "UDP"],
  ["Tempo metrics generator → Prometheus", (c) => c.tempo, (c) => c.prometheus, 9090],
  ["Prometheus scrapes the OTel Collector's metrics", (c) => c.prometheus, (c) => c.otel, 8888],
  ["Prometheus scrapes Loki", (c) => c.prometheus, (c) => c.loki, 3100],
  ["Prometheus scrapes postgres_exporter", (c) => c.prometheus, (c) => c.postgresExporter, POSTGRES_EXPORTER_PORT],
  ["Traefik → Kubernetes API", (c) => c.traefik, () => API_SERVER, 6443],
];

/** Shortcuts around the designed paths, and traffic nothing needs. */
const DENIED: Case[] = [
  ["app → Loki directly (bypassing the collector)", (c) => c.app, (c) => c.loki, 3100],
  ["app → Prometheus directly", (c) => c.app, (c) => c.prometheus, 9090],
  ["app → Tempo directly", (c) => c.app, (c) => c.tempo, 4317],
  ["app → Garage", (c) => c.app, (c) => c.garage, 3900],
  ["app → another app", (c) => c.app, (c) => c.otherApp, 8080],
  ["app → Traefik", (c) => c.app, (c) => c.traefik, 8000],
  ["app → Kubernetes API", (c) => c.app, () => API_SERVER, 6443],
  ["app → internet", (c) => c.app, () => INTERNET, 443],
  ["Traefik → app on a port apps do not serve", (c) => c.traefik, (c) => c.app, 9999],
  ["Traefik → PostgreSQL", (c) => c.traefik, (c) => c.postgresql, 5432],
  ["Traefik → Grafana", (c) => c.traefik, (c) => c.grafana, 3000],
  ["OTel Collector → PostgreSQL", (c) => c.otel, (c) => c.postgresql, 5432],
  ["OTel Collector → internet", (c) => c.otel, () => INTERNET, 443],
  ["Grafana → Garage", (c) => c.grafana, (c) => c.garage, 3900],
  ["Grafana → PostgreSQL", (c) => c.grafana, (c) => c.postgresql, 5432],
  ["Loki → Tempo", (c) => c.loki, (c) => c.tempo, 3200],
  ["PostgreSQL → app", (c) => c.postgresql, (c) => c.app, 8080],
  ["Garage → Loki", (c) => c.garage, (c) => c.loki, 3100],
  ["a pod → Grafana (only the host reaches UIs)", (c) => c.otel, (c) => c.grafana, 3000],
  ["internet → PostgreSQL", () => INTERNET, (c) => c.postgresql, 5432],
  ["Prometheus → Kubernetes API (it finds its targets through DNS)", (c) => c.prometheus, () => API_SERVER, 6443],
  ["Prometheus → an app (apps send metrics over OTLP)", (c) => c.prometheus, (c) => c.app, 8080],
  ["Prometheus → PostgreSQL itself", (c) => c.prometheus, (c) => c.postgresql, 5432],
];

function checkReachability(
  profile: ProfileName,
  allows: (p: KubeObject[], c: { from: Endpoint; to: Endpoint; port: number; protocol?: "TCP" | "UDP" }) => boolean,
) {
  const policies = policiesOf(profile);
  const c = cast(profile);
  for (const [what, from, to, port, protocol] of ALLOWED) {
    it(`allows ${what}`, () => assert.equal(allows(policies, { from: from(c), to: to(c), port, protocol }), true));
  }
  for (const [what, from, to, port, protocol] of DENIED) {
    it(`denies ${what}`, () => assert.equal(allows(policies, { from: from(c), to: to(c), port, protocol }), false));
  }
}

describe("network-policy in dev-fast: Kubernetes NetworkPolicy (kindnetd)", () => {
  const policies = policiesOf("dev-fast");

  it("writes only NetworkPolicy, and a default-deny in every platform namespace", () => {
    assert.deepEqual([...new Set(policies.map((p) => p.kind))], ["NetworkPolicy"]);
    const denies = policies.filter((p) => p.metadata.name === "default-deny");
    assert.deepEqual(denies.map((p) => p.metadata.namespace).sort(), ["apps", "data", "edge", "garage", "observability"]);
    for (const d of denies) assert.deepEqual(d.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("leaves kube-system and istio-system alone", () => {
    assert.equal(
      policies.some((p) => p.metadata.namespace === "kube-system" || p.metadata.namespace === "istio-system"),
      false,
    );
  });

  it("says why on every object", () => {
    for (const p of policies) assert.ok(p.metadata.annotations?.["kindling.dev/why"], `${p.metadata.namespace}/${p.metadata.name}`);
  });

  it("names each object once per namespace", () => {
    const keys = policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it("has no mesh rules without the mesh", () => {
    assert.equal(JSON.stringify(policies).includes("169.254.7.127"), false);
    assert.equal(JSON.stringify(policies).includes("15008"), false);
  });

  it("renders objects that pass schema validation", async () => {
    const validator = await createValidator(policies);
    for (const p of policies) assert.deepEqual(validator.validate(p), [], `${p.metadata.namespace}/${p.metadata.name}`);
  });

  checkReachability("dev-fast", kubernetesAllows);
});

describe("network-policy in cilium: CiliumNetworkPolicy", () => {
  const policies = policiesOf("cilium");

  it("writes only CiliumNetworkPolicy, default-deny in both directions per platform namespace", () => {
    assert.deepEqual([...new Set(policies.map((p) => p.kind))], ["CiliumNetworkPolicy"]);
    const denies = policies.filter((p) => p.metadata.name === "default-deny");
    assert.deepEqual(denies.map((p) => p.metadata.namespace).sort(), ["apps", "data", "edge", "garage", "observability"]);
    for (const d of denies) assert.deepEqual(d.spec, { endpointSelector: {}, ingress: [{}], egress: [{}] });
  });

  it("waits for Cilium, whose operator registers the policy CRD", () => {
    assert.deepEqual(app(appsOf("cilium"), NETWORK_POLICY_APP).dependsOn, ["cilium", "workloads"]);
  });

  it("renders objects that pass schema validation (kindling's Cilium policy schema)", async () => {
    const validator = await createValidator(policies);
    for (const p of policies) assert.deepEqual(validator.validate(p), [], `${p.metadata.namespace}/${p.metadata.name}`);
  });

  checkReachability("cilium", ciliumAllows);
});

describe("network-policy in full: Cilium under the Istio ambient mesh", () => {
  const policies = policiesOf("full");
  const c = cast("full");
  const allows = (from: Endpoint, to: Endpoint, port: number) => ciliumAllows(policies, { from, to, port });

  it("lets kubelet probes in from ambient's link-local SNAT address", () => {
    assert.equal(allows(AMBIENT_PROBE, c.app, 8080), true);
    assert.equal(allows(AMBIENT_PROBE, c.traefik, 8000), true);
    assert.equal(allows(AMBIENT_PROBE, c.postgresql, 5432), true);
  });

  it("routes Traefik → waypoint → app over HBONE (15008)", () => {
    assert.equal(allows(c.traefik, c.waypoint, 15008), true);
    assert.equal(allows(c.waypoint, c.app, 15008), true);
    assert.equal(allows(c.traefik, c.app, 15008), true, "a meshed sender tunnels to a pod without a waypoint");
  });

  it("lets the waypoint reach istiod, and nothing else out of its namespace", () => {
    assert.equal(allows(c.waypoint, c.istiod, 15012), true);
    assert.equal(allows(c.waypoint, c.postgresql, 5432), false);
    assert.equal(allows(c.app, c.istiod, 15012), false);
  });

  it("keeps app → app closed over HBONE too", () => {
    assert.equal(allows(c.app, c.otherApp, 15008), false);
    assert.equal(allows(c.app, c.waypoint, 15008), false);
  });

  it("writes the same mesh rules as NetworkPolicy when asked for the Kubernetes API", () => {
    const k8s = policiesOf("full", { "network-policy": { engine: "kubernetes" } });
    const k = (from: Endpoint, to: Endpoint, port: number) => kubernetesAllows(k8s, { from, to, port });
    assert.equal(k(AMBIENT_PROBE, c.app, 8080), true);
    assert.equal(k(c.traefik, c.waypoint, 15008), true);
    assert.equal(k(c.waypoint, c.app, 15008), true);
    assert.equal(k(c.app, c.otherApp, 15008), false);
  });
});

describe("network-policy with the optional Cloudflare Tunnel", () => {
  it("opens the tunnel's way out (7844 to the internet) and in (to Traefik), and nothing more", (t) => {
    let policies: KubeObject[];
    try {
      policies = policiesOf("dev-fast", { cloudflared: { enabled: true } });
    } catch (e) {
      // cloudflared is another part's component; where it is not registered there is nothing to test here.
      if (/unknown component/.test(String(e))) return t.skip("the cloudflared component is not registered in this tree");
      throw e;
    }
    const c = cast("dev-fast");
    const tunnel: Endpoint = { kind: "pod", namespace: "edge", labels: { "app.kubernetes.io/name": "cloudflared" }, ip: "10.244.1.200" };
    const k = (to: Endpoint, port: number, protocol?: "TCP" | "UDP") => kubernetesAllows(policies, { from: tunnel, to, port, protocol });
    assert.equal(k(INTERNET, 7844, "UDP"), true);
    assert.equal(k(INTERNET, 7844), true);
    assert.equal(k(c.traefik, 8000), true);
    assert.equal(k(INTERNET, 443), false);
    assert.equal(k(c.app, 8080), false, "the tunnel goes through Traefik, never straight to an app");
    assert.equal(k(NODE, 7844), false, "public addresses only");
    assert.equal(kubernetesAllows(policies, { from: c.traefik, to: INTERNET, port: 7844 }), false);
  });
});

describe("network-policy follows the components it connects", () => {
  it("takes a component's namespace from the component itself", () => {
    const policies = policiesOf("dev-fast", { postgresql: { namespace: "db" } });
    assert.ok(policies.some((p) => p.metadata.namespace === "db" && p.metadata.name === "default-deny"));
    const c = cast("dev-fast");
    const moved = { ...(c.postgresql as Extract<Endpoint, { kind: "pod" }>), namespace: "db" };
    assert.equal(kubernetesAllows(policies, { from: c.app, to: moved, port: 5432 }), true);
    assert.equal(kubernetesAllows(policies, { from: c.app, to: c.postgresql, port: 5432 }), false);
  });

  it("lists every flow with its origin: design flows are DESIGN.md's, platform flows say why they are needed", () => {
    const env = environmentOf("full");
    const present = new Map(env.components.map((x) => [x.component.name, x.options]));
    const ctx = { has: (n: string) => present.has(n), optionsOf: <O>(n: string) => present.get(n) as O };
    const plan = networkPlan(ctx, present.get("network-policy") as never);
    const design = plan.flows.filter((f) => f.origin === "design").map((f) => f.id);
    assert.deepEqual(design, [
      "client-to-traefik",
      "traefik-to-apps",
      "traefik-to-waypoint",
      "waypoint-to-apps",
      "apps-to-otel-collector",
      "otel-collector-to-prometheus",
      "otel-collector-to-loki",
      "otel-collector-to-tempo",
      "loki-to-garage",
      "tempo-to-garage",
      "grafana-to-prometheus",
      "grafana-to-loki",
      "grafana-to-tempo",
      "apps-to-postgresql",
    ]);
    for (const f of plan.flows) assert.ok(f.why.length > 10, f.id);
  });
});
