import { dashboard, rate } from "./panels.ts";

/**
 * The first screen after `kindling bootstrap`: is everything scraped, is
 * telemetry flowing into Loki and Tempo, and how are the services doing
 * (RED metrics from Tempo's span metrics, service graph edges).
 */
export function platformOverview(): Record<string, unknown> {
  return dashboard({
    uid: "kindling-platform-overview",
    title: "Platform overview",
    description: "Scrape health, telemetry flow into Loki/Tempo/Garage, and RED metrics per service from span metrics.",
    tags: ["platform"],
    panels: [
      { type: "row", title: "Health" },
      { type: "stat", title: "Targets up", unit: "short", width: 4, height: 4, targets: [{ expr: "count(up == 1)" }] },
      {
        type: "stat",
        title: "Targets down",
        unit: "short",
        width: 4,
        height: 4,
        redAbove: 1,
        targets: [{ expr: "count(up == 0) or vector(0)" }],
      },
      {
        type: "stat",
        title: "Alerts firing",
        unit: "short",
        width: 4,
        height: 4,
        redAbove: 1,
        targets: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)' }],
      },
      {
        type: "stat",
        title: "Spans/s into Tempo",
        unit: "cps",
        width: 4,
        height: 4,
        targets: [{ expr: `sum(${rate("tempo_distributor_spans_received")})` }],
      },
      {
        type: "stat",
        title: "Log lines/s into Loki",
        unit: "cps",
        width: 4,
        height: 4,
        targets: [{ expr: `sum(${rate("loki_distributor_lines_received")})` }],
      },
      {
        type: "stat",
        title: "S3 requests/s to Garage",
        unit: "reqps",
        width: 4,
        height: 4,
        targets: [{ expr: `sum(${rate("api_s3_request_counter")})` }],
      },
      {
        type: "timeseries",
        title: "Scrape targets down by job",
        width: 24,
        height: 6,
        targets: [{ expr: "sum by (job) (up == 0)", legend: "{{job}}" }],
      },
      { type: "row", title: "Services (from Tempo span metrics)" },
      {
        type: "timeseries",
        title: "Request rate by service",
        unit: "reqps",
        width: 8,
        targets: [
          { expr: `sum by (service) (${rate("traces_spanmetrics_calls", 'span_kind="SPAN_KIND_SERVER"')})`, legend: "{{service}}" },
        ],
      },
      {
        type: "timeseries",
        title: "Error ratio by service",
        unit: "percentunit",
        width: 8,
        targets: [
          {
            expr: `sum by (service) (${rate("traces_spanmetrics_calls", 'span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR"')}) / sum by (service) (${rate("traces_spanmetrics_calls", 'span_kind="SPAN_KIND_SERVER"')})`,
            legend: "{{service}}",
          },
        ],
      },
      {
        type: "timeseries",
        title: "Latency p95 by service",
        unit: "s",
        width: 8,
        targets: [
          {
            expr: 'histogram_quantile(0.95, sum by (service, le) (rate(traces_spanmetrics_latency_bucket{span_kind="SPAN_KIND_SERVER"}[5m])))',
            legend: "{{service}}",
          },
        ],
      },
      {
        type: "timeseries",
        title: "Service graph: requests between services",
        unit: "reqps",
        width: 12,
        targets: [{ expr: `sum by (client, server) (${rate("traces_service_graph_request")})`, legend: "{{client}} → {{server}}" }],
      },
      {
        type: "timeseries",
        title: "Service graph: failed requests",
        unit: "reqps",
        width: 12,
        targets: [{ expr: `sum by (client, server) (${rate("traces_service_graph_request_failed")})`, legend: "{{client}} → {{server}}" }],
      },
    ],
  });
}
