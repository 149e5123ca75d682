/**
 * Turns the collector config kindling renders for a cluster into one that
 * runs on this machine's loopback, changing only addresses: listener ports
 * (the host stays ${env:MY_POD_IP}, which the test sets to 127.0.0.1) and the
 * three backend endpoints. Receivers, processors, exporters' other settings
 * and pipelines stay exactly as rendered, so the run proves the real config.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { COLLECTOR_PORTS, EXPORTERS, POD_IP_ENV } from "../../../src/components/lib/otelcol-config.ts";

export interface LoopbackPorts {
  otlpGrpc: number;
  otlpHttp: number;
  health: number;
  metrics: number;
}

export interface LoopbackBackends {
  /** host:port standing in for Tempo's OTLP gRPC receiver. */
  tempo: string;
  /** Base URL standing in for Loki's OTLP endpoint (…/otlp). */
  loki: string;
  /** Prometheus remote-write URL. */
  remoteWrite: string;
}

// biome-ignore lint/suspicious/noExplicitAny: walking parsed YAML
type Tree = Record<string, any>;

/** Replaces `from` with `to` at a path, asserting the rendered value is what the test expects to replace. */
function swap(tree: Tree, path: string[], from: unknown, to: unknown): void {
  const parent = path.slice(0, -1).reduce<Tree>((t, k) => t?.[k], tree);
  const key = path[path.length - 1] as string;
  assert.equal(parent?.[key], from, `rendered collector config: ${path.join(".")}`);
  parent[key] = to;
}

export function loopbackCollectorConfig(rendered: string, ports: LoopbackPorts, backends: LoopbackBackends): string {
  const c = parse(rendered) as Tree;
  const host = `\${env:${POD_IP_ENV}}`;
  swap(c, ["receivers", "otlp", "protocols", "grpc", "endpoint"], `${host}:${COLLECTOR_PORTS.otlpGrpc}`, `${host}:${ports.otlpGrpc}`);
  swap(c, ["receivers", "otlp", "protocols", "http", "endpoint"], `${host}:${COLLECTOR_PORTS.otlpHttp}`, `${host}:${ports.otlpHttp}`);
  swap(c, ["extensions", "health_check", "endpoint"], `${host}:${COLLECTOR_PORTS.health}`, `${host}:${ports.health}`);
  const reader = c.service.telemetry.metrics.readers[0].pull.exporter.prometheus;
  swap(reader, ["port"], COLLECTOR_PORTS.metrics, ports.metrics);
  swap(c, ["exporters", EXPORTERS.tempo, "endpoint"], "tempo.observability.svc:4317", backends.tempo);
  swap(c, ["exporters", EXPORTERS.loki, "endpoint"], "http://loki.observability.svc:3100/otlp", backends.loki);
  swap(
    c,
    ["exporters", EXPORTERS.prometheus, "http", "endpoint"],
    "http://prometheus.observability.svc:9090/api/v1/write",
    backends.remoteWrite,
  );
  return stringify(c, { lineWidth: 0 });
}

/**
 * The second collector, standing in for Tempo and Loki: OTLP gRPC for traces
 * (Tempo's protocol), OTLP HTTP under /otlp for logs (Loki's path), both
 * written to files with the file exporter.
 */
export function sinkCollectorConfig(o: { grpc: number; http: number; health: number; traces: string; logs: string }): string {
  return stringify({
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `127.0.0.1:${o.grpc}` },
          http: { endpoint: `127.0.0.1:${o.http}`, logs_url_path: "/otlp/v1/logs" },
        },
      },
    },
    exporters: {
      "file/traces": { path: o.traces, flush_interval: "100ms" },
      "file/logs": { path: o.logs, flush_interval: "100ms" },
    },
    extensions: { health_check: { endpoint: `127.0.0.1:${o.health}` } },
    service: {
      extensions: ["health_check"],
      // No internal metrics listener: it would compete for :8888 with the collector under test.
      telemetry: { metrics: { level: "none" } },
      pipelines: {
        traces: { receivers: ["otlp"], exporters: ["file/traces"] },
        logs: { receivers: ["otlp"], exporters: ["file/logs"] },
      },
    },
  });
}
