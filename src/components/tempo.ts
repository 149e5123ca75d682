import * as s from "../config/schema.ts";
import { garageS3 } from "./garage.ts";
import { grafanaMonolith, grafanaMonolithSizeDefaults, grafanaMonolithSizeOptions } from "./lib/grafana-monolith.ts";
import { prometheusRemoteWriteUrl } from "./lib/observability-addresses.ts";
import { httpUrlOption, namespaceOption } from "./lib/option-schemas.ts";
import { namedPort } from "./lib/services.ts";
import { TEMPO_DATA_DIR, TEMPO_PORTS, tempoConfig } from "./lib/tempo-config.ts";
import { appLabels, type Resources } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface TempoOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /** Tempo image (AGPL; the upstream image as published). @default "docker.io/grafana/tempo:2.8.2" */
  image: string;
  /** How long traces are kept. @default "48h" locally, "168h" elsewhere */
  retention: string;
  /**
   * Where span metrics and service graphs are remote-written. @default the
   * prometheus component's /api/v1/write ("http://prometheus.observability.svc:9090/api/v1/write")
   */
  remoteWriteUrl?: string;
  /** Local volume: WAL, generator WAL, recent blocks. @default "2Gi" locally, "10Gi" elsewhere */
  storage: string;
  storageClass?: string;
  /** CPU and memory. @default 100m/192Mi requested, 1/512Mi limit locally; 250m/384Mi, 2/1Gi elsewhere */
  resources: Resources;
}

const NAME = "tempo";

export const tempo = defineComponent<TempoOptions>({
  name: NAME,
  description: "Tempo (monolithic), OTLP gRPC in, traces in Garage S3, span metrics and service graphs to Prometheus",
  profiles: ["dev-fast", "cilium", "full"],
  options: s.object({
    namespace: namespaceOption,
    image: s.string({ minLength: 1 }),
    retention: s.string({ pattern: /^[0-9]+[hms]$/, patternHint: 'a duration in hours, e.g. "168h"' }),
    remoteWriteUrl: s.optional(httpUrlOption),
    ...grafanaMonolithSizeOptions,
  }),
  defaults: ({ env }) => ({
    namespace: "observability",
    image: "docker.io/grafana/tempo:2.8.2",
    retention: env === "local" ? "48h" : "168h",
    ...grafanaMonolithSizeDefaults(env),
  }),
  render: (ctx, o) => {
    const s3 = garageS3(ctx, NAME);
    const config = tempoConfig({
      s3: s3 && { hostPort: s3.hostPort, region: s3.region, bucket: s3.buckets[0] as string },
      retention: o.retention,
      remoteWriteUrl: o.remoteWriteUrl ?? prometheusRemoteWriteUrl(ctx),
      env: ctx.env,
    });
    return [
      grafanaMonolith(o, {
        name: NAME,
        labels,
        config,
        ports: [
          namedPort("http", TEMPO_PORTS.http),
          namedPort("grpc", TEMPO_PORTS.grpc),
          // appProtocol lets the mesh treat OTLP gRPC as HTTP/2 instead of opaque TCP.
          namedPort("otlp-grpc", TEMPO_PORTS.otlpGrpc, { appProtocol: "grpc" }),
          namedPort("otlp-http", TEMPO_PORTS.otlpHttp),
        ],
        dataDir: TEMPO_DATA_DIR,
        credentials: s3?.secret,
      }),
    ];
  },
});

const labels = appLabels(NAME, "traces");
