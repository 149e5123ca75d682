import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import {
  builderConfig,
  builderConfigHash,
  builderConfigYaml,
  collectorImage,
  dockerfile,
  RUNTIME_UID,
} from "../../../src/components/lib/otelcol-builder.ts";
import { COLLECTOR_PORTS, EXPORTERS } from "../../../src/components/lib/otelcol-config.ts";
import {
  componentTypes,
  contrib,
  kindlingDistribution,
  OTELCOL_RELEASE,
  OTELCOL_STABLE_RELEASE,
  withModules,
} from "../../../src/components/lib/otelcol-distribution.ts";
import { collectorEndpoints, type OtelCollectorOptions, otelCollector } from "../../../src/components/otel-collector.ts";
import { assertRestricted, contextWith, find, type Loose, podSpec, resolveOptions } from "./otel-helpers.ts";

const resolve = (overrides: unknown = {}, env = "local") => resolveOptions<OtelCollectorOptions>(otelCollector, overrides, env);
const render = (overrides: unknown = {}, env = "local", present: Record<string, unknown> = {}) => {
  const apps = otelCollector.render(contextWith(present, env), resolve(overrides, env).options);
  assert.equal(apps.length, 1);
  return apps[0]?.objects ?? [];
};
const renderedConfig = (objects = render()): Loose => parse((find(objects, "ConfigMap", "otel-collector").data as Loose)["config.yaml"]);

describe("otel-collector distribution and builder config", () => {
  it("pins every module to the collector release that ocb and telemetrygen are pinned to", () => {
    const versions = readFileSync(new URL("../../../scripts/tools/versions.env", import.meta.url), "utf8");
    assert.match(versions, new RegExp(`^OCB_VERSION=${OTELCOL_RELEASE}$`, "m"));
    assert.match(versions, new RegExp(`^TELEMETRYGEN_VERSION=${OTELCOL_RELEASE}$`, "m"));
    const cfg = builderConfig(kindlingDistribution) as Loose;
    for (const kind of ["receivers", "processors", "exporters", "extensions"]) {
      for (const m of cfg[kind]) assert.match(m.gomod, new RegExp(` ${OTELCOL_RELEASE}$`), m.gomod);
    }
    for (const p of cfg.providers) assert.match(p.gomod, new RegExp(` ${OTELCOL_STABLE_RELEASE}$`), p.gomod);
    assert.equal(cfg.telemetry.gomod, `go.opentelemetry.io/collector/service ${OTELCOL_RELEASE}`);
  });

  it("holds exactly what the pipelines need: OTLP in; batch, memory_limiter; OTLP gRPC, OTLP HTTP, remote write out; health check", () => {
    const types = componentTypes(kindlingDistribution);
    assert.deepEqual([...types.receivers], ["otlp"]);
    assert.deepEqual([...types.processors].sort(), ["batch", "memory_limiter"]);
    assert.deepEqual([...types.exporters].sort(), ["otlp_grpc", "otlp_http", "prometheus_remote_write"]);
    assert.deepEqual([...types.extensions], ["health_check"]);
  });

  it("is byte-stable, and its hash (cache key and image tag) follows the module list", () => {
    assert.equal(builderConfigYaml(kindlingDistribution), builderConfigYaml(kindlingDistribution));
    const more = withModules(kindlingDistribution, { exporters: [contrib("exporter/fileexporter", "file")] });
    assert.notEqual(builderConfigHash(more), builderConfigHash(kindlingDistribution));
    assert.match(collectorImage(kindlingDistribution), /^kindling\.local\/otelcol-kindling:0\.161\.0-kindling-[0-9a-f]{12}$/);
  });

  it("Dockerfile: pinned ocb builds builder-config.yaml; the static binary runs non-root as the Deployment's uid", () => {
    const text = dockerfile(kindlingDistribution);
    assert.match(text, new RegExp(`go install go\\.opentelemetry\\.io/collector/cmd/builder@${OTELCOL_RELEASE}\\n`));
    assert.match(text, /^COPY builder-config\.yaml \.$/m);
    assert.match(text, /^COPY --from=build \/build\/_build\/otelcol-kindling \/otelcol-kindling$/m);
    assert.match(text, new RegExp(`^USER ${RUNTIME_UID}:${RUNTIME_UID}$`, "m"));
    assert.equal(podSpec(find(render(), "Deployment", "otel-collector")).securityContext.runAsUser, RUNTIME_UID);
  });
});

describe("otel-collector config", () => {
  it("routes traces to Tempo (OTLP gRPC), metrics to Prometheus (remote write), logs to Loki (OTLP HTTP)", () => {
    const c = renderedConfig();
    const exporters = (p: string) => c.service.pipelines[p].exporters;
    assert.deepEqual(exporters("traces"), [EXPORTERS.tempo]);
    assert.deepEqual(exporters("metrics"), [EXPORTERS.prometheus]);
    assert.deepEqual(exporters("logs"), [EXPORTERS.loki]);
    assert.deepEqual(c.exporters[EXPORTERS.tempo], { endpoint: "tempo.observability.svc:4317", tls: { insecure: true } });
    assert.equal(c.exporters[EXPORTERS.loki].endpoint, "http://loki.observability.svc:3100/otlp");
    assert.equal(c.exporters[EXPORTERS.prometheus].http.endpoint, "http://prometheus.observability.svc:9090/api/v1/write");
  });

  it("puts memory_limiter first and batch last in every pipeline, and names only components it defines", () => {
    const c = renderedConfig();
    const types = componentTypes(kindlingDistribution);
    for (const [name, p] of Object.entries(c.service.pipelines as Record<string, Loose>)) {
      assert.deepEqual(p.processors, ["memory_limiter", "batch"], name);
      for (const kind of ["receivers", "processors", "exporters"] as const) {
        for (const id of p[kind]) {
          assert.ok(id in c[kind], `${name} names ${kind} ${id}, which is not defined`);
          assert.ok(types[kind].has(id.split("/")[0]), `${id} is not in the distribution`);
        }
      }
    }
    for (const id of c.service.extensions) assert.ok(types.extensions.has(id));
  });

  it("listens on the pod IP only, with the health check and internal metrics on their ports", () => {
    const c = renderedConfig();
    assert.equal(c.receivers.otlp.protocols.grpc.endpoint, `\${env:MY_POD_IP}:${COLLECTOR_PORTS.otlpGrpc}`);
    assert.equal(c.receivers.otlp.protocols.http.endpoint, `\${env:MY_POD_IP}:${COLLECTOR_PORTS.otlpHttp}`);
    assert.equal(c.extensions.health_check.endpoint, `\${env:MY_POD_IP}:${COLLECTOR_PORTS.health}`);
    assert.equal(c.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port, COLLECTOR_PORTS.metrics);
  });

  it("takes memory limiter and batch settings from options", () => {
    const c = renderedConfig(render({ memoryLimiter: { limitPercentage: 70, spikeLimitPercentage: 15 }, batch: { timeout: "1s" } }));
    assert.deepEqual(c.processors.memory_limiter, { check_interval: "1s", limit_percentage: 70, spike_limit_percentage: 15 });
    assert.deepEqual(c.processors.batch, { send_batch_size: 8192, send_batch_max_size: 10000, timeout: "1s" });
  });
});

describe("otel-collector wiring", () => {
  const o = resolve().options;
  it("uses the platform defaults when Tempo, Loki and Prometheus are absent", () => {
    assert.deepEqual(collectorEndpoints(contextWith(), o), {
      tempoEndpoint: "tempo.observability.svc:4317",
      lokiEndpoint: "http://loki.observability.svc:3100/otlp",
      remoteWriteUrl: "http://prometheus.observability.svc:9090/api/v1/write",
    });
  });

  it("follows the namespaces of the components that are present", () => {
    const ctx = contextWith({ tempo: { namespace: "tracing" }, loki: { namespace: "logging" }, prometheus: { namespace: "metrics" } });
    assert.deepEqual(collectorEndpoints(ctx, o), {
      tempoEndpoint: "tempo.tracing.svc:4317",
      lokiEndpoint: "http://loki.logging.svc:3100/otlp",
      remoteWriteUrl: "http://prometheus.metrics.svc:9090/api/v1/write",
    });
  });

  it("lets an explicit option win over wiring", () => {
    const ctx = contextWith({ tempo: { namespace: "tracing" } });
    assert.equal(collectorEndpoints(ctx, { ...o, tempoEndpoint: "tempo.example.com:4317" }).tempoEndpoint, "tempo.example.com:4317");
  });
});

describe("otel-collector objects", () => {
  it("defaults are valid in every environment; a bad endpoint is reported with what is allowed", () => {
    for (const env of ["local", "staging", "prod"]) assert.deepEqual(resolve({}, env).issues, []);
    assert.deepEqual(resolve({ tempoEndpoint: "http://tempo:4317" }).issues, [
      {
        path: "otel-collector.tempoEndpoint",
        message: 'expected host:port such as "tempo.observability.svc:4317", got string "http://tempo:4317"',
      },
    ]);
  });

  it("renders ConfigMap, Deployment, Service and a headless Service for per-replica scraping", () => {
    const objects = render();
    assert.deepEqual(objects.map((x) => `${x.kind}/${x.metadata.name}`).sort(), [
      "ConfigMap/otel-collector",
      "Deployment/otel-collector",
      "Service/otel-collector",
      "Service/otel-collector-headless",
    ]);
    const headless = find(objects, "Service", "otel-collector-headless").spec as Loose;
    assert.equal(headless.clusterIP, "None");
    assert.deepEqual(
      headless.ports.map((p: Loose) => p.port),
      [COLLECTOR_PORTS.metrics],
    );
  });

  it("runs restricted, sized, probed on the health check, with the pod IP in MY_POD_IP", () => {
    const d = find(render(), "Deployment", "otel-collector");
    assertRestricted(d);
    const c = podSpec(d).containers[0];
    assert.deepEqual(c.env, [{ name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }]);
    assert.deepEqual(c.readinessProbe.httpGet, { path: "/", port: "health" });
    assert.equal(podSpec(d).automountServiceAccountToken, false);
  });

  it("rolls the pods when the config changes", () => {
    const hash = (objects: Loose[]) =>
      (find(objects, "Deployment", "otel-collector").spec as Loose).template.metadata.annotations["kindling.dev/config-hash"];
    assert.notEqual(hash(render()), hash(render({ logLevel: "debug" })));
    assert.equal(hash(render()), hash(render()));
  });

  it("with more than one replica: spread over nodes and kept available by a PodDisruptionBudget", () => {
    const one = render();
    assert.ok(!one.some((x) => x.kind === "PodDisruptionBudget"));
    const two = render({}, "staging");
    assert.equal((find(two, "Deployment", "otel-collector").spec as Loose).replicas, 2);
    assert.ok(podSpec(find(two, "Deployment", "otel-collector")).affinity.podAntiAffinity);
    assert.equal((find(two, "PodDisruptionBudget", "otel-collector").spec as Loose).minAvailable, 1);
  });
});
