import * as s from "../config/schema.ts";
import { garageS3 } from "./garage.ts";
import { grafanaMonolith, grafanaMonolithSizeDefaults, grafanaMonolithSizeOptions } from "./lib/grafana-monolith.ts";
import { LOKI_DATA_DIR, LOKI_PORTS, lokiConfig } from "./lib/loki-config.ts";
import { namespaceOption } from "./lib/option-schemas.ts";
import { namedPort } from "./lib/services.ts";
import { appLabels, type Resources } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface LokiOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /** Loki image (AGPL; the upstream image as published). @default "docker.io/grafana/loki:3.5.3" */
  image: string;
  /** How long logs are kept. @default "72h" locally, "168h" elsewhere */
  retention: string;
  /** Per-tenant ingestion rate in MB/s, and burst. @default 4 and 8 locally, 16 and 32 elsewhere */
  ingestionRateMb: number;
  ingestionBurstMb: number;
  /** OTLP resource attributes that become stream labels (the rest is structured metadata). */
  otlpIndexLabels: string[];
  /** Local volume: WAL, index cache, compactor work (and everything when Garage is absent). @default "2Gi" locally, "10Gi" elsewhere */
  storage: string;
  storageClass?: string;
  /** CPU and memory. @default 100m/192Mi requested, 1/512Mi limit locally; 250m/384Mi, 2/1Gi elsewhere */
  resources: Resources;
}

const NAME = "loki";

export const loki = defineComponent<LokiOptions>({
  name: NAME,
  description: "Loki (monolithic), logs over OTLP HTTP, chunks and rules in Garage S3",
  profiles: ["dev-fast", "cilium", "full"],
  options: s.object({
    namespace: namespaceOption,
    image: s.string({ minLength: 1 }),
    retention: s.string({ pattern: /^[0-9]+[hd]$/, patternHint: 'a duration in hours or days, e.g. "168h"' }),
    ingestionRateMb: s.int({ min: 1, max: 1024 }),
    ingestionBurstMb: s.int({ min: 1, max: 2048 }),
    otlpIndexLabels: s.array(s.string({ minLength: 1 })),
    ...grafanaMonolithSizeOptions,
  }),
  defaults: ({ env }) => ({
    namespace: "observability",
    image: "docker.io/grafana/loki:3.5.3",
    retention: env === "local" ? "72h" : "168h",
    ingestionRateMb: env === "local" ? 4 : 16,
    ingestionBurstMb: env === "local" ? 8 : 32,
    // Loki's own default list, minus the high-cardinality pod and instance ids.
    otlpIndexLabels: [
      "service.name",
      "service.namespace",
      "deployment.environment.name",
      "k8s.namespace.name",
      "k8s.deployment.name",
      "k8s.statefulset.name",
      "k8s.daemonset.name",
      "k8s.container.name",
    ],
    ...grafanaMonolithSizeDefaults(env),
  }),
  render: (ctx, o) => {
    const s3 = garageS3(ctx, NAME);
    const config = lokiConfig({
      s3: s3 && { hostPort: s3.hostPort, region: s3.region, chunksBucket: s3.buckets[0] as string, rulerBucket: s3.buckets[1] as string },
      retention: o.retention,
      ingestionRateMb: o.ingestionRateMb,
      ingestionBurstMb: o.ingestionBurstMb,
      otlpIndexLabels: o.otlpIndexLabels,
    });
    return [
      grafanaMonolith(o, {
        name: NAME,
        labels,
        config,
        ports: [namedPort("http", LOKI_PORTS.http), namedPort("grpc", LOKI_PORTS.grpc)],
        dataDir: LOKI_DATA_DIR,
        credentials: s3?.secret,
      }),
    ];
  },
});

const labels = appLabels(NAME, "logs");
