import type { RenderContext } from "../types.ts";
import { ALERTMANAGER_HEADLESS, ALERTMANAGER_PORT } from "./alertmanager-config.ts";
import { LOKI_PORTS } from "./loki-config.ts";
import { COLLECTOR_PORTS } from "./otelcol-config.ts";
import { POSTGRES_EXPORTER, POSTGRES_EXPORTER_PORT } from "./prometheus-postgres-exporter.ts";
import { TEMPO_PORTS } from "./tempo-config.ts";

/**
 * What Prometheus scrapes: the platform's own services, found through DNS.
 * A headless Service resolves to every ready pod, so each replica is its own
 * target and `up{job="otel-collector"}` means all of them. Applications do
 * not need to be scraped: they send metrics over OTLP to the collector, which
 * remote-writes them. DNS discovery also needs no Kubernetes API access, so
 * Prometheus runs without a service account token.
 *
 * Each job is named after the app.kubernetes.io/name of the pods behind its
 * Service: network policy opens the scrape port to exactly those pods, and a
 * unit test checks the rendered Services keep to it.
 */

export interface ScrapeTarget {
  /** The job label, which alert rules select on. */
  job: string;
  namespace: string;
  /** DNS name that resolves to the pods (a headless Service) or to a single-replica Service's IP. */
  dnsName: string;
  port: number;
  metricsPath?: string;
}

interface Known {
  /** Component whose presence adds the target, and whose options give the namespace. */
  component: string;
  job: string;
  service: string;
  port: number;
  metricsPath?: string;
}

/** The platform services that expose Prometheus metrics, in a stable order. */
const KNOWN: Known[] = [
  { component: "otel-collector", job: "otel-collector", service: "otel-collector-headless", port: COLLECTOR_PORTS.metrics },
  { component: "alertmanager", job: "alertmanager", service: ALERTMANAGER_HEADLESS, port: ALERTMANAGER_PORT },
  { component: "loki", job: "loki", service: "loki-headless", port: LOKI_PORTS.http },
  { component: "tempo", job: "tempo", service: "tempo-headless", port: TEMPO_PORTS.http },
  // Single replica behind a normal Service: its cluster IP is the one target.
  { component: "grafana", job: "grafana", service: "grafana", port: 3000 },
  // The exporter runs in PostgreSQL's namespace (see prometheus-postgres-exporter.ts).
  { component: "postgresql", job: POSTGRES_EXPORTER, service: POSTGRES_EXPORTER, port: POSTGRES_EXPORTER_PORT },
];

export function platformTargets(ctx: Pick<RenderContext, "has" | "optionsOf">): ScrapeTarget[] {
  return KNOWN.filter((k) => ctx.has(k.component)).map((k) => {
    const namespace = ctx.optionsOf<{ namespace?: string }>(k.component).namespace ?? "observability";
    return {
      job: k.job,
      namespace,
      dnsName: `${k.service}.${namespace}.svc.cluster.local`,
      port: k.port,
      ...(k.metricsPath ? { metricsPath: k.metricsPath } : {}),
    };
  });
}
