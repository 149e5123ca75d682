import { stringify } from "yaml";
import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { configMap } from "./lib/config-map.ts";
import { configHashAnnotation } from "./lib/content-hash.ts";
import { deployment, keepOnePodUp } from "./lib/deployment.ts";
import { observabilityNamespace, prometheusRemoteWriteUrl } from "./lib/observability-addresses.ts";
import { httpUrlOption, namespaceOption } from "./lib/option-schemas.ts";
import { collectorImage, RUNTIME_UID } from "./lib/otelcol-builder.ts";
import { COLLECTOR_PORTS, type CollectorConfigInput, collectorConfig, POD_IP_ENV } from "./lib/otelcol-config.ts";
import { kindlingDistribution } from "./lib/otelcol-distribution.ts";
import { clusterIPService, containerPorts, headlessName, headlessService, namedPort } from "./lib/services.ts";
import { appLabels, type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec } from "./lib/workload.ts";
import type { RenderContext } from "./types.ts";
import { defineComponent } from "./types.ts";

export interface OtelCollectorOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /**
   * The collector image. The default is kindling's own distribution, built
   * from the generated builder config (scripts/otelcol-build.ts writes the
   * Dockerfile); its tag carries the hash of the module list.
   * @default "kindling.local/otelcol-kindling:<release>-kindling-<hash>"
   */
  image: string;
  /** Collector replicas; more than one adds a PodDisruptionBudget and spreads pods over nodes. @default 1 locally, 2 elsewhere */
  replicas: number;
  /** CPU and memory; the memory limiter works in percent of the memory limit. @default 100m/128Mi requested, 500m/512Mi limit */
  resources: Resources;
  /** Tempo's OTLP gRPC host:port. @default from the tempo component when present, else "tempo.observability.svc:4317" */
  tempoEndpoint?: string;
  /** Loki's OTLP HTTP base URL. @default from the loki component when present, else "http://loki.observability.svc:3100/otlp" */
  lokiEndpoint?: string;
  /** Prometheus remote-write URL. @default from the prometheus component when present, else "http://prometheus.observability.svc:9090/api/v1/write" */
  remoteWriteUrl?: string;
  /** Memory limiter, in percent of the container memory limit. @default 80 / 25 */
  memoryLimiter: { limitPercentage: number; spikeLimitPercentage: number };
  /** Batch processor. @default 8192 items, split above 10000, at most 200ms wait */
  batch: { sendBatchSize: number; sendBatchMaxSize: number; timeout: string };
  /** Log level of the collector itself. @default "info" */
  logLevel: "debug" | "info" | "warn" | "error";
}

const NAME = "otel-collector";
const CONFIG_FILE = "config.yaml";
const percent = (doc: string) => s.int({ min: 1, max: 100, doc });

const options: s.ObjectSchema<OtelCollectorOptions> = s.object({
  namespace: namespaceOption,
  image: s.string({ minLength: 1 }),
  replicas: s.int({ min: 1, max: 10 }),
  resources: resourcesSchema,
  tempoEndpoint: s.optional(s.string({ pattern: /^[^\s/:]+:[0-9]+$/, patternHint: 'host:port such as "tempo.observability.svc:4317"' })),
  lokiEndpoint: s.optional(httpUrlOption),
  remoteWriteUrl: s.optional(httpUrlOption),
  memoryLimiter: s.object({
    limitPercentage: percent("hard limit, percent of the memory limit"),
    spikeLimitPercentage: percent("headroom below the hard limit"),
  }),
  batch: s.object({
    sendBatchSize: s.int({ min: 1 }),
    sendBatchMaxSize: s.int({ min: 0 }),
    timeout: s.string({ pattern: /^[0-9]+(ms|s|m)$/, patternHint: 'a duration such as "200ms" or "1s"' }),
  }),
  logLevel: s.oneOf(["debug", "info", "warn", "error"] as const),
});

/** Where the data goes: an explicit option wins, then the namespace of the component that receives it, then the default. */
export function collectorEndpoints(ctx: Pick<RenderContext, "has" | "optionsOf">, o: OtelCollectorOptions) {
  const ns = (component: string) => observabilityNamespace(ctx, component);
  return {
    tempoEndpoint: o.tempoEndpoint ?? `tempo.${ns("tempo")}.svc:4317`,
    lokiEndpoint: o.lokiEndpoint ?? `http://loki.${ns("loki")}.svc:3100/otlp`,
    remoteWriteUrl: o.remoteWriteUrl ?? prometheusRemoteWriteUrl(ctx),
  };
}

export const otelCollector = defineComponent<OtelCollectorOptions>({
  name: NAME,
  description: "OpenTelemetry Collector (kindling's own distribution): OTLP in; traces to Tempo, metrics to Prometheus, logs to Loki",
  profiles: ["dev-fast", "cilium", "full"],
  options,
  defaults: ({ env }) => ({
    namespace: "observability",
    image: collectorImage(kindlingDistribution),
    replicas: env === "local" ? 1 : 2,
    resources: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
    memoryLimiter: { limitPercentage: 80, spikeLimitPercentage: 25 },
    batch: { sendBatchSize: 8192, sendBatchMaxSize: 10000, timeout: "200ms" },
    logLevel: "info",
  }),
  render: (ctx, o) => {
    const config = stringify(
      collectorConfig({
        ...collectorEndpoints(ctx, o),
        memoryLimiter: o.memoryLimiter,
        batch: o.batch,
        logLevel: o.logLevel,
      } satisfies CollectorConfigInput),
      // Pipelines share their receiver/processor lists; write them out, never as YAML anchors.
      { lineWidth: 0, aliasDuplicateObjects: false },
    );
    const objects = [
      configMap(NAME, labels, { [CONFIG_FILE]: config }),
      collectorDeployment(o, config),
      clusterIPService(NAME, labels, servicePorts),
      // Headless, so Prometheus resolves every replica and scrapes each one (prometheus-targets.ts).
      headlessService(headlessName(NAME), labels, [namedPort("metrics", COLLECTOR_PORTS.metrics, { protocol: "TCP" })]),
    ];
    if (o.replicas > 1) objects.push(keepOnePodUp(NAME, labels));
    // No dependsOn: exporters queue and retry, so the collector can start alongside its backends.
    return [{ name: NAME, namespace: o.namespace, objects }];
  },
});

const labels = appLabels(NAME, "telemetry-gateway");
/** OTLP in, and the collector's own metrics; the container serves these and its health check. */
const servicePorts = [
  namedPort("otlp-grpc", COLLECTOR_PORTS.otlpGrpc, { protocol: "TCP", appProtocol: "grpc" }),
  namedPort("otlp-http", COLLECTOR_PORTS.otlpHttp, { protocol: "TCP", appProtocol: "http" }),
  namedPort("metrics", COLLECTOR_PORTS.metrics, { protocol: "TCP", appProtocol: "http" }),
];

function collectorDeployment(o: OtelCollectorOptions, config: string): KubeObject {
  const health = { httpGet: { path: "/", port: "health" } };
  return deployment({
    name: NAME,
    labels,
    replicas: o.replicas,
    // A changed config rolls the pods; the collector does not reload its config file.
    podAnnotations: configHashAnnotation(config),
    pod: restrictedPodSpec(RUNTIME_UID, {
      ...(o.replicas > 1 ? { affinity: spreadOverNodes() } : {}),
      containers: [
        restrictedContainer(o.resources, {
          name: "otel-collector",
          image: o.image,
          // The default image is built locally and loaded into Kind; it is never pulled.
          imagePullPolicy: "IfNotPresent",
          args: [`--config=/etc/otelcol/${CONFIG_FILE}`],
          env: [{ name: POD_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
          ports: containerPorts([...servicePorts, namedPort("health", COLLECTOR_PORTS.health, { protocol: "TCP" })]),
          readinessProbe: { ...health, periodSeconds: 5 },
          livenessProbe: { ...health, initialDelaySeconds: 10, periodSeconds: 10 },
          volumeMounts: [{ name: "config", mountPath: "/etc/otelcol", readOnly: true }],
        }),
      ],
      volumes: [{ name: "config", configMap: { name: NAME } }],
    }),
  });
}

function spreadOverNodes() {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } } },
      ],
    },
  };
}
