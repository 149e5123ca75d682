import { EXPORTERS } from "./otelcol-config.ts";

/**
 * Alert rules for the platform itself, as typed data. Each rule says what is
 * broken in words an operator can act on; expressions use only metric names
 * the real programs expose (the collector's at OTELCOL_RELEASE is checked by
 * test/integration/otel, the rules' behaviour by `promtool test rules` on
 * test/fixtures/prometheus/*.test.yaml).
 */

export type Severity = "critical" | "warning" | "none";

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires. */
  for?: string;
  severity: Severity;
  summary: string;
  description: string;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** Which parts of the platform are present; a rule about an absent part would only ever fire falsely. */
export interface RuleScope {
  collector: boolean;
  alertmanager: boolean;
  postgresql: boolean;
}

/** The signals the collector carries, as named in its otelcol_* metrics. */
const SIGNALS = "spans|metric_points|log_records";

export function platformRuleGroups(scope: RuleScope): RuleGroup[] {
  const groups: RuleGroup[] = [prometheusGroup(scope)];
  if (scope.collector) groups.push(collectorGroup(), deliveryGroup());
  if (scope.postgresql) groups.push(postgresqlGroup());
  return groups;
}

function prometheusGroup(scope: RuleScope): RuleGroup {
  const rules: AlertRule[] = [
    {
      alert: "Watchdog",
      expr: "vector(1)",
      severity: "none",
      summary: "Always firing: proves the alerting pipeline works end to end",
      description: "If this alert stops arriving, Prometheus or Alertmanager is broken.",
    },
    {
      alert: "TargetDown",
      expr: "up == 0",
      for: "5m",
      severity: "warning",
      summary: "Scrape target {{ $labels.job }} is down",
      description: "Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes.",
    },
    {
      alert: "PrometheusRuleEvaluationFailures",
      expr: "increase(prometheus_rule_evaluation_failures_total[5m]) > 0",
      for: "5m",
      severity: "warning",
      summary: "Prometheus fails to evaluate rules",
      description: "Rule group {{ $labels.rule_group }} failed to evaluate; its alerts may never fire.",
    },
  ];
  if (scope.alertmanager) {
    rules.push({
      alert: "PrometheusNotificationsFailing",
      expr: "rate(prometheus_notifications_errors_total[5m]) > 0",
      for: "10m",
      severity: "critical",
      summary: "Prometheus cannot deliver alerts to Alertmanager",
      description: "Sending to {{ $labels.alertmanager }} fails; alerts are not reaching anyone.",
    });
  }
  return { name: "kindling.prometheus", rules };
}

function collectorGroup(): RuleGroup {
  const perExporter = (metric: string) => `sum by (exporter) (rate({__name__=~"otelcol_exporter_${metric}_(${SIGNALS})"}[5m])) > 0`;
  return {
    name: "kindling.otel-collector",
    rules: [
      {
        alert: "OtelCollectorDown",
        expr: 'absent(up{job="otel-collector"} == 1)',
        for: "5m",
        severity: "critical",
        summary: "No OpenTelemetry Collector is up",
        description: "No otel-collector target has been scraped successfully for 5 minutes; applications cannot send telemetry.",
      },
      {
        alert: "OtelCollectorRefusingData",
        expr: `sum by (receiver) (rate({__name__=~"otelcol_receiver_refused_(${SIGNALS})"}[5m])) > 0`,
        for: "5m",
        severity: "warning",
        summary: "The collector refuses incoming telemetry",
        description:
          "Receiver {{ $labels.receiver }} refuses data, usually because the memory limiter is active: the collector needs more memory or replicas.",
      },
      {
        alert: "OtelCollectorExportFailing",
        expr: perExporter("send_failed"),
        for: "5m",
        severity: "critical",
        summary: "The collector is dropping data: exporter {{ $labels.exporter }} fails",
        description: "{{ $labels.exporter }} has failed to deliver data for 5 minutes after retries; that data is lost.",
      },
      {
        alert: "OtelCollectorQueueFull",
        expr: perExporter("enqueue_failed"),
        for: "2m",
        severity: "critical",
        summary: "The collector is dropping data: the queue of {{ $labels.exporter }} is full",
        description: "The sending queue of {{ $labels.exporter }} is full, so new data is dropped; its backend is too slow or down.",
      },
    ],
  };
}

/**
 * "Backend not ingesting": the collector accepts a signal but has delivered
 * none of it to its backend for 10 minutes. Unlike a plain "no data" rule it
 * stays quiet on an idle platform, and unlike an error-rate rule it also
 * catches an exporter that hangs without reporting failures.
 */
function deliveryGroup(): RuleGroup {
  const notIngesting = (signal: string, exporter: string): string =>
    `(sum(rate(otelcol_receiver_accepted_${signal}[10m])) > 0) unless on () (sum(rate(otelcol_exporter_sent_${signal}{exporter="${exporter}"}[10m])) > 0)`;
  return {
    name: "kindling.telemetry-delivery",
    rules: [
      {
        alert: "LokiNotIngesting",
        expr: notIngesting("log_records", EXPORTERS.loki),
        for: "5m",
        severity: "critical",
        summary: "Logs are not reaching Loki",
        description: "The collector accepts logs but has delivered none to Loki in 10 minutes.",
      },
      {
        alert: "TempoNotIngesting",
        expr: notIngesting("spans", EXPORTERS.tempo),
        for: "5m",
        severity: "critical",
        summary: "Traces are not reaching Tempo",
        description: "The collector accepts spans but has delivered none to Tempo in 10 minutes.",
      },
      {
        alert: "PrometheusNotIngestingOtlpMetrics",
        expr: notIngesting("metric_points", EXPORTERS.prometheus),
        for: "5m",
        severity: "critical",
        summary: "Application metrics are not reaching Prometheus",
        description: "The collector accepts metrics but has remote-written none to Prometheus in 10 minutes.",
      },
    ],
  };
}

function postgresqlGroup(): RuleGroup {
  return {
    name: "kindling.postgresql",
    rules: [
      {
        alert: "PostgreSQLDown",
        expr: "pg_up == 0",
        for: "1m",
        severity: "critical",
        summary: "PostgreSQL is down",
        description: "postgres-exporter cannot connect to PostgreSQL ({{ $labels.instance }}); applications cannot reach their database.",
      },
      {
        alert: "PostgreSQLMetricsAbsent",
        expr: "absent(pg_up)",
        for: "10m",
        severity: "warning",
        summary: "Nothing reports whether PostgreSQL is up",
        description: "No pg_up series for 10 minutes: postgres-exporter is not running or not scraped, so PostgreSQLDown cannot fire.",
      },
    ],
  };
}

/** The rule file as Prometheus reads it. */
export function ruleFile(groups: RuleGroup[]): { groups: unknown[] } {
  return {
    groups: groups.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => ({
        alert: r.alert,
        expr: r.expr,
        ...(r.for ? { for: r.for } : {}),
        labels: { severity: r.severity },
        annotations: { summary: r.summary, description: r.description },
      })),
    })),
  };
}
