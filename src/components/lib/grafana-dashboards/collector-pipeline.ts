import { dashboard, type Panel, rate } from "./panels.ts";

/**
 * Health of the OTel Collector pipelines from its own otelcol_* metrics:
 * what receivers accept or refuse, what exporters send or fail to send, how
 * full the sending queues are, and the collector process itself. Counter
 * names are matched with and without "_total", which newer collectors add.
 */
const SIGNALS = [
  { name: "Spans", item: "spans" },
  { name: "Log records", item: "log_records" },
  { name: "Metric points", item: "metric_points" },
] as const;

function signalPanels(): Panel[] {
  return SIGNALS.flatMap(({ name, item }): Panel[] => [
    {
      type: "timeseries",
      title: `${name}: accepted / refused by receiver`,
      unit: "cps",
      width: 12,
      targets: [
        { expr: `sum by (receiver) (${rate(`otelcol_receiver_accepted_${item}`)})`, legend: "accepted {{receiver}}" },
        { expr: `sum by (receiver) (${rate(`otelcol_receiver_refused_${item}`)})`, legend: "refused {{receiver}}" },
      ],
    },
    {
      type: "timeseries",
      title: `${name}: sent / failed by exporter`,
      unit: "cps",
      width: 12,
      targets: [
        { expr: `sum by (exporter) (${rate(`otelcol_exporter_sent_${item}`)})`, legend: "sent {{exporter}}" },
        { expr: `sum by (exporter) (${rate(`otelcol_exporter_send_failed_${item}`)})`, legend: "failed {{exporter}}" },
      ],
    },
  ]);
}

const anyFailed = SIGNALS.map(({ item }) => `sum(${rate(`otelcol_exporter_send_failed_${item}`)})`).join(" or ");
const anyRefused = SIGNALS.map(({ item }) => `sum(${rate(`otelcol_receiver_refused_${item}`)})`).join(" or ");

export function collectorPipeline(): Record<string, unknown> {
  return dashboard({
    uid: "kindling-collector-pipeline",
    title: "Collector pipeline health",
    description: "OTel Collector receivers, exporters, queues and process, from otelcol_* metrics.",
    tags: ["collector", "opentelemetry"],
    panels: [
      { type: "row", title: "At a glance" },
      {
        type: "stat",
        title: "Export failures/s",
        unit: "cps",
        width: 6,
        height: 4,
        redAbove: 0.001,
        targets: [{ expr: `(${anyFailed}) or vector(0)` }],
      },
      {
        type: "stat",
        title: "Refused items/s",
        unit: "cps",
        width: 6,
        height: 4,
        redAbove: 0.001,
        targets: [{ expr: `(${anyRefused}) or vector(0)` }],
      },
      {
        type: "stat",
        title: "Fullest sending queue",
        unit: "percentunit",
        width: 6,
        height: 4,
        redAbove: 0.8,
        targets: [{ expr: "max(otelcol_exporter_queue_size / otelcol_exporter_queue_capacity) or vector(0)" }],
      },
      {
        type: "stat",
        title: "Collector instances up",
        unit: "short",
        width: 6,
        height: 4,
        targets: [{ expr: 'count({__name__=~"otelcol_process_uptime(_seconds)?(_total)?"}) or vector(0)' }],
      },
      { type: "row", title: "Signals" },
      ...signalPanels(),
      { type: "row", title: "Queues and process" },
      {
        type: "timeseries",
        title: "Sending queue size / capacity by exporter",
        width: 12,
        targets: [
          { expr: "sum by (exporter) (otelcol_exporter_queue_size)", legend: "size {{exporter}}" },
          { expr: "sum by (exporter) (otelcol_exporter_queue_capacity)", legend: "capacity {{exporter}}" },
        ],
      },
      {
        type: "timeseries",
        title: "Collector memory (RSS) and CPU",
        unit: "bytes",
        width: 12,
        targets: [
          { expr: 'sum by (pod) ({__name__=~"otelcol_process_memory_rss(_bytes)?"})', legend: "rss {{pod}}" },
          { expr: `sum by (pod) (${rate("otelcol_process_cpu_seconds")})`, legend: "cpu cores {{pod}}" },
        ],
      },
    ],
  });
}
