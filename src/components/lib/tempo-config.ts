/**
 * Tempo's configuration (monolithic, single binary), as an object rendered
 * to YAML by the component. Keys follow Tempo 2.x's configuration reference
 * (docs/sources/tempo/configuration/_index.md; S3 keys from
 * tempodb/backend/s3/config.go). Credentials are expanded by Tempo from the
 * environment (-config.expand-env=true), filled from the Garage Secret.
 */

export const TEMPO_PORTS = { http: 3200, grpc: 9095, otlpGrpc: 4317, otlpHttp: 4318 } as const;
export const TEMPO_DATA_DIR = "/var/tempo";

export interface TempoConfigInput {
  /** undefined: blocks stay on the local volume (Garage not present). */
  s3?: { hostPort: string; region: string; bucket: string };
  retention: string;
  /** Prometheus remote-write URL for span metrics and service graphs. */
  remoteWriteUrl: string;
  env: string;
}

export function tempoConfig(i: TempoConfigInput): Record<string, unknown> {
  return {
    stream_over_http_enabled: true,
    server: { http_listen_port: TEMPO_PORTS.http, grpc_listen_port: TEMPO_PORTS.grpc, log_level: "info" },
    distributor: {
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpGrpc}` },
            http: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpHttp}` },
          },
        },
      },
    },
    ingester: { max_block_duration: "5m" },
    compactor: { compaction: { block_retention: i.retention } },
    metrics_generator: {
      registry: { external_labels: { source: "tempo", environment: i.env } },
      storage: {
        path: `${TEMPO_DATA_DIR}/generator/wal`,
        // Exemplars carry the trace id, so Grafana can jump from a latency spike to the trace.
        remote_write: [{ url: i.remoteWriteUrl, send_exemplars: true }],
      },
      // The local-blocks processor keeps recent spans for TraceQL metrics queries.
      traces_storage: { path: `${TEMPO_DATA_DIR}/generator/traces` },
      processor: {
        service_graphs: { dimensions: ["k8s.namespace.name"] },
        span_metrics: { dimensions: ["k8s.namespace.name"], enable_target_info: true },
      },
    },
    storage: {
      trace: {
        backend: i.s3 ? "s3" : "local",
        wal: { path: `${TEMPO_DATA_DIR}/wal` },
        local: { path: `${TEMPO_DATA_DIR}/blocks` },
        ...(i.s3
          ? {
              s3: {
                bucket: i.s3.bucket,
                endpoint: i.s3.hostPort,
                region: i.s3.region,
                // biome-ignore lint/suspicious/noTemplateCurlyInString: expanded by the program itself (-config.expand-env)
                access_key: "${AWS_ACCESS_KEY_ID}",
                // biome-ignore lint/suspicious/noTemplateCurlyInString: expanded by the program itself (-config.expand-env)
                secret_key: "${AWS_SECRET_ACCESS_KEY}",
                // Garage: plain HTTP in-cluster, buckets addressed as paths.
                insecure: true,
                forcepathstyle: true,
              },
            }
          : {}),
      },
    },
    overrides: {
      defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics", "local-blocks"] } },
    },
    usage_report: { reporting_enabled: false },
  };
}
