import {
  BATCH_PROCESSOR,
  HEALTH_CHECK_EXTENSION,
  MEMORY_LIMITER_PROCESSOR,
  OTLP_GRPC_EXPORTER,
  OTLP_HTTP_EXPORTER,
  OTLP_RECEIVER,
  PROMETHEUS_REMOTE_WRITE_EXPORTER,
} from "./otelcol-distribution.ts";

/**
 * The collector's own config (config.yaml), as a pure function of typed
 * input. Keys are those of the modules at OTELCOL_RELEASE (read from their
 * config.go / README at that release), and every component type comes from
 * the distribution, so the config can only name what the binary contains.
 */

export const COLLECTOR_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, metrics: 8888, health: 13133 } as const;

/**
 * Listeners bind to the pod's IP (from the Downward API), as the upstream
 * Helm chart does, instead of 0.0.0.0: reachable by the Service and the
 * kubelet's probes, nothing else. A test sets the variable to 127.0.0.1.
 */
export const POD_IP_ENV = "MY_POD_IP";
const listen = (port: number) => `\${env:${POD_IP_ENV}}:${port}`;

/** Exporter ids; alert rules select on them (otelcol_exporter_*{exporter="..."}). */
export const EXPORTERS = {
  tempo: `${OTLP_GRPC_EXPORTER.type}/tempo`,
  loki: `${OTLP_HTTP_EXPORTER.type}/loki`,
  prometheus: `${PROMETHEUS_REMOTE_WRITE_EXPORTER.type}/prometheus`,
} as const;

export interface CollectorConfigInput {
  /** host:port of Tempo's OTLP gRPC receiver. */
  tempoEndpoint: string;
  /** Base URL of Loki's OTLP endpoint; the exporter appends /v1/logs. */
  lokiEndpoint: string;
  /** Prometheus remote-write URL (…/api/v1/write). */
  remoteWriteUrl: string;
  /** Hard limit and spike allowance, in percent of the container's memory limit. */
  memoryLimiter: { limitPercentage: number; spikeLimitPercentage: number };
  /** Batch size that triggers a send, the size a batch is split above, and the longest wait. */
  batch: { sendBatchSize: number; sendBatchMaxSize: number; timeout: string };
  logLevel: "debug" | "info" | "warn" | "error";
}

export function collectorConfig(i: CollectorConfigInput): Record<string, unknown> {
  const processors = [MEMORY_LIMITER_PROCESSOR.type, BATCH_PROCESSOR.type];
  const receivers = [OTLP_RECEIVER.type];
  return {
    receivers: {
      [OTLP_RECEIVER.type]: {
        protocols: {
          grpc: { endpoint: listen(COLLECTOR_PORTS.otlpGrpc) },
          http: { endpoint: listen(COLLECTOR_PORTS.otlpHttp) },
        },
      },
    },
    processors: {
      // First in every pipeline: refusing data early is what keeps the collector alive under load.
      [MEMORY_LIMITER_PROCESSOR.type]: {
        check_interval: "1s",
        limit_percentage: i.memoryLimiter.limitPercentage,
        spike_limit_percentage: i.memoryLimiter.spikeLimitPercentage,
      },
      [BATCH_PROCESSOR.type]: {
        send_batch_size: i.batch.sendBatchSize,
        send_batch_max_size: i.batch.sendBatchMaxSize,
        timeout: i.batch.timeout,
      },
    },
    exporters: {
      // Plain gRPC inside the cluster; in the full profile the mesh (ztunnel) adds mTLS underneath.
      [EXPORTERS.tempo]: { endpoint: i.tempoEndpoint, tls: { insecure: true } },
      [EXPORTERS.loki]: { endpoint: i.lokiEndpoint },
      [EXPORTERS.prometheus]: {
        http: { endpoint: i.remoteWriteUrl },
        // Resource attributes other than service.name/instance go to target_info, not onto every series.
        target_info: { enabled: true },
      },
    },
    extensions: {
      [HEALTH_CHECK_EXTENSION.type]: { endpoint: listen(COLLECTOR_PORTS.health), path: "/" },
    },
    service: {
      extensions: [HEALTH_CHECK_EXTENSION.type],
      telemetry: {
        logs: { level: i.logLevel, encoding: "json" },
        metrics: {
          // "normal" includes the otelcol_exporter_* and otelcol_receiver_* counters the alert rules use.
          level: "normal",
          readers: [
            {
              pull: {
                exporter: {
                  // The same naming as the collector's default reader, so metric names match upstream docs and dashboards.
                  prometheus: {
                    host: `\${env:${POD_IP_ENV}}`,
                    port: COLLECTOR_PORTS.metrics,
                    without_scope_info: true,
                    without_type_suffix: true,
                    without_units: true,
                  },
                },
              },
            },
          ],
        },
      },
      pipelines: {
        traces: { receivers, processors, exporters: [EXPORTERS.tempo] },
        metrics: { receivers, processors, exporters: [EXPORTERS.prometheus] },
        logs: { receivers, processors, exporters: [EXPORTERS.loki] },
      },
    },
  };
}
